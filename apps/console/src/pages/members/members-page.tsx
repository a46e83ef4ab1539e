import { useMutation, useQuery } from 'urql';
import { Page } from '../../components/page';
import { Empty, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { roleAtLeast, useScope, type RoleName } from '../../layout/scope';
import { ActionAlert } from './action-alert';
import { InlineConfirm } from '../../components/inline-confirm';
import { formatTime } from './principal-label';
import { GrantForm } from './grant-form';
import { ROLE_LABEL, scopeLabel } from './roles';

const MembersQuery = graphql(`
  query Members {
    me { id }
    members {
      user { id email name }
      grants { id role deployment codeLocation createdAt }
      teams
      joinedAt
    }
  }
`);

const RevokeRoleMutation = graphql(`
  mutation RevokeRole($grantId: ID!) {
    revokeRole(grantId: $grantId)
  }
`);

const RemoveMemberMutation = graphql(`
  mutation RemoveMember($userId: ID!) {
    removeMember(userId: $userId)
  }
`);

/**
 * Members of the organization with their direct grants (role at organization,
 * deployment or code location scope), teams and joined date. Organization
 * Admins also grant roles, revoke grants and remove members; roles offered
 * never exceed the caller's own.
 */
export function MembersPage() {
  const { organizationRole } = useScope();
  const isAdmin = roleAtLeast(organizationRole, 'ADMIN');
  const [result, reexecute] = useQuery({ query: MembersQuery });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const [revoke, revokeRole] = useMutation(RevokeRoleMutation);
  const [removal, removeMember] = useMutation(RemoveMemberMutation);

  return (
    <Page title="Members">
      <QueryState result={result} what="members" retry={refresh}>
        {(data) => (
          <>
            <ActionAlert error={revoke.error} action="revoke the grant" />
            <ActionAlert error={removal.error} action="remove the member" />
            {data.members.length === 0 ? (
              <Empty title="No members yet">{isAdmin && <p>Invite people from the Invitations page.</p>}</Empty>
            ) : (
              <table className="data" aria-label="Members">
                <thead>
                  <tr>
                    <th scope="col">Member</th>
                    <th scope="col">Roles</th>
                    <th scope="col">Teams</th>
                    <th scope="col">Joined</th>
                    {isAdmin && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {data.members.map((m) => {
                    const who = m.user.email ?? m.user.name ?? m.user.id;
                    return (
                      <tr key={m.user.id} data-member={m.user.email ?? m.user.id}>
                        <td>
                          <div>{m.user.name ?? m.user.email ?? m.user.id}</div>
                          {m.user.name && m.user.email && <div className="muted">{m.user.email}</div>}
                          {m.user.id === data.me.id && <div className="muted">(you)</div>}
                        </td>
                        <td>
                          {m.grants.length === 0 ? (
                            <span className="muted">No direct roles</span>
                          ) : (
                            <ul className="grant-list">
                              {m.grants.map((g) => (
                                <li key={g.id}>
                                  <span className="role-badge">{ROLE_LABEL[g.role as RoleName]}</span> <span>{scopeLabel(g)}</span>
                                  {isAdmin && (g.role !== 'OWNER' || organizationRole === 'OWNER') && (
                                    <>
                                      {' '}
                                      <InlineConfirm
                                        label={<>Revoke<span className="visually-hidden"> {ROLE_LABEL[g.role as RoleName]} at {scopeLabel(g)} from {who}</span></>}
                                        question={`Revoke ${ROLE_LABEL[g.role as RoleName]} at ${scopeLabel(g)} from ${who}?`}
                                        confirmLabel="Yes, revoke"
                                        disabled={revoke.fetching}
                                        onConfirm={async () => {
                                          const r = await revokeRole({ grantId: g.id });
                                          if (!r.error) refresh();
                                        }}
                                      />
                                    </>
                                  )}
                                </li>
                              ))}
                            </ul>
                          )}
                        </td>
                        <td>{m.teams.length ? m.teams.join(', ') : <span className="muted">—</span>}</td>
                        <td>{formatTime(m.joinedAt)}</td>
                        {isAdmin && (
                          <td>
                            {m.user.id !== data.me.id && (
                              <InlineConfirm
                                label={<>Remove<span className="visually-hidden"> {who}</span></>}
                                question={`Remove ${who} and all their roles from the organization?`}
                                confirmLabel="Yes, remove"
                                disabled={removal.fetching}
                                onConfirm={async () => {
                                  const r = await removeMember({ userId: m.user.id });
                                  if (!r.error) refresh();
                                }}
                              />
                            )}
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
            {isAdmin && data.members.length > 0 && (
              <GrantForm
                principals={data.members.map((m) => ({ id: m.user.id, label: m.user.email ?? m.user.name ?? m.user.id }))}
                principalKind="USER"
                principalLabel="Member"
                onGranted={refresh}
              />
            )}
          </>
        )}
      </QueryState>
    </Page>
  );
}

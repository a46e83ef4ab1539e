import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Page } from '../../components/page';
import { Empty, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import type { Role } from '../../gql/graphql';
import { roleAtLeast, useScope, type RoleName } from '../../layout/scope';
import { ActionAlert } from './action-alert';
import { ConfirmButton } from './confirm-button';
import { formatTime } from './principal-label';
import { grantableRoles, ROLE_LABEL, scopeLabel } from './roles';
import { ORGANIZATION_SCOPE, ScopeFields, scopeInput, type ScopeValue } from './scope-fields';
import { Field } from './field';

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

const GrantRoleMutation = graphql(`
  mutation GrantRole($principalId: ID!, $principalKind: PrincipalKind!, $role: Role!, $scope: ScopeInput) {
    grantRole(principalId: $principalId, principalKind: $principalKind, role: $role, scope: $scope) { id role deployment codeLocation }
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

/** The role a caller holds at a form scope, as far as the console knows (the server decides). */
export function useHeldAt(): (scope: ScopeValue) => RoleName | null {
  const { deployment, deploymentRole, organizationRole } = useScope();
  return (s) => (s.deployment && s.deployment === deployment ? deploymentRole : organizationRole);
}

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
                                      <ConfirmButton
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
                              <ConfirmButton
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

/**
 * "Grant a role": principal (a member or team), role (at most the caller's at
 * the chosen scope) and scope; shows the server's refusal as an alert.
 */
export function GrantForm({ principals, principalKind, principalLabel, onGranted, fixedPrincipalId }: {
  principals: { id: string; label: string }[];
  principalKind: 'USER' | 'TEAM';
  principalLabel: string;
  onGranted: () => void;
  /** Grant to this principal only (no principal select). */
  fixedPrincipalId?: string;
}) {
  const { organizationRole } = useScope();
  const heldAt = useHeldAt();
  const [principalId, setPrincipalId] = useState(fixedPrincipalId ?? '');
  const [scope, setScope] = useState<ScopeValue>(ORGANIZATION_SCOPE);
  const roles = grantableRoles(heldAt(scope), organizationRole);
  const [role, setRole] = useState<RoleName>('VIEWER');
  const [state, grantRole] = useMutation(GrantRoleMutation);
  const [done, setDone] = useState<string | null>(null);
  const chosenRole = roles.includes(role) ? role : (roles[0] ?? 'VIEWER');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const r = await grantRole({ principalId, principalKind, role: chosenRole as Role, scope: scopeInput(scope) });
    if (!r.error) {
      const who = principals.find((p) => p.id === principalId)?.label ?? principalId;
      setDone(`Granted ${ROLE_LABEL[chosenRole]} at ${scopeLabel(scope)} to ${who}.`);
      onGranted();
    }
  };

  const titleId = `grant-${principalKind}-${fixedPrincipalId ?? 'any'}`;
  // Inside a team's card the form is a subsection (h3); on its own page a section (h2).
  const Heading = fixedPrincipalId ? 'h3' : 'h2';
  return (
    <section aria-labelledby={titleId}>
      <Heading id={titleId}>{fixedPrincipalId ? 'Grant this team a role' : 'Grant a role'}</Heading>
      <form className="form" onSubmit={(e) => void submit(e)}>
        {!fixedPrincipalId && (
          <Field label={principalLabel}>
            {(id) => (
              <select id={id} value={principalId} onChange={(e) => setPrincipalId(e.target.value)} required>
                <option value="">Choose…</option>
                {principals.map((p) => (
                  <option key={p.id} value={p.id}>{p.label}</option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Role">
          {(id) => (
            <select id={id} value={chosenRole} onChange={(e) => setRole(e.target.value as RoleName)}>
              {roles.map((r) => (
                <option key={r} value={r}>{ROLE_LABEL[r]}</option>
              ))}
            </select>
          )}
        </Field>
        <ScopeFields value={scope} onChange={setScope} />
        <button type="submit" className="primary" disabled={state.fetching || !principalId || roles.length === 0}>
          {state.fetching ? 'Granting…' : 'Grant role'}
        </button>
      </form>
      <ActionAlert error={state.error} action="grant the role" />
      {done && <p role="status" className="muted">{done}</p>}
    </section>
  );
}

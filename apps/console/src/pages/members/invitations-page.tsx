import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Page } from '../../components/page';
import { Empty, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import type { Role } from '../../gql/graphql';
import { roleAtLeast, useScope, type RoleName } from '../../layout/scope';
import { ActionAlert } from './action-alert';
import { InlineConfirm } from '../../components/inline-confirm';
import { formatTime, principalLabel } from './principal-label';
import { ROLE_LABEL, scopeLabel } from './roles';
import { RoleScopeFields, useRoleScopeChoice } from './role-scope-fields';
import { scopeInput } from './scope-fields';
import { Field } from './field';

const InvitationsQuery = graphql(`
  query Invitations {
    invitations { id email role deployment codeLocation invitedBy createdAt expiresAt acceptedAt revokedAt }
    members { user { id email } }
  }
`);

const InviteMutation = graphql(`
  mutation InviteMember($email: String!, $role: Role!, $scope: ScopeInput) {
    inviteMember(email: $email, role: $role, scope: $scope) { id email }
  }
`);

const RevokeInvitationMutation = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id)
  }
`);

type InvitationStatus = 'Open' | 'Accepted' | 'Revoked' | 'Expired';

function statusOf(i: { acceptedAt?: string | null; revokedAt?: string | null; expiresAt: string }, now: number): InvitationStatus {
  if (i.acceptedAt) return 'Accepted';
  if (i.revokedAt) return 'Revoked';
  return new Date(i.expiresAt).getTime() <= now ? 'Expired' : 'Open';
}

/**
 * Invitations by email (open first in the server's order: newest first) with
 * role, scope, who invited, expiry and acceptance. Organization Admins invite
 * with a role no higher than theirs and revoke open invitations.
 */
export function InvitationsPage() {
  const { organizationRole } = useScope();
  const isAdmin = roleAtLeast(organizationRole, 'ADMIN');
  const [result, reexecute] = useQuery({ query: InvitationsQuery, pause: !isAdmin });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const [revoking, revokeInvitation] = useMutation(RevokeInvitationMutation);
  const now = Date.now();

  if (!isAdmin) {
    return (
      <Page title="Invitations">
        <Empty title="Only organization Admins see invitations">
          <p>Ask an Admin of this organization to invite someone.</p>
        </Empty>
      </Page>
    );
  }
  return (
    <Page title="Invitations">
      <InviteForm onInvited={refresh} />
      <ActionAlert error={revoking.error} action="revoke the invitation" />
      <QueryState result={result} what="invitations" retry={refresh}>
        {(data) => {
          const emails = new Map(data.members.flatMap((m) => (m.user.email ? [[m.user.id, m.user.email] as const] : [])));
          return data.invitations.length === 0 ? (
            <Empty title="No invitations yet">
              <p>Invite someone by email above; they join at their first sign-in with that email.</p>
            </Empty>
          ) : (
            <table className="data" aria-label="Invitations">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Scope</th>
                  <th scope="col">Invited by</th>
                  <th scope="col">Invited</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.invitations.map((i) => {
                  const status = statusOf(i, now);
                  return (
                    <tr key={i.id} data-invitation={i.email}>
                      <td>{i.email}</td>
                      <td>{ROLE_LABEL[i.role as RoleName]}</td>
                      <td>{scopeLabel(i)}</td>
                      <td>{principalLabel(i.invitedBy, emails)}</td>
                      <td>{formatTime(i.createdAt)}</td>
                      <td>
                        <span className={`status status-inv-${status}`}>{status}</span>{' '}
                        <span className="muted">
                          {status === 'Open' && `expires ${formatTime(i.expiresAt)}`}
                          {status === 'Accepted' && formatTime(i.acceptedAt)}
                          {status === 'Revoked' && formatTime(i.revokedAt)}
                          {status === 'Expired' && formatTime(i.expiresAt)}
                        </span>
                      </td>
                      <td>
                        {status === 'Open' && (
                          <InlineConfirm
                            label={<>Revoke<span className="visually-hidden"> the invitation of {i.email}</span></>}
                            question={`Revoke the invitation of ${i.email}?`}
                            confirmLabel="Yes, revoke"
                            disabled={revoking.fetching}
                            onConfirm={async () => {
                              const r = await revokeInvitation({ id: i.id });
                              if (!r.error) refresh();
                            }}
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          );
        }}
      </QueryState>
    </Page>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const choice = useRoleScopeChoice();
  const [email, setEmail] = useState('');
  const [state, invite] = useMutation(InviteMutation);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const r = await invite({ email, role: choice.role as Role, scope: scopeInput(choice.scope) });
    if (!r.error) {
      setDone(`Invited ${r.data?.inviteMember.email ?? email} as ${ROLE_LABEL[choice.role]} at ${scopeLabel(choice.scope)}.`);
      setEmail('');
      onInvited();
    }
  };

  return (
    <section aria-labelledby="invite-title">
      <h2 id="invite-title">Invite a member</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field label="Email">
          {(id) => (
            <input id={id} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" />
          )}
        </Field>
        <RoleScopeFields choice={choice} />
        <button type="submit" className="primary" disabled={state.fetching || email.trim() === '' || choice.roles.length === 0}>
          {state.fetching ? 'Inviting…' : 'Send invitation'}
        </button>
      </form>
      <ActionAlert error={state.error} action="invite" />
      {done && <p role="status" className="muted">{done}</p>}
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Page } from '../../components/page';
import { Empty, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import type { Role } from '../../gql/graphql';
import { roleAtLeast, useScope, type RoleName } from '../../layout/scope';
import { ActionAlert } from '../members/action-alert';
import { InlineConfirm } from '../../components/inline-confirm';
import { formatTime, principalLabel } from '../members/principal-label';
import { ROLE_LABEL, scopeLabel } from '../members/roles';
import { RoleScopeFields, useRoleScopeChoice } from '../members/role-scope-fields';
import { scopeInput } from '../members/scope-fields';
import { NewTokenSecret } from './new-token-secret';
import { Field } from '../members/field';

const ApiTokensQuery = graphql(`
  query ApiTokens {
    apiTokens { id name prefix role deployment codeLocation createdBy createdAt expiresAt lastUsedAt revokedAt }
    members { user { id email } }
  }
`);

const CreateApiTokenMutation = graphql(`
  mutation CreateApiToken($name: String!, $role: Role!, $scope: ScopeInput, $expiresInDays: Int) {
    createApiToken(name: $name, role: $role, scope: $scope, expiresInDays: $expiresInDays) {
      token
      apiToken { id name prefix role deployment codeLocation }
    }
  }
`);

const RevokeApiTokenMutation = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) { id revokedAt }
  }
`);

/** Choices of the expiry select, days (empty: never). */
const EXPIRY_DAYS = ['7', '30', '90', '365', ''] as const;

/**
 * API tokens for scripts: name, prefix, role and scope, creator, creation,
 * expiry, last use and revocation. Creating one shows its secret once with a
 * copy button and a curl example; revoking asks first. The list needs Admin
 * on the organization (the server refuses others).
 */
export function ApiTokensPage() {
  const { organizationRole } = useScope();
  const isAdmin = roleAtLeast(organizationRole, 'ADMIN');
  const [result, reexecute] = useQuery({ query: ApiTokensQuery, pause: !isAdmin });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const [revoking, revokeApiToken] = useMutation(RevokeApiTokenMutation);
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const now = Date.now();

  if (!isAdmin) {
    return (
      <Page title="API tokens">
        <Empty title="Only organization Admins manage API tokens">
          <p>Ask an Admin of this organization for a token.</p>
        </Empty>
      </Page>
    );
  }
  return (
    <Page title="API tokens">
      <CreateTokenForm
        onCreated={(c) => {
          setCreated(c);
          refresh();
        }}
      />
      {created && <NewTokenSecret token={created.token} name={created.name} onDismiss={() => setCreated(null)} />}
      <ActionAlert error={revoking.error} action="revoke the token" />
      <h2>Tokens</h2>
      <QueryState result={result} what="API tokens" retry={refresh}>
        {(data) => {
          const emails = new Map(data.members.flatMap((m) => (m.user.email ? [[m.user.id, m.user.email] as const] : [])));
          return data.apiTokens.length === 0 ? (
            <Empty title="No API tokens yet">
              <p>Create one above for a script or CI job.</p>
            </Empty>
          ) : (
            <table className="data" aria-label="API tokens">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Role</th>
                  <th scope="col">Scope</th>
                  <th scope="col">Created by</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.apiTokens.map((t) => {
                  const expired = !t.revokedAt && t.expiresAt != null && new Date(t.expiresAt).getTime() <= now;
                  const status = t.revokedAt ? 'Revoked' : expired ? 'Expired' : 'Active';
                  return (
                    <tr key={t.id} data-token={t.name}>
                      <td>{t.name}</td>
                      <td className="mono">{t.prefix}…</td>
                      <td>{ROLE_LABEL[t.role as RoleName]}</td>
                      <td>{scopeLabel(t)}</td>
                      <td>{principalLabel(t.createdBy, emails)}</td>
                      <td>{formatTime(t.createdAt)}</td>
                      <td>{t.expiresAt ? formatTime(t.expiresAt) : 'Never'}</td>
                      <td>{t.lastUsedAt ? formatTime(t.lastUsedAt) : 'Never'}</td>
                      <td>
                        <span className={`status status-token-${status}`}>{status}</span>
                        {t.revokedAt && <div className="muted">{formatTime(t.revokedAt)}</div>}
                      </td>
                      <td>
                        {status === 'Active' && (
                          <InlineConfirm
                            label={<>Revoke<span className="visually-hidden"> token {t.name}</span></>}
                            question={`Revoke token ${t.name}? Scripts using it stop working at once.`}
                            confirmLabel="Yes, revoke"
                            disabled={revoking.fetching}
                            onConfirm={async () => {
                              const r = await revokeApiToken({ id: t.id });
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

function CreateTokenForm({ onCreated }: { onCreated: (c: { token: string; name: string }) => void }) {
  const choice = useRoleScopeChoice();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<string>('90');
  const [state, createApiToken] = useMutation(CreateApiTokenMutation);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await createApiToken({ name, role: choice.role as Role, scope: scopeInput(choice.scope), expiresInDays: expiry ? Number(expiry) : null });
    if (r.data) {
      onCreated({ token: r.data.createApiToken.token, name: r.data.createApiToken.apiToken.name });
      setName('');
    }
  };

  return (
    <section aria-labelledby="create-token-title">
      <h2 id="create-token-title">Create a token</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field label="Name">
          {(id) => (
            <input id={id} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="ci-nightly" autoComplete="off" />
          )}
        </Field>
        <RoleScopeFields choice={choice} />
        <Field label="Expires">
          {(id) => (
            <select id={id} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {EXPIRY_DAYS.map((d) => (
                <option key={d} value={d}>{d ? `in ${d} days` : 'Never'}</option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="primary" disabled={state.fetching || name.trim() === '' || choice.roles.length === 0}>
          {state.fetching ? 'Creating…' : 'Create token'}
        </button>
      </form>
      <ActionAlert error={state.error} action="create the token" />
    </section>
  );
}

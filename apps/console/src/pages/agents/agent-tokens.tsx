import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { InlineConfirm } from '../../components/inline-confirm';
import { Empty, errorMessage, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { NewSecretPanel, type NewSecret } from './new-secret-panel';
import { absoluteTime, relativeTime } from './relative-time';

const AgentTokensQuery = graphql(`
  query AgentTokens {
    agentTokens {
      id name prefix deployments createdAt lastUsedAt expiresAt revokedAt rotatedAt previousExpiresAt
    }
    deployments { id name }
    serverInfo { agentEndpoint }
  }
`);

const CreateAgentToken = graphql(`
  mutation CreateAgentToken($name: String!, $deployments: [String!]!, $expiresInDays: Int) {
    createAgentToken(name: $name, deployments: $deployments, expiresInDays: $expiresInDays) {
      token
      agentToken { id name deployments }
    }
  }
`);

const RotateAgentToken = graphql(`
  mutation RotateAgentToken($id: ID!) {
    rotateAgentToken(id: $id) {
      token
      agentToken { id name deployments previousExpiresAt rotatedAt }
    }
  }
`);

const RevokeAgentToken = graphql(`
  mutation RevokeAgentToken($id: ID!) {
    revokeAgentToken(id: $id) { id revokedAt }
  }
`);

type TokenRow = { revokedAt?: string | null; expiresAt?: string | null; previousExpiresAt?: string | null };

/** Lifecycle of a token as text (never colour alone): revoked, expired, in its rotation grace, or active. */
function tokenState(t: TokenRow, now = Date.now()): { label: string; status: string } {
  if (t.revokedAt) return { label: `Revoked ${relativeTime(t.revokedAt, now)}`, status: 'FAILED' };
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return { label: 'Expired', status: 'FAILED' };
  if (t.previousExpiresAt && Date.parse(t.previousExpiresAt) > now) {
    return { label: `Rotated: old secret works until ${absoluteTime(t.previousExpiresAt)}`, status: 'STARTED' };
  }
  return { label: t.expiresAt ? `Active, expires ${relativeTime(t.expiresAt, now)}` : 'Active', status: 'SUCCESS' };
}

/**
 * Agent tokens (Admins): the list with prefix, deployments, created, last used
 * and state; create (name, deployments, optional expiry), rotate and revoke
 * (both confirmed). A new secret shows once with install commands.
 */
export function AgentTokens() {
  const [result, reexecute] = useQuery({ query: AgentTokensQuery });
  const [, create] = useMutation(CreateAgentToken);
  const [, rotate] = useMutation(RotateAgentToken);
  const [, revoke] = useMutation(RevokeAgentToken);
  const [secret, setSecret] = useState<NewSecret | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });

  const done = (error: CombinedError | undefined): boolean => {
    setActionError(error ? errorMessage(error) : null);
    if (!error) refresh();
    return !error;
  };

  return (
    <QueryState result={result} what="agent tokens" retry={refresh}>
      {({ agentTokens, deployments, serverInfo }) => (
        <>
          {secret && <NewSecretPanel secret={secret} endpoint={serverInfo.agentEndpoint || null} onDone={() => setSecret(null)} />}
          <CreateTokenForm
            deployments={deployments.map((d) => d.name)}
            onCreate={async (name, chosen, expiresInDays) => {
              const r = await create({ name, deployments: chosen, expiresInDays });
              if (done(r.error) && r.data) {
                const t = r.data.createAgentToken;
                setSecret({ kind: 'created', tokenName: t.agentToken.name, token: t.token, deployments: t.agentToken.deployments });
                return true;
              }
              return false;
            }}
          />
          {actionError && <p className="error" role="alert">{actionError}</p>}
          {agentTokens.length === 0 ? (
            <Empty title="No agent tokens yet">
              <p>An agent needs a token to connect. Create one above.</p>
            </Empty>
          ) : (
            <table className="data" aria-label="Agent tokens">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Deployments</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {agentTokens.map((t) => {
                  const state = tokenState(t);
                  return (
                    <tr key={t.id} data-testid="agent-token-row">
                      <td>{t.name}</td>
                      <td className="mono">{t.prefix}…</td>
                      <td>{t.deployments.length ? t.deployments.join(', ') : <span className="muted">all</span>}</td>
                      <td title={absoluteTime(t.createdAt)}>{relativeTime(t.createdAt)}</td>
                      <td title={absoluteTime(t.lastUsedAt)}>{relativeTime(t.lastUsedAt)}</td>
                      <td>
                        <span className={`status status-${state.status}`}>{state.label}</span>
                      </td>
                      <td className="actions">
                        {!t.revokedAt && (
                          <>
                            <InlineConfirm
                              label="Rotate"
                              subject={t.name}
                              danger={false}
                              question="New secret now; the current one keeps working for 1 hour."
                              confirmLabel="Rotate"
                              onConfirm={async () => {
                                const r = await rotate({ id: t.id });
                                if (done(r.error) && r.data) {
                                  const n = r.data.rotateAgentToken;
                                  setSecret({ kind: 'rotated', tokenName: n.agentToken.name, token: n.token, deployments: n.agentToken.deployments, previousExpiresAt: n.agentToken.previousExpiresAt });
                                }
                              }}
                            />{' '}
                            <InlineConfirm
                              label="Revoke"
                              subject={t.name}
                              question="Agents using it are disconnected at once."
                              confirmLabel="Revoke"
                              onConfirm={async () => done((await revoke({ id: t.id })).error)}
                            />
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}
    </QueryState>
  );
}

/** Name, deployments served (none ticked: all) and an optional expiry in days. */
function CreateTokenForm({ deployments, onCreate }: {
  deployments: string[];
  onCreate: (name: string, deployments: string[], expiresInDays: number | null) => Promise<boolean>;
}) {
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const ok = await onCreate(name.trim(), chosen, expires ? Number(expires) : null);
    setBusy(false);
    if (ok) {
      setName('');
      setChosen([]);
      setExpires('');
    }
  };
  return (
    <form className="form" aria-label="Create an agent token" onSubmit={(e) => void submit(e)}>
      <label>
        Token name
        <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. k8s-prod" maxLength={100} />
      </label>
      <fieldset className="checks">
        <legend>Deployments it serves (none ticked: all)</legend>
        {deployments.map((d) => (
          <label key={d} className="check">
            <input
              type="checkbox"
              checked={chosen.includes(d)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, d] : chosen.filter((c) => c !== d))}
            />
            {d}
          </label>
        ))}
      </fieldset>
      <label>
        Expires in days (optional)
        <input type="number" min={1} value={expires} onChange={(e) => setExpires(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={busy || !name.trim()}>
        Create agent token
      </button>
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import type { Role } from '../../gql/graphql';
import { ActionAlert } from './action-alert';
import { Field } from './field';
import { ROLE_LABEL, scopeLabel } from './roles';
import { RoleScopeFields, useRoleScopeChoice } from './role-scope-fields';
import { scopeInput } from './scope-fields';

const GrantRoleMutation = graphql(`
  mutation GrantRole($principalId: ID!, $principalKind: PrincipalKind!, $role: Role!, $scope: ScopeInput) {
    grantRole(principalId: $principalId, principalKind: $principalKind, role: $role, scope: $scope) { id role deployment codeLocation }
  }
`);

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
  const choice = useRoleScopeChoice();
  const [principalId, setPrincipalId] = useState(fixedPrincipalId ?? '');
  const [state, grantRole] = useMutation(GrantRoleMutation);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const r = await grantRole({ principalId, principalKind, role: choice.role as Role, scope: scopeInput(choice.scope) });
    if (!r.error) {
      const who = principals.find((p) => p.id === principalId)?.label ?? principalId;
      setDone(`Granted ${ROLE_LABEL[choice.role]} at ${scopeLabel(choice.scope)} to ${who}.`);
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
        <RoleScopeFields choice={choice} />
        <button type="submit" className="primary" disabled={state.fetching || !principalId || choice.roles.length === 0}>
          {state.fetching ? 'Granting…' : 'Grant role'}
        </button>
      </form>
      <ActionAlert error={state.error} action="grant the role" />
      {done && <p role="status" className="muted">{done}</p>}
    </section>
  );
}

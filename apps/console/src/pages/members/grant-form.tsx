import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import type { Role } from '../../gql/graphql';
import { useScope, type RoleName } from '../../layout/scope';
import { ActionAlert } from './action-alert';
import { Field } from './field';
import { grantableRoles, ROLE_LABEL, scopeLabel } from './roles';
import { ORGANIZATION_SCOPE, ScopeFields, scopeInput, type ScopeValue } from './scope-fields';

const GrantRoleMutation = graphql(`
  mutation GrantRole($principalId: ID!, $principalKind: PrincipalKind!, $role: Role!, $scope: ScopeInput) {
    grantRole(principalId: $principalId, principalKind: $principalKind, role: $role, scope: $scope) { id role deployment codeLocation }
  }
`);

/** The role a caller holds at a form scope, as far as the console knows (the server decides). */
export function useHeldAt(): (scope: ScopeValue) => RoleName | null {
  const { deployment, deploymentRole, organizationRole } = useScope();
  return (s) => (s.deployment && s.deployment === deployment ? deploymentRole : organizationRole);
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

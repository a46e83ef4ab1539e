import { useState } from 'react';
import { useScope, type RoleName } from '../../layout/scope';
import { Field } from './field';
import { grantableRoles, ROLE_LABEL } from './roles';
import { ORGANIZATION_SCOPE, ScopeFields, type ScopeValue } from './scope-fields';

/** The role a caller holds at a form scope, as far as the console knows (the server decides). */
function useHeldAt(): (scope: ScopeValue) => RoleName | null {
  const { deployment, deploymentRole, organizationRole } = useScope();
  return (s) => (s.deployment && s.deployment === deployment ? deploymentRole : organizationRole);
}

/** State of a role + scope choice: the scope, the roles the caller may hand out there, and the chosen one. */
export interface RoleScopeChoice {
  scope: ScopeValue;
  setScope: (scope: ScopeValue) => void;
  /** Grantable at `scope`, weakest first (see grantableRoles). */
  roles: RoleName[];
  /** The picked role, or the weakest grantable one when the pick is not grantable at `scope`. */
  role: RoleName;
  setRole: (role: RoleName) => void;
}

/** A role + scope choice starting at Viewer for the whole organization (forms that grant, invite or mint tokens). */
export function useRoleScopeChoice(): RoleScopeChoice {
  const { organizationRole } = useScope();
  const heldAt = useHeldAt();
  const [scope, setScope] = useState<ScopeValue>(ORGANIZATION_SCOPE);
  const [picked, setRole] = useState<RoleName>('VIEWER');
  const roles = grantableRoles(heldAt(scope), organizationRole);
  const role = roles.includes(picked) ? picked : (roles[0] ?? 'VIEWER');
  return { scope, setScope, roles, role, setRole };
}

/** The "Role" select (only grantable roles) and the scope fields of a {@link RoleScopeChoice}. */
export function RoleScopeFields({ choice }: { choice: RoleScopeChoice }) {
  return (
    <>
      <Field label="Role">
        {(id) => (
          <select id={id} value={choice.role} onChange={(e) => choice.setRole(e.target.value as RoleName)}>
            {choice.roles.map((r) => (
              <option key={r} value={r}>{ROLE_LABEL[r]}</option>
            ))}
          </select>
        )}
      </Field>
      <ScopeFields value={choice.scope} onChange={choice.setScope} />
    </>
  );
}

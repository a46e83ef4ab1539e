import type { Grant } from '../auth/auth-context';
import { roleAtLeast, type Role } from './roles';

/** What a check is about: the organization, a deployment, or one code location of a deployment. */
export type AccessTarget =
  | { kind: 'organization' }
  | { kind: 'any' }
  | { kind: 'deployment'; deploymentId: string; orCodeLocationInside?: boolean }
  | { kind: 'code_location'; deploymentId: string; codeLocationId: string };

/**
 * True when some grant of at least `role` covers `target`:
 * - an organization grant covers everything in the organization;
 * - a deployment grant covers that deployment and its code locations;
 * - a code-location grant covers that code location, and a deployment target
 *   only when `orCodeLocationInside` (the caller checks the location later);
 * - `any` (member-level reads) is covered by any grant.
 */
export function covers(grants: readonly Grant[], role: Role, target: AccessTarget): boolean {
  return grants.some((g) => {
    if (!roleAtLeast(g.role, role)) return false;
    const s = g.scope;
    switch (target.kind) {
      case 'any':
        return true;
      case 'organization':
        return s.kind === 'organization';
      case 'deployment':
        return (
          s.kind === 'organization' ||
          (s.kind === 'deployment' && s.deploymentId === target.deploymentId) ||
          (target.orCodeLocationInside === true && s.kind === 'code_location' && s.deploymentId === target.deploymentId)
        );
      case 'code_location':
        return (
          s.kind === 'organization' ||
          (s.kind === 'deployment' && s.deploymentId === target.deploymentId) ||
          (s.kind === 'code_location' && s.codeLocationId === target.codeLocationId)
        );
    }
  });
}

/**
 * The highest role the grants give at `target` (null when none covers it):
 * what a new API token or invitation may carry at most.
 */
export function effectiveRole(grants: readonly Grant[], target: AccessTarget): Role | null {
  for (const role of ['OWNER', 'ADMIN', 'EDITOR', 'LAUNCHER', 'VIEWER'] as const) if (covers(grants, role, target)) return role;
  return null;
}

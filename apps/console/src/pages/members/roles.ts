import { ROLE_ORDER, roleAtLeast, type RoleName } from '../../layout/scope';

/** Display names of the roles, as docs/rbac.md writes them. */
export const ROLE_LABEL: Record<RoleName, string> = { VIEWER: 'Viewer', LAUNCHER: 'Launcher', EDITOR: 'Editor', ADMIN: 'Admin', OWNER: 'Owner' };

/**
 * The roles a caller holding `held` may hand out, weakest first: every role up
 * to their own, and Owner only when they are an organization Owner (the
 * server refuses anything more with ROLE_TOO_HIGH anyway).
 */
export function grantableRoles(held: RoleName | null, organizationRole: RoleName | null): RoleName[] {
  return ROLE_ORDER.filter((r) => roleAtLeast(held, r) && (r !== 'OWNER' || organizationRole === 'OWNER'));
}

/** Where a grant, invitation or token applies, in words: "Organization", "prod", "prod / flights". */
export function scopeLabel(s: { deployment?: string | null; codeLocation?: string | null }): string {
  if (!s.deployment) return 'Organization';
  return s.codeLocation ? `${s.deployment} / ${s.codeLocation}` : s.deployment;
}

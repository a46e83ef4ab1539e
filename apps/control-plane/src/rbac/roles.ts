/**
 * Roles in increasing order of power: each role can do everything the roles
 * before it can. Viewer reads; Launcher also launches and cancels runs; Editor
 * also changes code locations, deployments and budgets; Admin also manages
 * members, teams, tokens and agents; Owner also manages owners, organization
 * settings and deletion.
 */
export const ROLES = ['VIEWER', 'LAUNCHER', 'EDITOR', 'ADMIN', 'OWNER'] as const;

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Position of `role` in {@link ROLES} (VIEWER = 0 … OWNER = 4). */
export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** True when `held` is at least `required`. */
export function roleAtLeast(held: Role, required: Role): boolean {
  return roleRank(held) >= roleRank(required);
}

/** Type guard for untrusted input (GraphQL enums arrive checked; database text does not). */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

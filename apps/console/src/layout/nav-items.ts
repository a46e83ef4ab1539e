import type { RoleName } from './scope';

/** One entry of the side navigation; hidden unless the caller holds `role` at `at`. */
export interface NavItem {
  path: string;
  label: string;
  role: RoleName;
  /** Where the role must be held: the current deployment, or organization-wide. */
  at: 'deployment' | 'organization';
}

/**
 * The console's pages with the least role each needs (the server's table is
 * rbac/permissions.ts; the console only hides, the server refuses).
 */
export const NAV_ITEMS: readonly NavItem[] = [
  { path: 'assets', label: 'Assets', role: 'VIEWER', at: 'deployment' },
  { path: 'launch', label: 'Launch', role: 'LAUNCHER', at: 'deployment' },
  { path: 'runs', label: 'Runs', role: 'VIEWER', at: 'deployment' },
  { path: 'cost', label: 'Cost', role: 'VIEWER', at: 'deployment' },
  { path: 'agents', label: 'Agents', role: 'VIEWER', at: 'organization' },
  { path: 'members', label: 'Members', role: 'VIEWER', at: 'deployment' },
  { path: 'teams', label: 'Teams', role: 'VIEWER', at: 'deployment' },
  { path: 'invitations', label: 'Invitations', role: 'ADMIN', at: 'organization' },
  { path: 'tokens', label: 'API tokens', role: 'ADMIN', at: 'organization' },
  { path: 'audit', label: 'Audit log', role: 'ADMIN', at: 'organization' },
];

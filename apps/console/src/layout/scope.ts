import { useParams } from 'react-router';
import { createContext, useContext } from 'react';

/** Roles in increasing power, as the server orders them (rbac/roles.ts). */
export const ROLE_ORDER = ['VIEWER', 'LAUNCHER', 'EDITOR', 'ADMIN', 'OWNER'] as const;
export type RoleName = (typeof ROLE_ORDER)[number];

/** True when `held` is at least `needed`; null (no grant) is never enough. */
export function roleAtLeast(held: RoleName | null | undefined, needed: RoleName): boolean {
  return held != null && ROLE_ORDER.indexOf(held) >= ROLE_ORDER.indexOf(needed);
}

/** Where a page acts: organization slug, deployment name, and the caller's roles there. */
export interface Scope {
  org: string;
  deployment: string;
  /** Highest role at this deployment (organization grants included); null when none. */
  deploymentRole: RoleName | null;
  /** Highest organization-wide role; null when the caller only holds narrower grants. */
  organizationRole: RoleName | null;
}

export const ScopeContext = createContext<Scope | null>(null);

/** The page's organization, deployment and roles. Errors: throws outside the organization layout. */
export function useScope(): Scope {
  const scope = useContext(ScopeContext);
  if (!scope) throw new Error('useScope outside the organization layout');
  return scope;
}

/** `/<org>/<deployment>/<path>`: a link inside the current scope. */
export function useScopedPath(): (path: string) => string {
  const { org = '', deployment = '' } = useParams();
  return (path) => `/${encodeURIComponent(org)}/${encodeURIComponent(deployment)}/${path.replace(/^\//, '')}`;
}

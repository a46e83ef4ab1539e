import { InvalidArgumentError } from '../api/errors/api.errors';
import type { GrantScope } from '../auth/auth-context';
import { DeploymentNotFoundError } from '../catalog/catalog.errors';
import type { TenantTx } from '../database/tenant-db';
import type { AccessTarget } from '../rbac/authorize';

/** A grant scope as names (GraphQL input): no deployment = the organization; a code location needs its deployment. */
export interface ScopeNames {
  deployment?: string | null;
  codeLocation?: string | null;
}

/** A scope as stored: the ids behind {@link ScopeNames}. */
export interface ScopeIds {
  deploymentId: string | null;
  codeLocationId: string | null;
}

/**
 * Resolves scope names to ids inside the transaction's organization.
 * Errors: InvalidArgumentError (a code location without a deployment, or an
 * unknown code location), DeploymentNotFoundError.
 */
export async function resolveScope(tx: TenantTx, orgId: string, names: ScopeNames | null | undefined): Promise<ScopeIds> {
  const deployment = names?.deployment?.trim() || null;
  const codeLocation = names?.codeLocation?.trim() || null;
  if (!deployment) {
    if (codeLocation) throw new InvalidArgumentError('scope.codeLocation', 'a code location scope also names its deployment');
    return { deploymentId: null, codeLocationId: null };
  }
  const d = await tx.deployment.findUnique({ where: { orgId_name: { orgId, name: deployment } }, select: { id: true } });
  if (!d) throw new DeploymentNotFoundError(deployment);
  if (!codeLocation) return { deploymentId: d.id, codeLocationId: null };
  const cl = await tx.codeLocation.findUnique({ where: { deploymentId_name: { deploymentId: d.id, name: codeLocation } }, select: { id: true } });
  if (!cl) throw new InvalidArgumentError('scope.codeLocation', `code location ${JSON.stringify(codeLocation)} not found in deployment ${JSON.stringify(deployment)}`);
  return { deploymentId: d.id, codeLocationId: cl.id };
}

/** The access target of stored scope ids. */
export function targetOf(ids: ScopeIds): AccessTarget {
  if (ids.deploymentId && ids.codeLocationId) return { kind: 'code_location', deploymentId: ids.deploymentId, codeLocationId: ids.codeLocationId };
  if (ids.deploymentId) return { kind: 'deployment', deploymentId: ids.deploymentId };
  return { kind: 'organization' };
}

/** The grant scope of stored scope ids. */
export function grantScope(ids: ScopeIds): GrantScope {
  if (ids.deploymentId && ids.codeLocationId) return { kind: 'code_location', deploymentId: ids.deploymentId, codeLocationId: ids.codeLocationId };
  if (ids.deploymentId) return { kind: 'deployment', deploymentId: ids.deploymentId };
  return { kind: 'organization' };
}

/** Names of the deployments and code locations of an organization, by id (for listing grants and tokens). */
export async function scopeNameIndex(tx: TenantTx): Promise<(ids: ScopeIds) => { deployment: string | null; codeLocation: string | null }> {
  const [deployments, locations] = await Promise.all([
    tx.deployment.findMany({ select: { id: true, name: true } }),
    tx.codeLocation.findMany({ select: { id: true, name: true } }),
  ]);
  const d = new Map(deployments.map((x) => [x.id, x.name]));
  const c = new Map(locations.map((x) => [x.id, x.name]));
  return (ids) => ({
    deployment: ids.deploymentId ? (d.get(ids.deploymentId) ?? null) : null,
    codeLocation: ids.codeLocationId ? (c.get(ids.codeLocationId) ?? null) : null,
  });
}

import { Inject, Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db';
import type { AccessTarget } from './authorize';

/**
 * Turns the arguments of an operation into what it acts on, inside the
 * caller's organization: a deployment name into its id, a run id into its
 * deployment and code location. Unknown names and ids give null (the guard
 * then lets only organization-wide grants through, and the resolver answers
 * its usual not-found error).
 */
@Injectable()
export class AccessTargets {
  constructor(@Inject(TenantDb) private readonly tenant: TenantDb) {}

  /** The deployment named `name` in `orgId`; `orCodeLocationInside` as in {@link AccessTarget}. */
  async deployment(orgId: string, name: string, orCodeLocationInside: boolean): Promise<AccessTarget | null> {
    const d = await this.tenant.forOrg(orgId).deployment.findUnique({ where: { orgId_name: { orgId, name } }, select: { id: true } });
    return d ? { kind: 'deployment', deploymentId: d.id, orCodeLocationInside } : null;
  }

  /** The code location of run `runId` in `orgId`. */
  async run(orgId: string, runId: string): Promise<AccessTarget | null> {
    if (!/^[0-9a-f-]{36}$/i.test(runId)) return null;
    const r = await this.tenant.forOrg(orgId).run.findFirst({ where: { id: runId, orgId }, select: { deploymentId: true, codeLocationId: true } });
    return r ? { kind: 'code_location', deploymentId: r.deploymentId, codeLocationId: r.codeLocationId } : null;
  }
}

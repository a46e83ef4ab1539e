import { Inject, Injectable } from '@nestjs/common';
import type { AgentModel } from '@gantry/db';
import { TenantDb } from '../database/tenant-db';

/** Read-only access to `agents` for the public API (the agent protocol slice owns writes). */
@Injectable()
export class AgentsViewRepository {
  constructor(@Inject(TenantDb) private readonly tenant: TenantDb) {}

  /** Agents of the organization, connected first, then by name. */
  list(orgId: string): Promise<AgentModel[]> {
    return this.tenant.forOrg(orgId).agent.findMany({ where: { orgId }, orderBy: [{ connected: 'desc' }, { name: 'asc' }] });
  }

  findByIds(orgId: string, ids: readonly string[]): Promise<AgentModel[]> {
    return this.tenant.forOrg(orgId).agent.findMany({ where: { orgId, id: { in: [...ids] } } });
  }
}

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

  /** Runs each agent holds now (STARTING, STARTED, CANCELING), by agent id; agents holding none are absent. */
  async runsInFlight(orgId: string, agentIds: readonly string[]): Promise<Map<string, number>> {
    const groups = await this.tenant.forOrg(orgId).run.groupBy({
      by: ['agentId'],
      where: { orgId, agentId: { in: [...agentIds] }, status: { in: ['STARTING', 'STARTED', 'CANCELING'] } },
      _count: { _all: true },
    });
    return new Map(groups.flatMap((g) => (g.agentId ? [[g.agentId, g._count._all] as const] : [])));
  }

  findByIds(orgId: string, ids: readonly string[]): Promise<AgentModel[]> {
    return this.tenant.forOrg(orgId).agent.findMany({ where: { orgId, id: { in: [...ids] } } });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { AgentModel } from '@gantry/db';
import { PrismaService } from '../database/prisma.service';

/** Read-only access to `agents` for the public API (the agent protocol slice owns writes). */
@Injectable()
export class AgentsViewRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Agents of the organization, connected first, then by name. */
  list(orgId: string): Promise<AgentModel[]> {
    return this.prisma.client.agent.findMany({ where: { orgId }, orderBy: [{ connected: 'desc' }, { name: 'asc' }] });
  }

  findByIds(orgId: string, ids: readonly string[]): Promise<AgentModel[]> {
    return this.prisma.client.agent.findMany({ where: { orgId, id: { in: [...ids] } } });
  }
}

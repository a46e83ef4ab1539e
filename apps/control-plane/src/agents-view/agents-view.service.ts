import { Inject, Injectable } from '@nestjs/common';
import type { AgentModel } from '@gantry/db';
import DataLoader from 'dataloader';
import { GraphqlErrorMapper } from '../api/errors/graphql-error.mapper';
import { perRequest, type GraphqlContext } from '../api/graphql-context';
import type { AuthContext } from '../auth/auth-context';
import { authOf } from '../auth/auth.service';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config/control-plane.config';
import { AgentsViewRepository } from './agents-view.repository';
import { AgentHealth, type Agent } from './models/agent.model';

/** Timing an agent's health is judged by. */
export interface HealthTiming {
  heartbeatIntervalMs: number;
  leaseTtlMs: number;
}

/**
 * DISCONNECTED without a session or a heartbeat for longer than the lease TTL;
 * UNHEALTHY after more than two missed heartbeat intervals; else HEALTHY.
 */
export function agentHealth(row: Pick<AgentModel, 'connected' | 'lastHeartbeatAt'>, timing: HealthTiming, now = Date.now()): AgentHealth {
  if (!row.connected || !row.lastHeartbeatAt) return AgentHealth.DISCONNECTED;
  const silentMs = now - row.lastHeartbeatAt.getTime();
  if (silentMs > timing.leaseTtlMs) return AgentHealth.DISCONNECTED;
  if (silentMs > 2 * timing.heartbeatIntervalMs) return AgentHealth.UNHEALTHY;
  return AgentHealth.HEALTHY;
}

export function toAgent(row: AgentModel, runsInFlight: number, timing: HealthTiming): Agent {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    launcher: row.launcher,
    slots: row.slots,
    queues: row.queues,
    runsInFlight,
    health: agentHealth(row, timing),
    connected: row.connected,
    connectedAt: row.connectedAt,
    lastHeartbeatAt: row.lastHeartbeatAt,
    deploymentIds: row.deploymentIds,
  };
}

/** Agents for the public API: the list, and a request-scoped loader by id (for `Run.agent`). */
@Injectable()
export class AgentsViewService {
  constructor(
    @Inject(AgentsViewRepository) private readonly repo: AgentsViewRepository,
    @Inject(GraphqlErrorMapper) private readonly errors: GraphqlErrorMapper,
    @Inject(CONTROL_PLANE_CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  async list(auth: AuthContext): Promise<Agent[]> {
    return this.withRuns(auth.orgId, await this.repo.list(auth.orgId));
  }

  /** The request's agent-by-id loader, scoped to the caller's organization. */
  loader(ctx: GraphqlContext): DataLoader<string, Agent | null> {
    const { orgId } = authOf(ctx);
    return perRequest(ctx, this, () =>
      new DataLoader<string, Agent | null>((ids) =>
        this.errors.guard(async () => {
          const byId = new Map((await this.withRuns(orgId, await this.repo.findByIds(orgId, ids))).map((a) => [a.id, a]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
      ),
    );
  }

  private async withRuns(orgId: string, rows: AgentModel[]): Promise<Agent[]> {
    const inFlight = rows.length === 0 ? new Map<string, number>() : await this.repo.runsInFlight(orgId, rows.map((r) => r.id));
    return rows.map((r) => toAgent(r, inFlight.get(r.id) ?? 0, this.config));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { AgentModel } from '@gantry/db';
import DataLoader from 'dataloader';
import { GraphqlErrorMapper } from '../api/errors/graphql-error.mapper';
import { perRequest, type GraphqlContext } from '../api/graphql-context';
import type { AuthContext } from '../auth/auth-context';
import { authOf } from '../auth/auth.service';
import { AgentsViewRepository } from './agents-view.repository';
import type { Agent } from './models/agent.model';

export function toAgent(row: AgentModel): Agent {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    launcher: row.launcher,
    slots: row.slots,
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
  ) {}

  async list(auth: AuthContext): Promise<Agent[]> {
    return (await this.repo.list(auth.orgId)).map(toAgent);
  }

  /** The request's agent-by-id loader, scoped to the caller's organization. */
  loader(ctx: GraphqlContext): DataLoader<string, Agent | null> {
    const { orgId } = authOf(ctx);
    return perRequest(ctx, this, () =>
      new DataLoader<string, Agent | null>((ids) =>
        this.errors.guard(async () => {
          const byId = new Map((await this.repo.findByIds(orgId, ids)).map((a) => [a.id, toAgent(a)]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
      ),
    );
  }
}

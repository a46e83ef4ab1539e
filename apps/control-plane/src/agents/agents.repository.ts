import { Inject, Injectable } from '@nestjs/common';
import { PgPool } from '../database/pg-pool';
import { TenantDb } from '../database/tenant-db';

/** An agent token row as authentication needs it. */
export interface AgentTokenRow {
  id: string;
  orgId: string;
  name: string;
  deploymentIds: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** True when the presented secret is the one replaced by a rotation (accepted until `previousExpiresAt`). */
  isPrevious: boolean;
  previousExpiresAt: Date | null;
}

/** A deployment an agent may serve. */
export interface DeploymentRef {
  id: string;
  name: string;
}

/** What a Hello records about the agent. */
export interface AgentRegistration {
  orgId: string;
  tokenId: string;
  name: string;
  version: string;
  launcher: string;
  /** Total run slots (free + running) the agent reported. */
  slots: number;
  deploymentIds: string[];
  /** Queues the agent serves. */
  queues: string[];
}

/**
 * Storage of agents and agent tokens (tables `agents`, `agent_tokens`,
 * `deployments`). Every method takes the organization or a row id that was
 * itself found through the organization.
 */
@Injectable()
export class AgentsRepository {
  constructor(
    @Inject(PgPool) private readonly pg: PgPool,
    @Inject(TenantDb) private readonly tenant: TenantDb,
  ) {}

  /**
   * The token whose current or previous (rotated) secret has SHA-256
   * `tokenHash`, or undefined. Through the SECURITY DEFINER function
   * `gantry_agent_token_by_hash`: the token is how the call learns its organization.
   */
  async findTokenByHash(tokenHash: string): Promise<AgentTokenRow | undefined> {
    const { rows } = await this.pg.pool.query<{
      id: string; org_id: string; name: string; deployment_ids: string[]; expires_at: Date | null; revoked_at: Date | null;
      is_previous: boolean; previous_expires_at: Date | null;
    }>('SELECT * FROM gantry_agent_token_by_hash($1)', [tokenHash]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id, orgId: r.org_id, name: r.name, deploymentIds: r.deployment_ids, expiresAt: r.expires_at, revokedAt: r.revoked_at,
      isPrevious: r.is_previous, previousExpiresAt: r.previous_expires_at,
    };
  }

  /** Sets `last_used_at` of a token to now. */
  async touchToken(orgId: string, tokenId: string): Promise<void> {
    await this.tenant.forOrg(orgId).agentToken.updateMany({ where: { id: tokenId }, data: { lastUsedAt: new Date() } });
  }

  /**
   * Deployments of `orgId` named in `names` (every deployment when empty),
   * restricted to `scope` (no restriction when empty). Sorted by name.
   */
  async findDeployments(orgId: string, names: readonly string[], scope: readonly string[]): Promise<DeploymentRef[]> {
    return this.tenant.forOrg(orgId).deployment.findMany({
      where: {
        orgId,
        ...(names.length > 0 && { name: { in: [...names] } }),
        ...(scope.length > 0 && { id: { in: [...scope] } }),
      },
      select: { id: true, name: true },
      orderBy: { name: 'asc' },
    });
  }


  /**
   * Creates or updates the agent `(orgId, name)` as connected now. Returns its
   * id and the `connected_at` that identifies this connection (used to mark
   * exactly this connection disconnected later).
   */
  async registerConnected(reg: AgentRegistration): Promise<{ id: string; connectedAt: Date }> {
    const now = new Date();
    const data = {
      agentTokenId: reg.tokenId,
      version: reg.version,
      launcher: reg.launcher,
      slots: reg.slots,
      deploymentIds: reg.deploymentIds,
      queues: reg.queues,
      connected: true,
      connectedAt: now,
      lastHeartbeatAt: now,
    };
    const row = await this.tenant.forOrg(reg.orgId).agent.upsert({
      where: { orgId_name: { orgId: reg.orgId, name: reg.name } },
      create: { orgId: reg.orgId, name: reg.name, ...data },
      update: data,
      select: { id: true, connectedAt: true },
    });
    return { id: row.id, connectedAt: row.connectedAt ?? now };
  }

  /**
   * Marks the agent disconnected unless a newer connection (another
   * `connected_at`) took over meanwhile, on this replica or another.
   */
  async markDisconnected(orgId: string, agentId: string, connectedAt: Date): Promise<void> {
    await this.tenant.forOrg(orgId).agent.updateMany({ where: { id: agentId, connectedAt }, data: { connected: false } });
  }
}

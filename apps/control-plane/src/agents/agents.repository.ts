import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/** An agent token row as authentication needs it. */
export interface AgentTokenRow {
  id: string;
  orgId: string;
  name: string;
  deploymentIds: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
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
}

/**
 * Storage of agents and agent tokens (tables `agents`, `agent_tokens`,
 * `deployments`). Every method takes the organization or a row id that was
 * itself found through the organization.
 */
@Injectable()
export class AgentsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** The token whose SHA-256 is `tokenHash`, or undefined. */
  async findTokenByHash(tokenHash: string): Promise<AgentTokenRow | undefined> {
    const row = await this.prisma.client.agentToken.findUnique({
      where: { tokenHash },
      select: { id: true, orgId: true, name: true, deploymentIds: true, expiresAt: true, revokedAt: true },
    });
    return row ?? undefined;
  }

  /** Sets `last_used_at` of a token to now. */
  async touchToken(tokenId: string): Promise<void> {
    await this.prisma.client.agentToken.update({ where: { id: tokenId }, data: { lastUsedAt: new Date() } });
  }

  /**
   * Deployments of `orgId` named in `names` (every deployment when empty),
   * restricted to `scope` (no restriction when empty). Sorted by name.
   */
  async findDeployments(orgId: string, names: readonly string[], scope: readonly string[]): Promise<DeploymentRef[]> {
    return this.prisma.client.deployment.findMany({
      where: {
        orgId,
        ...(names.length > 0 && { name: { in: [...names] } }),
        ...(scope.length > 0 && { id: { in: [...scope] } }),
      },
      select: { id: true, name: true },
      orderBy: { name: 'asc' },
    });
  }

  /** The organization of a deployment, or undefined when it does not exist. */
  async findDeploymentOrg(deploymentId: string): Promise<string | undefined> {
    const row = await this.prisma.client.deployment.findUnique({ where: { id: deploymentId }, select: { orgId: true } });
    return row?.orgId;
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
      connected: true,
      connectedAt: now,
      lastHeartbeatAt: now,
    };
    const row = await this.prisma.client.agent.upsert({
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
  async markDisconnected(agentId: string, connectedAt: Date): Promise<void> {
    await this.prisma.client.agent.updateMany({ where: { id: agentId, connectedAt }, data: { connected: false } });
  }
}

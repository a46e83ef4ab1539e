/**
 * Seeds one organization with at least one row in every tenant table (every
 * table with `org_id`), as the owner, for the row-level security tests.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PrismaClient } from '@gantry/db';
import { mintToken } from '@gantry/domain';
import { registerTestSecret } from '@gantry/telemetry/testing';
import { createAgentToken, createCodeLocation, createOrg, queueRun } from '../../agents/testing/factories';

/** A seeded organization: its ids, a member user, token hashes, and the tables that received rows. */
export interface SeededTenant {
  orgId: string;
  slug: string;
  deploymentId: string;
  codeLocationId: string;
  runId: string;
  /** `users.id` of the organization's one member. */
  userId: string;
  /** SHA-256 (hex) of the API token's secret, as stored in `api_tokens.token_hash`. */
  apiTokenHash: string;
  apiTokenId: string;
  /** Current and previous (rotated) secret hashes of the agent token. */
  agentTokenHash: string;
  agentTokenPreviousHash: string;
  agentTokenId: string;
  /** Names of the tenant tables this seed wrote at least one row into. */
  tables: string[];
}

/**
 * Creates an organization (label `label`) with rows in every tenant table:
 * deployment, code location and version, two assets with a dependency and a
 * check, a run (STARTED, lease expired when `expiredLease`), a run event, a
 * materialization, a check evaluation, agent token and agent, API token, a
 * user who is a member with an Owner grant and in a team, an invitation, an
 * audit event, and cost rows (record, rollup, asset total, budget, pending alert). `prisma` and `owner` must connect as the owner (they bypass
 * row-level security).
 */
export async function seedTenant(prisma: PrismaClient, owner: pg.Client, label: string, options: { expiredLease?: boolean } = {}): Promise<SeededTenant> {
  const org = await createOrg(prisma, label);
  const orgId = org.orgId;
  const location = await createCodeLocation(prisma, { orgId, deploymentId: org.prodDeploymentId, assets: [{ key: `${label}/raw`, checks: ['rows'] }, { key: `${label}/daily` }] });
  const rawId = location.assetIds.get(`${label}/raw`)!;
  const dailyId = location.assetIds.get(`${label}/daily`)!;
  await prisma.assetDependency.create({ data: { orgId, deploymentId: org.prodDeploymentId, assetId: dailyId, upstreamAssetId: rawId } });

  const agentToken = await createAgentToken(prisma, orgId, { name: `${label}-agent` });
  const previous = mintToken('agent');
  await prisma.agentToken.update({ where: { id: agentToken.id }, data: { previousTokenHash: previous.hash, previousExpiresAt: new Date(Date.now() + 3_600_000), rotatedAt: new Date() } });
  const agentTokenHash = (await prisma.agentToken.findUniqueOrThrow({ where: { id: agentToken.id } })).tokenHash;
  const agent = await prisma.agent.create({
    data: { orgId, agentTokenId: agentToken.id, name: `${label}-agent`, version: '0.1.0', launcher: 'process', slots: 2, deploymentIds: [org.prodDeploymentId] },
  });

  const runId = await queueRun(owner, { orgId, deploymentId: org.prodDeploymentId, codeLocationId: location.codeLocationId, assetKeys: [`${label}/raw`], notify: false });
  const lease = new Date(Date.now() + (options.expiredLease ? -60_000 : 3_600_000));
  await prisma.run.update({ where: { id: runId }, data: { status: 'STARTED', agentId: agent.id, leaseExpiresAt: lease, startedAt: new Date() } });
  await prisma.runEvent.create({ data: { orgId, runId, seq: 1, type: 'LOG', level: 'info', message: `${label} says hello`, timestamp: new Date() } });
  await prisma.materialization.create({ data: { orgId, deploymentId: org.prodDeploymentId, assetId: rawId, runId, eventSeq: 1, createdAt: new Date() } });
  await prisma.assetCheckEvaluation.create({ data: { orgId, deploymentId: org.prodDeploymentId, assetId: rawId, checkName: 'rows', runId, eventSeq: 1, passed: true, createdAt: new Date() } });

  const api = mintToken('api');
  registerTestSecret(api.value, 'API token');
  const apiToken = await prisma.apiToken.create({ data: { orgId, name: `${label}-ci`, tokenHash: api.hash, prefix: api.prefix, role: 'VIEWER' } });

  const user = await prisma.user.create({ data: { issuer: 'https://issuer.example.test/realms/gantry', subject: randomUUID(), email: `${label}-${randomUUID().slice(0, 6)}@example.test`, name: label } });
  await prisma.organizationMember.create({ data: { orgId, userId: user.id } });
  const team = await prisma.team.create({ data: { orgId, name: `${label}-team` } });
  await prisma.teamMember.create({ data: { orgId, teamId: team.id, userId: user.id } });
  await prisma.roleGrant.create({ data: { orgId, principalKind: 'USER', principalId: user.id, role: 'OWNER' } });
  await prisma.roleGrant.create({ data: { orgId, principalKind: 'API_TOKEN', principalId: apiToken.id, role: 'VIEWER', deploymentId: org.prodDeploymentId } });
  await prisma.invitation.create({ data: { orgId, email: `invitee-${label}@example.test`, role: 'VIEWER', expiresAt: new Date(Date.now() + 86_400_000) } });
  await prisma.auditEvent.create({
    data: { id: randomUUID(), orgId, seq: 1n, occurredAt: new Date(), actorKind: 'system', action: 'test.seeded', prevHash: '0'.repeat(64), hash: 'f'.repeat(64) },
  });

  // Cost: a record, its rollup and asset total, a budget and one undelivered alert.
  const day = new Date(Date.UTC(2026, 10, 23));
  await prisma.costRecord.create({
    data: { orgId, deploymentId: org.prodDeploymentId, assetId: rawId, runId, eventSeq: 1, materializationSeq: 1, source: 'PRICED', metric: 'compute', unit: 'USD', amount: '0.125', occurredAt: new Date() },
  });
  await prisma.costDailyRollup.create({ data: { orgId, deploymentId: org.prodDeploymentId, assetId: rawId, day, unit: 'USD', amount: '0.125', pricedAmount: '0.125', recordCount: 1, cumAmount: '0.125' } });
  await prisma.costAssetTotal.create({ data: { orgId, deploymentId: org.prodDeploymentId, assetId: rawId, unit: 'USD', firstDay: day, lastDay: day, total: '0.125' } });
  const budget = await prisma.costBudget.create({
    data: { orgId, deploymentId: org.prodDeploymentId, name: `${label}-budget`, scope: 'DEPLOYMENT', period: 'MONTH', limitUsd: '0.1', webhookUrl: 'http://127.0.0.1:9/hook' },
  });
  await prisma.costAlert.create({ data: { orgId, budgetId: budget.id, periodStart: new Date(Date.UTC(2026, 10, 1)), thresholdPercent: 100, spentUsd: '0.125', limitUsd: '0.1' } });

  const { rows } = await owner.query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = current_schema() AND c.column_name = 'org_id' ORDER BY 1`,
  );
  const tables: string[] = [];
  for (const { table_name } of rows) {
    const r = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoteIdent(table_name)} WHERE org_id = $1`, [orgId]);
    if ((r.rows[0]?.n ?? 0) > 0) tables.push(table_name);
  }
  return {
    orgId,
    slug: org.slug,
    deploymentId: org.prodDeploymentId,
    codeLocationId: location.codeLocationId,
    runId,
    userId: user.id,
    apiTokenHash: api.hash,
    apiTokenId: apiToken.id,
    agentTokenHash,
    agentTokenPreviousHash: previous.hash,
    agentTokenId: agentToken.id,
    tables,
  };
}

/** Quotes a PostgreSQL identifier (`"name"`, doubled inner quotes). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

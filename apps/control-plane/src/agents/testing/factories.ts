import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PrismaClient } from '@gantry/db';
import { mintToken } from '@gantry/domain';
import { registerTestSecret } from '@gantry/telemetry/testing';

/** A fresh organization with its `prod` deployment. */
export interface TestOrg {
  orgId: string;
  slug: string;
  prodDeploymentId: string;
}

/** Creates a uniquely named organization and its `prod` deployment. */
export async function createOrg(prisma: PrismaClient, label = 'org'): Promise<TestOrg> {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const org = await prisma.organization.create({ data: { slug, name: slug } });
  const prod = await prisma.deployment.create({ data: { orgId: org.id, name: 'prod' } });
  return { orgId: org.id, slug, prodDeploymentId: prod.id };
}

/** Creates a deployment; returns its id. */
export async function createDeployment(prisma: PrismaClient, orgId: string, name: string): Promise<string> {
  return (await prisma.deployment.create({ data: { orgId, name } })).id;
}

/** Options of {@link createAgentToken}. */
export interface AgentTokenOptions {
  /** Deployments the token may serve; default [] (all of the organization's). */
  deploymentIds?: string[];
  expiresAt?: Date;
  revokedAt?: Date;
  name?: string;
}

/** Mints and stores an agent token; returns the secret value and the row id. */
export async function createAgentToken(prisma: PrismaClient, orgId: string, options: AgentTokenOptions = {}): Promise<{ token: string; id: string }> {
  const t = mintToken('agent');
  registerTestSecret(t.value, 'agent token');
  const row = await prisma.agentToken.create({
    data: {
      orgId,
      name: options.name ?? 'test',
      tokenHash: t.hash,
      prefix: t.prefix,
      deploymentIds: options.deploymentIds ?? [],
      ...(options.expiresAt && { expiresAt: options.expiresAt }),
      ...(options.revokedAt && { revokedAt: options.revokedAt }),
    },
  });
  return { token: t.value, id: row.id };
}

/** An asset to seed. */
export interface SeedAsset {
  key: string;
  codeVersion?: string;
  checks?: string[];
}

/** A seeded code location (version 1 current) with its assets. */
export interface TestCodeLocation {
  codeLocationId: string;
  name: string;
  version: number;
  assetIds: Map<string, string>;
}

/** Seeds a code location with version 1 and the given assets (and checks) straight through Prisma. */
export async function createCodeLocation(
  prisma: PrismaClient,
  args: { orgId: string; deploymentId: string; name?: string; assets: SeedAsset[]; queue?: string },
): Promise<TestCodeLocation> {
  const name = args.name ?? `loc-${randomUUID().slice(0, 8)}`;
  const location = await prisma.codeLocation.create({ data: { orgId: args.orgId, deploymentId: args.deploymentId, name, ...(args.queue && { queue: args.queue }) } });
  const version = await prisma.codeLocationVersion.create({
    data: { orgId: args.orgId, codeLocationId: location.id, version: 1, digest: randomUUID(), definition: {} },
  });
  await prisma.codeLocation.update({ where: { id: location.id }, data: { currentVersionId: version.id } });
  const assetIds = new Map<string, string>();
  for (const a of args.assets) {
    const asset = await prisma.asset.create({
      data: {
        orgId: args.orgId,
        deploymentId: args.deploymentId,
        codeLocationId: location.id,
        key: a.key,
        keyPath: a.key.split('/'),
        ...(a.codeVersion && { codeVersion: a.codeVersion }),
      },
    });
    assetIds.set(a.key, asset.id);
    for (const check of a.checks ?? []) await prisma.assetCheck.create({ data: { orgId: args.orgId, assetId: asset.id, name: check } });
  }
  return { codeLocationId: location.id, name, version: 1, assetIds };
}

/** Fields of a run to queue. */
export interface QueueRunArgs {
  orgId: string;
  deploymentId: string;
  codeLocationId: string;
  codeLocationVersion?: number;
  assetKeys?: string[];
  partitionKey?: string;
  tags?: Record<string, string>;
  traceparent?: string;
  /** Send `NOTIFY gantry_run_queued` in the same statement, as the launch mutation does. Default true. */
  notify?: boolean;
}

/**
 * Inserts a QUEUED run like the GraphQL launch mutation commits it: the row
 * and `NOTIFY gantry_run_queued {runId, deploymentId, orgId}` in one statement
 * (delivered at commit). Returns the run id.
 */
export async function queueRun(db: pg.Pool | pg.Client, args: QueueRunArgs): Promise<string> {
  const id = randomUUID();
  const notify = args.notify ?? true;
  await db.query(
    `WITH r AS (
       INSERT INTO runs (id, org_id, deployment_id, code_location_id, code_location_version, status, asset_keys, partition_key, tags, traceparent)
       VALUES ($1, $2, $3, $4, $5, 'QUEUED', $6, $7, $8, $9)
       RETURNING id, org_id, deployment_id, queue
     )
     SELECT CASE WHEN $10::boolean THEN pg_notify('gantry_run_queued', json_build_object('runId', id, 'deploymentId', deployment_id, 'orgId', org_id, 'queue', queue)::text) END FROM r`,
    [
      id,
      args.orgId,
      args.deploymentId,
      args.codeLocationId,
      args.codeLocationVersion ?? 1,
      args.assetKeys ?? [],
      args.partitionKey ?? null,
      JSON.stringify(args.tags ?? {}),
      args.traceparent ?? null,
      notify,
    ],
  );
  return id;
}

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrismaClient, migrateDatabase, startEmbeddedPostgres, type PrismaClient, type RunningPostgres } from '@gantry/db';
import { mintToken } from '@gantry/domain';
import pg from 'pg';

/** The runtime role of benchmark clusters (throwaway, loopback only). */
const BENCH_APP_ROLE = { name: 'gantry_app', password: 'gantry-bench-only' } as const;

/** A throwaway embedded PostgreSQL with the Gantry schema, for one benchmark run. */
export interface BenchDatabase {
  postgres: RunningPostgres;
  /** Connection of the runtime role (no BYPASSRLS): what the control plane under benchmark uses, as in production. */
  appUrl: string;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** Starts a fresh cluster in a temp dir and migrates it (or uses DATABASE_URL's server when set). */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-pg-'));
  const postgres = await startEmbeddedPostgres({ dataDir, database: 'gantry_bench' });
  await migrateDatabase({ databaseUrl: postgres.url, appRole: BENCH_APP_ROLE.name, log: () => undefined });
  const owner = new pg.Client({ connectionString: postgres.url });
  await owner.connect();
  await owner.query(`ALTER ROLE ${BENCH_APP_ROLE.name} PASSWORD '${BENCH_APP_ROLE.password}'`);
  await owner.end();
  const appUrl = new URL(postgres.url);
  appUrl.username = BENCH_APP_ROLE.name;
  appUrl.password = BENCH_APP_ROLE.password;
  const prisma = createPrismaClient({ databaseUrl: postgres.url });
  return {
    postgres,
    appUrl: appUrl.toString(),
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await postgres.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Seeds an organization, its prod deployment, one code location with the given assets, an API and an agent token. */
export async function seedBenchTenant(prisma: PrismaClient, assetKeys: string[]) {
  const org = await prisma.organization.create({ data: { slug: `bench-${Date.now()}`, name: 'Bench' } });
  const deployment = await prisma.deployment.create({ data: { orgId: org.id, name: 'prod' } });
  const location = await prisma.codeLocation.create({ data: { orgId: org.id, deploymentId: deployment.id, name: 'bench' } });
  const version = await prisma.codeLocationVersion.create({
    data: { orgId: org.id, codeLocationId: location.id, version: 1, digest: 'bench', definition: {} },
  });
  await prisma.codeLocation.update({ where: { id: location.id }, data: { currentVersionId: version.id } });
  for (const key of assetKeys) {
    await prisma.asset.create({
      data: { orgId: org.id, deploymentId: deployment.id, codeLocationId: location.id, key, keyPath: key.split('/') },
    });
  }
  const api = mintToken('api');
  await prisma.apiToken.create({ data: { orgId: org.id, name: 'bench', tokenHash: api.hash, prefix: api.prefix } });
  const agent = mintToken('agent');
  await prisma.agentToken.create({ data: { orgId: org.id, name: 'bench', tokenHash: agent.hash, prefix: agent.prefix, deploymentIds: [] } });
  return { orgId: org.id, deploymentId: deployment.id, codeLocationId: location.id, apiToken: api.value, agentToken: agent.value };
}

/** p-th percentile (0..100) of a sample, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Rounds to 2 decimals for the summary line. */
export const r2 = (n: number) => Math.round(n * 100) / 100;

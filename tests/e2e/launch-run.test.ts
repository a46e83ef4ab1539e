/**
 * End to end: a run launched through GraphQL is pulled by a real agent over
 * gRPC on loopback, runs the real flights pipeline (DuckDB on the 3-million-row
 * data set) as a child process through the pipes protocol, and its logs,
 * materializations and check results land in the catalog.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient, createTestDatabase, type PrismaClient, type TestDatabase } from '@gantry/db';
import { mintToken } from '@gantry/domain';
import { startAgent, type RunningAgent } from '../../apps/agent/src/agent';
import { loadControlPlaneConfig } from '../../apps/control-plane/src/config/control-plane.config';
import { startControlPlane, type RunningControlPlane } from '../../apps/control-plane/src/server';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function gql<T>(cp: RunningControlPlane, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${cp.httpUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

describe('end to end: GraphQL launch → gRPC pull → flights pipeline → catalog', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let cp: RunningControlPlane;
  let agent: RunningAgent;
  let apiToken: string;

  before(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: db.url });
    const org = await prisma.organization.create({ data: { slug: 'e2e', name: 'E2E' } });
    await prisma.deployment.create({ data: { orgId: org.id, name: 'prod' } });
    const api = mintToken('api');
    await prisma.apiToken.create({ data: { orgId: org.id, name: 'e2e', tokenHash: api.hash, prefix: api.prefix } });
    apiToken = api.value;
    const agentToken = mintToken('agent');
    await prisma.agentToken.create({ data: { orgId: org.id, name: 'e2e', tokenHash: agentToken.hash, prefix: agentToken.prefix, deploymentIds: [] } });
    cp = await startControlPlane(loadControlPlaneConfig({}, { databaseUrl: db.url, httpPort: 0, grpcPort: 0, logLevel: 'warn' }));
    const state = mkdtempSync(path.join(os.tmpdir(), 'gantry-e2e-agent-'));
    process.env['GANTRY_EXAMPLE_DATA_DIR'] = path.join(state, 'examples');
    agent = await startAgent({
      controlPlaneAddress: cp.grpcAddress,
      token: agentToken.value,
      name: 'e2e-agent',
      stateDir: state,
      codeLocationPaths: [path.join(ROOT, 'examples/flights/gantry.yaml')],
      maxConcurrentRuns: 2,
      logLevel: 'warn',
    });
  });

  after(async () => {
    await agent?.stop();
    await cp?.close();
    await prisma?.$disconnect();
    await db?.drop();
  });

  test('the flights pipeline materializes every asset with real row counts and passing checks', async () => {
    // The agent reports its code location on connect; wait until the catalog has it.
    let assets: { key: string; partitionKeys: string[] | null }[] = [];
    for (let i = 0; i < 100 && assets.length === 0; i++) {
      assets = (await gql<{ assets: typeof assets }>(cp, apiToken, '{ assets { key partitionKeys } }')).assets;
      if (assets.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(assets.length >= 4, `the catalog has the flights assets: ${JSON.stringify(assets)}`);
    const partitions = assets.find((a) => a.partitionKeys?.length)?.partitionKeys ?? [];
    assert.ok(partitions.length > 0, 'daily delays are partitioned by month');

    const { launchRun } = await gql<{ launchRun: { id: string; status: string } }>(
      cp,
      apiToken,
      'mutation($input: LaunchRunInput!) { launchRun(input: $input) { id status } }',
      { input: { assetKeys: assets.map((a) => a.key), partitionRange: { start: partitions[0], end: partitions.at(-1) } } },
    );
    assert.equal(launchRun.status, 'QUEUED');

    let run = { status: 'QUEUED', failureReason: null as string | null };
    for (const deadline = Date.now() + 240_000; !['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.status) && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 250));
      run = (await gql<{ run: typeof run }>(cp, apiToken, 'query($id: ID!) { run(id: $id) { status failureReason } }', { id: launchRun.id })).run;
    }
    assert.equal(run.status, 'SUCCESS', `run failed: ${run.failureReason}`);

    const raw = await prisma.materialization.findMany({ where: { runId: launchRun.id } });
    assert.ok(raw.length >= assets.length, `one materialization per asset at least, got ${raw.length}`);
    const rawFlights = await prisma.asset.findFirstOrThrow({ where: { key: 'flights/raw_flights' } });
    const rawMat = raw.find((m) => m.assetId === rawFlights.id);
    const rows = (rawMat?.metadata as Record<string, { raw_value: number }> | undefined)?.['row_count']?.raw_value;
    assert.ok(typeof rows === 'number' && rows > 2_900_000, `raw flights has ~3M rows, got ${rows}`);

    const checks = await prisma.assetCheckEvaluation.findMany({ where: { runId: launchRun.id } });
    assert.ok(checks.length >= 2, 'at least two asset checks evaluated');
    assert.ok(checks.every((c) => c.passed), 'every check passed');

    const logs = await prisma.runEvent.count({ where: { runId: launchRun.id, type: 'LOG' } });
    assert.ok(logs > 0, 'pipes log lines landed as run events');
    const stored = await prisma.runEvent.findMany({ where: { runId: launchRun.id }, select: { seq: true }, orderBy: { seq: 'asc' } });
    assert.deepEqual(stored.map((e) => e.seq), stored.map((_, i) => i + 1), 'events are stored once each, numbered 1..n without gaps');
  });
});

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
import { startStack, waitForAsset, type Stack } from './support/stack';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('end to end: GraphQL launch → gRPC pull → flights pipeline → catalog', () => {
  let stack: Stack;

  before(async () => {
    process.env['GANTRY_EXAMPLE_DATA_DIR'] = mkdtempSync(path.join(os.tmpdir(), 'gantry-e2e-flights-'));
    stack = await startStack([path.join(ROOT, 'examples/flights/gantry.yaml')]);
    await waitForAsset(stack, 'flights/top_delays');
  });

  after(async () => {
    await stack?.close();
  });

  test('the flights pipeline materializes every asset with real row counts and passing checks', async () => {
    const { assets } = await stack.gql<{ assets: { key: string; partitionKeys: string[] | null; upstream: { key: string }[] }[] }>(
      '{ assets { key partitionKeys upstream { key } } }',
    );
    assert.ok(assets.length >= 4, `the catalog has the flights assets: ${assets.map((a) => a.key).join(', ')}`);
    const daily = assets.find((a) => a.key === 'flights/daily_delays_by_airport');
    assert.ok(daily?.partitionKeys?.length, 'daily delays are partitioned by month');
    assert.ok(daily.upstream.some((u) => u.key === 'flights/raw_flights'), 'the asset graph has its edges');
    const partitions = daily.partitionKeys;

    const { launchRun } = await stack.gql<{ launchRun: { id: string; status: string } }>(
      'mutation($input: LaunchRunInput!) { launchRun(input: $input) { id status } }',
      { input: { assetKeys: assets.map((a) => a.key), partitionRange: { start: partitions[0], end: partitions.at(-1) } } },
    );
    assert.equal(launchRun.status, 'QUEUED');
    const run = await stack.waitForRun(launchRun.id, 240_000);
    assert.equal(run.status, 'SUCCESS', `run failed: ${run.failureReason}`);

    const mats = await stack.prisma.materialization.findMany({ where: { runId: launchRun.id } });
    assert.ok(mats.length >= assets.length, `one materialization per asset at least, got ${mats.length}`);
    const rawFlights = await stack.prisma.asset.findFirstOrThrow({ where: { key: 'flights/raw_flights' } });
    const rows = (mats.find((m) => m.assetId === rawFlights.id)?.metadata as Record<string, { raw_value: number }> | undefined)?.['row_count']?.raw_value;
    assert.ok(typeof rows === 'number' && rows > 2_900_000, `raw flights has ~3M rows, got ${rows}`);

    const checks = await stack.prisma.assetCheckEvaluation.findMany({ where: { runId: launchRun.id } });
    assert.ok(checks.length >= 2, 'at least two asset checks evaluated');
    assert.ok(checks.every((c) => c.passed), 'every check passed');

    const { asset } = await stack.gql<{ asset: { latestMaterialization: { runId: string } | null } }>(
      'query($key: String!) { asset(key: $key) { latestMaterialization { runId } } }',
      { key: 'flights/top_delays' },
    );
    assert.equal(asset.latestMaterialization?.runId, launchRun.id, 'the catalog shows the new materialization');

    assert.ok((await stack.prisma.runEvent.count({ where: { runId: launchRun.id, type: 'LOG' } })) > 0, 'pipes log lines landed');
    const stored = await stack.prisma.runEvent.findMany({ where: { runId: launchRun.id }, select: { seq: true }, orderBy: { seq: 'asc' } });
    assert.deepEqual(stored.map((e) => e.seq), stored.map((_, i) => i + 1), 'events stored once each, numbered 1..n without gaps');
  });
});

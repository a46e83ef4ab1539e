/**
 * Medium test of the flights pipeline: runs `pipeline.ts` as a real child
 * process on the real 3-million-row data set, with real Pipes bootstrap
 * variables (a context file and a file message channel), and checks the
 * messages it wrote. Tests run in order and share one data directory: the
 * later ones select downstream assets only and read what the first one wrote.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadCodeLocation } from '@gantry/code-location';
import type { PipesContextData, PipesMessage, PipesMethodParams } from '@gantry/pipes';
import { paramsOf, runPipesChild, type PipesChildRun } from '@gantry/pipes/testing';

const HERE = import.meta.dirname;
const ALL_ASSETS = ['flights/raw_flights', 'flights/airports', 'flights/daily_delays_by_airport', 'flights/top_delays'];
/** Flights in February and March 2001 in flights-3m.parquet (counted with DuckDB: 458,170 + 511,502). */
const FEB_MAR_FLIGHTS = 969_672;
/** Flights in June 2001. */
const JUNE_FLIGHTS = 502_222;
/** Flights in the six monthly partitions: all 3,000,000 but the 6 stamped 2001-07-01 00:00. */
const ALL_PARTITION_FLIGHTS = 2_999_994;

type Selection = Pick<PipesContextData, 'asset_keys' | 'partition_key' | 'partition_key_range'>;

/** Runs pipeline.ts like the agent's process launcher does and parses every message line (failing on a malformed one). */
function runPipeline(dataDir: string, selection: Selection): Promise<PipesChildRun> {
  const context: PipesContextData = {
    code_version_by_asset_key: null,
    provenance_by_asset_key: null,
    partition_time_window: null,
    run_id: `test-${Date.now()}`,
    job_name: null,
    retry_number: 0,
    extras: { deployment: 'prod', code_location: 'flights' },
    ...selection,
  };
  return runPipesChild({
    command: process.execPath,
    args: ['--import', 'tsx', 'pipeline.ts'],
    cwd: HERE,
    context,
    env: { GANTRY_EXAMPLE_DATA_DIR: dataDir },
  });
}

function materialization(messages: PipesMessage[], key: string): PipesMethodParams['report_asset_materialization'] {
  const found = paramsOf(messages, 'report_asset_materialization').filter((m) => m.asset_key === key);
  assert.equal(found.length, 1, `exactly one materialization of ${key}`);
  return found[0]!;
}

function meta(m: PipesMethodParams['report_asset_materialization'], key: string): unknown {
  const value = m.metadata?.[key];
  assert.ok(value, `metadata ${key} of ${m.asset_key ?? '?'}`);
  return value.raw_value;
}

describe('flights pipeline (real child process, real data, real pipes channel)', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-flights-data-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('materializes all four assets for a two-month range, with real counts and passing checks', async (t) => {
    const run = await runPipeline(dataDir, { asset_keys: ALL_ASSETS, partition_key: null, partition_key_range: { start: '2001-02', end: '2001-03' } });
    assert.equal(run.code, 0, `exit 0; stderr: ${run.stderr}`);
    assert.equal(run.messages[0]?.method, 'opened');
    const closed = run.messages.at(-1);
    assert.equal(closed?.method, 'closed');
    assert.equal((closed.params as PipesMethodParams['closed']).exception, undefined, 'closed without exception');

    const mats = paramsOf(run.messages, 'report_asset_materialization');
    assert.deepEqual(mats.map((m) => m.asset_key), ALL_ASSETS, 'one materialization per asset, in dependency order');
    for (const m of mats) {
      assert.equal(m.metadata?.['row_count']?.type, 'int');
      assert.equal(typeof meta(m, 'duration_ms'), 'number');
      assert.equal(m.metadata?.['path']?.type, 'path');
      assert.ok(String(meta(m, 'path')).endsWith(path.join(path.basename(dataDir), 'flights', 'flights.duckdb')), String(meta(m, 'path')));
      assert.equal(m.metadata?.['dagster/column_schema']?.type, 'table_schema');
      assert.equal(m.metadata?.['preview']?.type, 'md');
      assert.match(String(meta(m, 'preview')), /^\| .* \|\n\| --- /, 'the preview is a Markdown table');
    }

    const raw = materialization(run.messages, 'flights/raw_flights');
    assert.equal(meta(raw, 'row_count'), 3_000_000, 'every row of flights-3m.parquet is loaded');
    assert.deepEqual(meta(raw, 'columns'), ['date', 'delay', 'distance', 'origin', 'destination']);
    assert.deepEqual(meta(raw, 'dagster/column_schema'), {
      columns: [
        { name: 'date', type: 'TIMESTAMP', constraints: { nullable: true } },
        { name: 'delay', type: 'INTEGER', constraints: { nullable: true } },
        { name: 'distance', type: 'INTEGER', constraints: { nullable: true } },
        { name: 'origin', type: 'VARCHAR', constraints: { nullable: true } },
        { name: 'destination', type: 'VARCHAR', constraints: { nullable: true } },
      ],
    });
    assert.match(raw.data_version ?? '', /^[0-9a-f]{16}$/, 'data version is the source file digest');
    assert.equal(meta(materialization(run.messages, 'flights/airports'), 'row_count'), 3376);

    const daily = materialization(run.messages, 'flights/daily_delays_by_airport');
    assert.deepEqual(meta(daily, 'months'), ['2001-02', '2001-03'], 'exactly the months of the partition range');
    assert.equal(meta(daily, 'flights'), FEB_MAR_FLIGHTS);
    assert.ok(Number(meta(daily, 'row_count')) > 10_000, 'one row per airport and day');
    assert.equal(meta(daily, 'raw_rows_outside_partitions'), 6, 'the six flights stamped 2001-07-01 00:00 are outside the partitions');

    const top = materialization(run.messages, 'flights/top_delays');
    assert.equal(meta(top, 'row_count'), 10);
    assert.deepEqual(meta(top, 'months_covered'), ['2001-02', '2001-03']);

    const checks = paramsOf(run.messages, 'report_asset_check');
    const location = await loadCodeLocation(HERE);
    const declared = location.assets.flatMap((a) => a.checks.map((c) => `${a.key}:${c.name}`)).sort();
    assert.deepEqual(checks.map((c) => `${c.asset_key}:${c.check_name}`).sort(), declared, 'every declared check is reported once');
    assert.ok(checks.length >= 5);
    assert.ok(checks.every((c) => c.passed), `all checks pass: ${JSON.stringify(checks.filter((c) => !c.passed))}`);
    assert.ok(paramsOf(run.messages, 'log').some((l) => l.level === 'INFO' && l.message.includes('materialized 3000000 rows')));
    t.diagnostic(`flights pipeline, all four assets (3M rows loaded): ${run.ms} ms wall clock, process start included`);
    assert.ok(run.ms < 60_000, `fast: ${run.ms} ms`);
  });

  test('selecting only flights/top_delays reuses the upstream tables of the previous run', async () => {
    const run = await runPipeline(dataDir, { asset_keys: ['flights/top_delays'], partition_key: null, partition_key_range: null });
    assert.equal(run.code, 0, `exit 0; stderr: ${run.stderr}`);
    assert.deepEqual(paramsOf(run.messages, 'report_asset_materialization').map((m) => m.asset_key), ['flights/top_delays']);
    assert.deepEqual(paramsOf(run.messages, 'report_asset_check').map((c) => [c.check_name, c.passed]), [['delays_plausible', true]], "only the selected asset's checks");
    assert.deepEqual(meta(materialization(run.messages, 'flights/top_delays'), 'months_covered'), ['2001-02', '2001-03']);
  });

  test('one partition key recomputes one month and keeps the others', async () => {
    const run = await runPipeline(dataDir, { asset_keys: ['flights/daily_delays_by_airport'], partition_key: '2001-06', partition_key_range: null });
    assert.equal(run.code, 0, `exit 0; stderr: ${run.stderr}`);
    const daily = materialization(run.messages, 'flights/daily_delays_by_airport');
    assert.deepEqual(meta(daily, 'months'), ['2001-06']);
    assert.equal(meta(daily, 'flights'), JUNE_FLIGHTS);
    assert.deepEqual(meta(daily, 'months_in_table'), ['2001-02', '2001-03', '2001-06']);
  });

  test('without a partition key or range the partitioned asset computes every month', async () => {
    const run = await runPipeline(dataDir, { asset_keys: ['flights/daily_delays_by_airport'], partition_key: null, partition_key_range: null });
    assert.equal(run.code, 0, `exit 0; stderr: ${run.stderr}`);
    const daily = materialization(run.messages, 'flights/daily_delays_by_airport');
    assert.deepEqual(meta(daily, 'months'), ['2001-01', '2001-02', '2001-03', '2001-04', '2001-05', '2001-06']);
    assert.equal(meta(daily, 'flights'), ALL_PARTITION_FLIGHTS);
    assert.equal(meta(daily, 'partition_count'), 6);
  });

  test('a partition outside the definition fails the run with the reason in closed', async () => {
    const run = await runPipeline(dataDir, { asset_keys: ['flights/daily_delays_by_airport'], partition_key: '2001-07', partition_key_range: null });
    assert.equal(run.code, 1);
    const closed = paramsOf(run.messages, 'closed');
    assert.equal(closed.length, 1);
    assert.match(closed[0]?.exception?.message ?? '', /2001-07.*not one of 2001-01\.\.2001-06/);
    assert.equal(paramsOf(run.messages, 'report_asset_materialization').length, 0);
  });

  test('a downstream asset without its upstream data fails with a clear reason', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'gantry-flights-empty-'));
    try {
      const run = await runPipeline(empty, { asset_keys: ['flights/top_delays'], partition_key: null, partition_key_range: null });
      assert.equal(run.code, 1);
      const closed = paramsOf(run.messages, 'closed');
      assert.match(closed[0]?.exception?.message ?? '', /needs flights\/daily_delays_by_airport, which is neither in this run nor materialized/);
      assert.equal(paramsOf(run.messages, 'report_asset_materialization').length, 0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

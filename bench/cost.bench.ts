/**
 * `npm run bench:cost` — the top-50-assets-for-30-days query through the daily
 * cost rollups, against a full scan of the raw cost records, in one run on one
 * database.
 *
 * Load: one organization, 5,000 assets, 10,000,000 cost records over 90 days
 * (asset popularity skewed; half of them USD, from PRICED and REPORTED sources;
 * the rest MEASURED seconds) loaded with COPY … FROM STDIN (pg-copy-streams)
 * into `cost_records` with its secondary indexes dropped, then rebuilt (as a
 * restore does). The rollups are then built from the records with the same
 * aggregation the ingest path applies incrementally (per asset × UTC day ×
 * unit, with running totals and per-asset totals) and vacuumed (autovacuum's
 * job in production).
 *
 * Measured: TOP_ASSETS_SQL (what GraphQL `topCostAssets` runs) as TenantDb.raw
 * runs it — BEGIN, set_config('gantry.org_id'), the query, COMMIT — 100 times
 * after a warm-up: p95. Baseline: the same top 50 computed from the raw records
 * (a full scan), 3 times: the median. Both answers must be identical.
 * Last line: `cost p95_ms=… raw_scan_ms=… ratio=…` (ratio = p95 / raw scan).
 * Env: BENCH_COST_RECORDS (10000000), BENCH_COST_ASSETS (5000), BENCH_COST_RUNS (100).
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { TOP_ASSETS_SQL } from '@gantry/control-plane';
import { percentile, r2, startBenchDatabase } from './support/bench-env';

const RECORDS = Number(process.env['BENCH_COST_RECORDS'] ?? 10_000_000);
const ASSETS = Number(process.env['BENCH_COST_ASSETS'] ?? 5_000);
const RUNS = Number(process.env['BENCH_COST_RUNS'] ?? 100);
const DAYS = 90;
const WINDOW_DAYS = 30;

const db = await startBenchDatabase();
const sql = new pg.Client({ connectionString: db.postgres.url });
await sql.connect();
const q = async (text: string, values: unknown[] = []) => (await sql.query(text, values)).rows;
const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const out = await fn();
  console.log(`bench: ${what} in ${r2((performance.now() - t0) / 1000)} s`);
  return out;
};

// --- seed: organization, deployment, code location, assets --------------------------
const orgId = randomUUID();
const deploymentId = randomUUID();
const locationId = randomUUID();
await q(`INSERT INTO organizations (id, slug, name) VALUES ($1, 'bench-cost', 'Bench cost')`, [orgId]);
await q(`INSERT INTO deployments (id, org_id, name) VALUES ($1, $2, 'prod')`, [deploymentId, orgId]);
await q(`INSERT INTO code_locations (id, org_id, deployment_id, name) VALUES ($1, $2, $3, 'bench')`, [locationId, orgId, deploymentId]);
const assetIds = (
  await q(
    `INSERT INTO assets (id, org_id, deployment_id, code_location_id, key, key_path, group_name)
     SELECT gen_random_uuid(), $1, $2, $3, 'bench/asset_' || i, ARRAY['bench', 'asset_' || i], 'group_' || (i % 50)
     FROM generate_series(1, $4) AS i RETURNING id`,
    [orgId, deploymentId, locationId, ASSETS],
  )
).map((r) => (r as { id: string }).id);

// --- load: COPY the raw records ------------------------------------------------------
const today = new Date();
today.setUTCHours(0, 0, 0, 0);
const dayText = Array.from({ length: DAYS }, (_, i) => new Date(today.getTime() - (DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10));
const METRICS = [
  ['compute', 'PRICED', 'USD'],
  ['gantry/cost_usd', 'REPORTED', 'USD'],
  ['cpu_seconds', 'MEASURED', 'seconds'],
  ['wall_seconds', 'MEASURED', 'seconds'],
] as const;
/** Rows [first, end) as COPY text chunks; deterministic per stream. */
function* rows(first: number, end: number): Generator<string> {
  let seed = 12345 + first;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const chunkRows = 20_000;
  let runId = randomUUID();
  for (let start = first; start < end; start += chunkRows) {
    let chunk = '';
    for (let i = start; i < Math.min(end, start + chunkRows); i++) {
      if (i % 1000 === 0) runId = randomUUID();
      const u = rnd();
      const asset = assetIds[Math.floor(u * u * ASSETS)]!;
      const [metric, source, unit] = METRICS[i % 4]!;
      const nano = Math.floor(rnd() * 1e9);
      const amount = unit === 'USD' ? `0.${String(nano).padStart(9, '0')}` : `${Math.floor(rnd() * 600)}.${String(nano).padStart(9, '0')}`;
      const day = dayText[Math.floor(rnd() * DAYS)]!;
      const seq = (i % 1000) + 1;
      const time = `${String(Math.floor(rnd() * 24)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}:00+00`;
      chunk += `${orgId}\t${deploymentId}\t${asset}\t${runId}\t${seq}\t${seq}\t\\N\t${source}\t${metric}\t${unit}\t${amount}\t${day} ${time}\n`;
    }
    yield chunk;
  }
}
const SECONDARY = (
  await q(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cost_records' AND indexname <> 'cost_records_pkey'`)
) as Array<{ indexname: string; indexdef: string }>;
for (const i of SECONDARY) await q(`DROP INDEX ${pg.escapeIdentifier(i.indexname)}`);
const loadStart = performance.now();
const STREAMS = 2;
await timed(`COPY of ${RECORDS} cost records (${STREAMS} streams)`, () =>
  Promise.all(
    Array.from({ length: STREAMS }, async (_, k) => {
      const c = new pg.Client({ connectionString: db.postgres.url });
      await c.connect();
      const per = Math.ceil(RECORDS / STREAMS);
      const copy = c.query(
        copyFrom('COPY cost_records (org_id, deployment_id, asset_id, run_id, event_seq, materialization_seq, partition_key, source, metric, unit, amount, occurred_at) FROM STDIN'),
      );
      await pipeline(Readable.from(rows(k * per, Math.min(RECORDS, (k + 1) * per))), copy);
      await c.end();
    }),
  ),
);
await q("SET maintenance_work_mem = '512MB'");
await timed(`rebuilding ${SECONDARY.length} secondary indexes`, async () => {
  for (const i of SECONDARY) await q(i.indexdef);
});
await timed('rollups from the records (what the ingest maintains incrementally, built in bulk)', async () => {
  await q(`CREATE TEMP TABLE daily AS
     SELECT org_id, deployment_id, asset_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, unit, sum(amount) AS amount,
            coalesce(sum(amount) FILTER (WHERE source = 'MEASURED'), 0) AS measured, coalesce(sum(amount) FILTER (WHERE source = 'PRICED'), 0) AS priced,
            coalesce(sum(amount) FILTER (WHERE source = 'REPORTED'), 0) AS reported, count(*)::int AS n
     FROM cost_records GROUP BY 1, 2, 3, 4, 5`);
  await q(`INSERT INTO cost_asset_totals (org_id, deployment_id, asset_id, unit, first_day, last_day, total)
     SELECT org_id, deployment_id, asset_id, unit, min(day), max(day), sum(amount) FROM daily GROUP BY 1, 2, 3, 4`);
  // Every day between an asset's first and last cost day gets a row; cum_amount is the running total.
  await q(`INSERT INTO cost_daily_rollups (org_id, deployment_id, asset_id, day, unit, amount, measured_amount, priced_amount, reported_amount, record_count, cum_amount)
     SELECT t.org_id, t.deployment_id, t.asset_id, g.day, t.unit, coalesce(d.amount, 0), coalesce(d.measured, 0), coalesce(d.priced, 0), coalesce(d.reported, 0),
            coalesce(d.n, 0), sum(coalesce(d.amount, 0)) OVER (PARTITION BY t.asset_id, t.unit ORDER BY g.day)
     FROM cost_asset_totals t
     CROSS JOIN LATERAL (SELECT s::date AS day FROM generate_series(t.first_day::timestamp, t.last_day::timestamp, interval '1 day') AS s) g
     LEFT JOIN daily d ON d.asset_id = t.asset_id AND d.unit = t.unit AND d.day = g.day`);
  await q('DROP TABLE daily');
});
await timed('VACUUM ANALYZE', async () => {
  await q('VACUUM ANALYZE cost_records');
  await q('VACUUM ANALYZE cost_daily_rollups');
  await q('VACUUM ANALYZE cost_asset_totals');
});
const loadSeconds = (performance.now() - loadStart) / 1000;
const rollupRows = ((await q('SELECT count(*)::int AS n FROM cost_daily_rollups')) as Array<{ n: number }>)[0]!.n;
console.log(`bench: loaded ${RECORDS} records for ${ASSETS} assets in ${r2(loadSeconds)} s; ${rollupRows} rollup rows`);

// --- measure ----------------------------------------------------------------------------
const from = dayText[DAYS - WINDOW_DAYS]!;
const to = new Date(today.getTime() + 86_400_000).toISOString().slice(0, 10);
const topViaRollups = async () => {
  await sql.query('BEGIN');
  await sql.query("SELECT set_config('gantry.org_id', $1, true)", [orgId]);
  const res = await sql.query<{ asset_key: string; amount: string }>({ name: 'top', text: TOP_ASSETS_SQL, values: [orgId, 'USD', from, to, 50, null] });
  await sql.query('COMMIT');
  return res.rows;
};
const RAW = `
SELECT a.key AS asset_key, t.amount::text AS amount
FROM (SELECT asset_id, sum(amount) AS amount FROM cost_records
      WHERE org_id = $1 AND unit = 'USD' AND occurred_at >= $2::date AND occurred_at < $3::date
      GROUP BY asset_id ORDER BY amount DESC, asset_id LIMIT 50) t JOIN assets a ON a.id = t.asset_id
ORDER BY t.amount DESC, t.asset_id`;
const topViaRaw = async () => (await sql.query<{ asset_key: string; amount: string }>(RAW, [orgId, from, to])).rows;

for (let i = 0; i < 10; i++) await topViaRollups();
const samples: number[] = [];
let viaRollups: Array<{ asset_key: string; amount: string }> = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  viaRollups = await topViaRollups();
  samples.push(performance.now() - t0);
}
const rawSamples: number[] = [];
let viaRaw: Array<{ asset_key: string; amount: string }> = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  viaRaw = await topViaRaw();
  rawSamples.push(performance.now() - t0);
}
const plan = (await q(`EXPLAIN (ANALYZE, BUFFERS) ${TOP_ASSETS_SQL}`, [orgId, 'USD', from, to, 50, null])) as Array<{ 'QUERY PLAN': string }>;
console.log(plan.map((r) => `bench:   ${r['QUERY PLAN']}`).join('\n'));
const answer = (rows: Array<{ asset_key: string; amount: string }>) => JSON.stringify(rows.map((r) => [r.asset_key, r.amount]));
if (answer(viaRollups) !== answer(viaRaw)) {
  console.error('bench: the rollups and the raw records disagree', viaRollups.slice(0, 3), viaRaw.slice(0, 3));
  process.exit(1);
}
const p50 = percentile(samples, 50);
const p95 = percentile(samples, 95);
const rawMs = percentile(rawSamples, 50);
console.log(`bench: top-50 over ${WINDOW_DAYS} days via rollups: p50 ${r2(p50)} ms, p95 ${r2(p95)} ms (${RUNS} runs); raw scan ${rawSamples.map(r2).join(', ')} ms; answers identical (top: ${viaRaw[0]?.asset_key} ${viaRaw[0]?.amount} USD)`);
await sql.end();
await db.close();
console.log(`cost p95_ms=${r2(p95)} raw_scan_ms=${r2(rawMs)} ratio=${Math.round((p95 / rawMs) * 10_000) / 10_000}`);
process.exit(0);

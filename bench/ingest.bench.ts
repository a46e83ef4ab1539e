/**
 * `npm run bench:ingest` — event ingest throughput against a raw COPY.
 *
 * Ingest: one run whose customer process emits 200,000 Pipes messages (log
 * lines, every tenth a materialization) into its message file; the real agent
 * (its own process) tails them, spools them, streams them over gRPC to the
 * control plane (its own process), which stores them in `run_events` (and
 * derives materializations). events_per_s = messages / (time from the first
 * stored event until all are stored).
 *
 * Baseline, same run, same database: PostgreSQL's own `COPY … FROM STDIN` (pg-copy-streams)
 * of the same number of rows, same columns and payload sizes, into the same table.
 * Last line: `ingest events_per_s=… copy_rows_per_s=… ratio=…`. Env: BENCH_EVENTS (200000).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { r2, seedBenchTenant, startBenchDatabase } from './support/bench-env';
import { startBenchControlPlane, startChildProcess } from './support/child-process';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const ROOT = path.resolve(import.meta.dirname, '..');

const db = await startBenchDatabase();
const tenant = await seedBenchTenant(db.prisma, []);
const work = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-ingest-'));

// The customer process: writes EVENTS pipes messages as fast as it can.
writeFileSync(
  path.join(work, 'emit.mjs'),
  `import { writeSync, openSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
const decode = (v) => JSON.parse(inflateSync(Buffer.from(v, 'base64')).toString());
const out = openSync(decode(process.env.DAGSTER_PIPES_MESSAGES).path, 'a');
const msg = (method, params) => JSON.stringify({ __dagster_pipes_version: '0.1', method, params }) + '\\n';
writeSync(out, msg('opened', { extras: {} }));
const N = ${EVENTS};
let chunk = '';
for (let i = 1; i <= N - 2; i++) {
  chunk += i % 10 === 0
    ? msg('report_asset_materialization', { asset_key: 'bench/ingest', metadata: { row_count: { raw_value: i, type: 'int' } }, data_version: null })
    : msg('log', { message: 'processed batch ' + i + ' of the benchmark input', level: 'INFO' });
  if (chunk.length > 1 << 20) { writeSync(out, chunk); chunk = ''; }
}
writeSync(out, chunk + msg('closed', {}));
`,
);
writeFileSync(
  path.join(work, 'gantry.yaml'),
  `name: bench-ingest\ndeployment: prod\ncommand: ["${process.execPath}", "emit.mjs"]\nassets:\n  - key: bench/ingest\n`,
);

const cp = await startBenchControlPlane(db.appUrl);
const { baseUrl } = cp;
const agent = startChildProcess('agent', path.join(ROOT, 'apps/agent/src/main.ts'), {
  GANTRY_CONTROL_PLANE_GRPC: cp.grpcAddress,
  GANTRY_AGENT_TOKEN: tenant.agentToken,
  GANTRY_AGENT_NAME: 'bench',
  GANTRY_AGENT_STATE_DIR: path.join(work, 'agent-state'),
  GANTRY_CODE_LOCATIONS: path.join(work, 'gantry.yaml'),
  GANTRY_LOG_LEVEL: 'warn',
});

const sql = new pg.Client({ connectionString: db.postgres.url });
await sql.connect();
const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs = 300_000, everyMs = 20) => {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
};
await waitUntil('the agent to report its code location', async () => (await sql.query("SELECT 1 FROM assets WHERE key = 'bench/ingest'")).rowCount === 1);

const launch = await fetch(`${baseUrl}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiToken}` },
  body: JSON.stringify({ query: 'mutation { launchRun(input: { assetKeys: ["bench/ingest"] }) { id } }' }),
});
const runId = ((await launch.json()) as { data: { launchRun: { id: string } } }).data.launchRun.id;
console.log(`bench: ingest — run ${runId} emits ${EVENTS} pipes messages`);

const countPipes = async () =>
  Number((await sql.query<{ n: string }>("SELECT count(*) AS n FROM run_events WHERE run_id = $1 AND type IN ('LOG','ASSET_MATERIALIZATION','PIPES_OPENED','PIPES_CLOSED')", [runId])).rows[0]!.n);
await waitUntil('the first event', async () => (await countPipes()) > 0, 120_000, 5);
const t0 = performance.now();
await waitUntil('every event', async () => (await countPipes()) >= EVENTS, 600_000, 25);
const ingestSeconds = (performance.now() - t0) / 1000;
const eventsPerS = EVENTS / ingestSeconds;
const { rows: mats } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM materializations WHERE run_id = $1', [runId]);
console.log(`bench: stored ${EVENTS} events in ${r2(ingestSeconds)} s; ${mats[0]!.n} materializations derived`);
await waitUntil('the run to end', async () => (await sql.query("SELECT 1 FROM runs WHERE id = $1 AND status IN ('SUCCESS','FAILURE')", [runId])).rowCount === 1, 60_000, 50);

// --- baseline: COPY of the same rows ---------------------------------------------
const copyRunId = crypto.randomUUID();
let csv = '';
const now = new Date().toISOString();
for (let i = 1; i <= EVENTS; i++) {
  const mat = i % 10 === 0;
  const payload = mat ? `{"metadata":{"row_count":{"raw_value":${i},"type":"int"}},"dataVersion":null,"partitionKey":null}` : '{}';
  csv += `${tenant.orgId},${copyRunId},${i},${mat ? 'ASSET_MATERIALIZATION' : 'LOG'},INFO,${mat ? '' : `processed batch ${i} of the benchmark input`},${mat ? 'bench/ingest' : ''},"${payload.replaceAll('"', '""')}",${now}\n`;
}
const copyClient = new pg.Client({ connectionString: db.postgres.url });
await copyClient.connect();
const c0 = performance.now();
const copy = copyClient.query(copyFrom('COPY run_events (org_id, run_id, seq, type, level, message, asset_key, payload, timestamp) FROM STDIN (FORMAT csv)'));
await pipeline(Readable.from([csv]), copy);
await copyClient.end();
const copySeconds = (performance.now() - c0) / 1000;
const copyPerS = EVENTS / copySeconds;
console.log(`bench: COPY of ${EVENTS} rows took ${r2(copySeconds)} s`);

await sql.end();
await agent.stop();
await cp.stop();
await db.close();
console.log(`ingest events_per_s=${Math.round(eventsPerS)} copy_rows_per_s=${Math.round(copyPerS)} ratio=${r2(eventsPerS / copyPerS)}`);
process.exit(0);

/**
 * `npm run bench:dispatch` — dispatch latency against the raw PostgreSQL floor.
 *
 * Dispatch: 20 agents hold open `Session` streams to a control plane running as
 * its own process; runs are launched through the GraphQL `launchRun` mutation at
 * a steady 50 per second for 30 s. Latency of a run = the moment an agent
 * receives its RunAssignment − the moment the launch committed, both read on this
 * process's clock: the commit moment is when an observer connection LISTENing on
 * `gantry_run_queued` receives the launch's NOTIFY (delivered at commit).
 *
 * Raw floor, same run, same rate and duration: connection A commits
 * `INSERT ...; NOTIFY`; connection B LISTENs, receives it and commits one
 * `UPDATE` of that row. Latency = B's UPDATE returned − the observer received
 * A's NOTIFY. Last line: `dispatch p50_ms=… p99_ms=… raw_p50_ms=… ratio_p50=…`.
 * Both sides first run an unmeasured warm-up at the same rate.
 * Env: BENCH_SECONDS (default 30), BENCH_RATE (50), BENCH_AGENTS (20), BENCH_WARMUP_SECONDS (3).
 */
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { loadAgentProto, type ControlMessage__Output } from '@gantry/proto';
import { percentile, r2, seedBenchTenant, startBenchDatabase } from './support/bench-env';
import { startBenchControlPlane } from './support/child-process';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
const RATE = Number(process.env['BENCH_RATE'] ?? 50);
const AGENTS = Number(process.env['BENCH_AGENTS'] ?? 20);
/** Unmeasured warm-up at the same rate first (JIT, lazy module loading, pool connections), for both sides. */
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);

const db = await startBenchDatabase();
const tenant = await seedBenchTenant(db.prisma, ['bench/asset']);
const cp = await startBenchControlPlane(db.appUrl, { GANTRY_LEASE_TTL_MS: '600000' });
const { baseUrl } = cp;

// --- observer of commits ---------------------------------------------------
const observer = new pg.Client({ connectionString: db.postgres.url });
await observer.connect();
const committedAt = new Map<string, number>();
const rawCommittedAt = new Map<string, number>();
observer.on('notification', (n) => {
  const now = performance.now();
  if (n.channel === 'gantry_run_queued') committedAt.set((JSON.parse(n.payload ?? '{}') as { runId: string }).runId, now);
  else if (n.channel === 'bench_raw') rawCommittedAt.set(n.payload ?? '', now);
});
await observer.query('LISTEN gantry_run_queued');
await observer.query('LISTEN bench_raw');

// --- 20 agents ---------------------------------------------------------------
const proto = loadAgentProto();
const receivedAt = new Map<string, number>();
const sessions: grpc.ClientDuplexStream<unknown, ControlMessage__Output>[] = [];
const clients: grpc.Client[] = [];
await Promise.all(
  Array.from({ length: AGENTS }, async (_, i) => {
    const client = new proto.gantry.agent.v1.AgentService(cp.grpcAddress, grpc.credentials.createInsecure());
    clients.push(client);
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${tenant.agentToken}`);
    const stream = client.Session(md);
    sessions.push(stream as never);
    let free = 1_000_000;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (msg: ControlMessage__Output) => {
        if (msg.welcome) resolve();
        if (msg.assignment) {
          receivedAt.set(msg.assignment.runId, performance.now());
          free--;
        }
      });
      stream.on('error', reject);
      stream.write({ hello: { agent: { name: `bench-${i}`, version: 'bench', launcher: 'none', deployments: ['prod'] }, freeSlots: free, runningRunIds: [] } });
    });
  }),
);

// --- dispatch: launch at a steady rate ----------------------------------------
async function launch(): Promise<void> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiToken}` },
    body: JSON.stringify({ query: 'mutation { launchRun(input: { assetKeys: ["bench/asset"] }) { id } }' }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(`launchRun failed: ${JSON.stringify(body.errors)}`);
}

async function steady(total: number, fn: () => Promise<void>): Promise<void> {
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(fn());
  }
  await Promise.all(pending);
}

const total = SECONDS * RATE;
const warmup = WARMUP_SECONDS * RATE;
console.log(`bench: dispatch — ${AGENTS} agents, ${RATE} launches/s for ${SECONDS} s (${total} runs) after ${WARMUP_SECONDS} s of warm-up`);
await steady(warmup, launch);
await new Promise((r) => setTimeout(r, 500));
const warmIds = new Set(receivedAt.keys());
await steady(total, launch);
await new Promise((r) => setTimeout(r, 1000));
const latencies = [...receivedAt].flatMap(([id, t]) => (committedAt.has(id) && !warmIds.has(id) ? [t - committedAt.get(id)!] : []));
const duplicates = (await db.prisma.run.count()) - new Set(receivedAt.keys()).size;

// --- raw floor ------------------------------------------------------------------
const setup = new pg.Client({ connectionString: db.postgres.url });
await setup.connect();
await setup.query('CREATE TABLE bench_raw (id uuid PRIMARY KEY, claimed boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL DEFAULT now())');
const a = new pg.Client({ connectionString: db.postgres.url });
const b = new pg.Client({ connectionString: db.postgres.url });
await a.connect();
await b.connect();
const rawLatencies: number[] = [];
b.on('notification', (n) => {
  const id = n.payload ?? '';
  void b.query('UPDATE bench_raw SET claimed = true WHERE id = $1', [id]).then(() => {
    const t0 = rawCommittedAt.get(id);
    if (t0 !== undefined) rawLatencies.push(performance.now() - t0);
  });
});
await b.query('LISTEN bench_raw');
console.log(`bench: raw floor — INSERT+NOTIFY → LISTEN → UPDATE, ${RATE}/s for ${SECONDS} s after the same warm-up`);
const rawInsert = async () => {
  const id = crypto.randomUUID();
  // One round trip, like the launch transaction: INSERT and NOTIFY commit together.
  await a.query(`BEGIN; INSERT INTO bench_raw (id) VALUES ('${id}'); SELECT pg_notify('bench_raw', '${id}'); COMMIT;`);
};
await steady(warmup, rawInsert);
await new Promise((r) => setTimeout(r, 500));
rawLatencies.length = 0;
await steady(total, rawInsert);
await new Promise((r) => setTimeout(r, 1000));

const p50 = percentile(latencies, 50);
const p99 = percentile(latencies, 99);
const rawP50 = percentile(rawLatencies, 50);
console.log(`bench: dispatched ${latencies.length}/${total} runs (${duplicates} received twice or never), raw samples ${rawLatencies.length}`);
console.log(`bench: dispatch p90_ms=${r2(percentile(latencies, 90))} max_ms=${r2(Math.max(...latencies))}; raw p99_ms=${r2(percentile(rawLatencies, 99))}`);

for (const s of sessions) s.end();
for (const c of clients) c.close();
await Promise.all([observer.end(), setup.end(), a.end(), b.end()]);
await cp.stop();
await db.close();
console.log(`dispatch p50_ms=${r2(p50)} p99_ms=${r2(p99)} raw_p50_ms=${r2(rawP50)} ratio_p50=${r2(p50 / rawP50)}`);
process.exit(latencies.length === total && duplicates === 0 ? 0 : 1);

/**
 * `npm run bench:agent-footprint` — memory and CPU of an idle, connected agent.
 *
 * Starts a real control plane (its own process, on a throwaway embedded
 * PostgreSQL) and a real agent process (`node --import tsx apps/agent/src/main.ts`
 * with the example code locations), waits until the control plane lists the
 * agent as connected and the agent has settled, then samples the agent's
 * resident memory (/proc/<pid>/status VmRSS) and CPU (/proc/<pid>/stat
 * utime+stime) over BENCH_SECONDS (default 10) of idling.
 *
 * Baseline, same run: a bare `node --import tsx` process (same runtime flags)
 * running an empty timer, sampled the same way.
 * Last line: `agent rss_mb=… idle_cpu_pct=…` (rss: the largest sample). Target: rss_mb < 80.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { r2, seedBenchTenant, startBenchDatabase } from './support/bench-env';
import { startBenchControlPlane, startChildProcess } from './support/child-process';
import { sampleIdle, type IdleSample } from './support/proc-sampler';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
/** Time given after connecting (code locations reported, first heartbeats, lazy loading) before sampling. */
const SETTLE_SECONDS = Number(process.env['BENCH_SETTLE_SECONDS'] ?? 5);
const ROOT = path.resolve(import.meta.dirname, '..');

const db = await startBenchDatabase();
const tenant = await seedBenchTenant(db.prisma, []);
const cp = await startBenchControlPlane(db.postgres.url);
const state = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-footprint-'));

const agent = startChildProcess('agent', path.join(ROOT, 'apps/agent/src/main.ts'), {
  GANTRY_CONTROL_PLANE_GRPC: cp.grpcAddress,
  GANTRY_AGENT_TOKEN: tenant.agentToken,
  GANTRY_AGENT_NAME: 'footprint',
  GANTRY_AGENT_STATE_DIR: state,
  GANTRY_CODE_LOCATIONS: [path.join(ROOT, 'examples/flights/gantry.yaml'), path.join(ROOT, 'examples/python-weather/gantry.yaml')].join(','),
  GANTRY_LOG_LEVEL: 'info',
});

async function agentConnected(): Promise<boolean> {
  const res = await fetch(`${cp.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiToken}` },
    body: JSON.stringify({ query: '{ agents { name connected } }' }),
  });
  const body = (await res.json()) as { data?: { agents: { name: string; connected: boolean }[] } };
  return body.data?.agents.some((a) => a.name === 'footprint' && a.connected) ?? false;
}

const started = performance.now();
for (const deadline = Date.now() + 60_000; !(await agentConnected()); ) {
  if (Date.now() > deadline) throw new Error('the agent did not connect within 60 s; see .gantry/bench-logs/agent.log');
  await new Promise((r) => setTimeout(r, 100));
}
console.log(`bench: agent connected ${r2((performance.now() - started) / 1000)} s after its start; settling ${SETTLE_SECONDS} s, then sampling ${SECONDS} s`);
await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
const agentSample = await sampleIdle(agent.pid, SECONDS);
if (!(await agentConnected())) throw new Error('the agent disconnected while it was measured');

// Baseline: the same runtime (node + the tsx loader) doing nothing.
const idleScript = path.join(state, 'idle.ts');
writeFileSync(idleScript, 'setInterval(() => undefined, 60_000);\n');
const bare = startChildProcess('bare-node', idleScript, {});
await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
const bareSample = await sampleIdle(bare.pid, SECONDS);

await bare.stop();
await agent.stop();
await cp.stop();
await db.close();

const max = (s: IdleSample) => Math.max(...s.rssMb);
const min = (s: IdleSample) => Math.min(...s.rssMb);
console.log(`bench: agent rss min/max ${r2(min(agentSample))}/${r2(max(agentSample))} MiB over ${r2(agentSample.seconds)} s, cpu ${r2(agentSample.cpuPct)} % of a core`);
console.log(`baseline bare node --import tsx rss_mb=${r2(max(bareSample))} idle_cpu_pct=${r2(bareSample.cpuPct)}`);
console.log(`ratio rss=${r2(max(agentSample) / max(bareSample))} agent_over_baseline_mb=${r2(max(agentSample) - max(bareSample))}`);
console.log(`agent rss_mb=${r2(max(agentSample))} idle_cpu_pct=${r2(agentSample.cpuPct)}`);
process.exit(max(agentSample) < 80 ? 0 : 1);

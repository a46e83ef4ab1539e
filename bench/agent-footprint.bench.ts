/**
 * `npm run bench:agent-footprint` — memory and CPU of an idle, connected agent.
 *
 * Starts a real control plane (its own process, on a throwaway embedded
 * PostgreSQL) and a real agent process with the example code locations, waits
 * until the control plane lists the agent as connected and the agent has
 * settled (BENCH_SETTLE_SECONDS, default 5), then samples the agent's resident
 * memory (/proc/<pid>/status VmRSS) and CPU (/proc/<pid>/stat utime+stime)
 * over BENCH_SECONDS (default 10) of idling. The agent is measured twice:
 *  - as in development: `node --import tsx apps/agent/src/main.ts`;
 *  - as the image runs it (deploy/docker/agent.Dockerfile): the bundle built by
 *    deploy/docker/bundle-agent.mjs, on plain `node`.
 * Baseline of each, same run: a bare node process with the same runtime flags
 * (`--import tsx`, resp. none) running an empty timer, sampled the same way.
 * rss = the largest sample. Last line (the image form):
 * `agent rss_mb=… idle_cpu_pct=…`. Target: rss_mb < 80 (exit code 1 when missed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { r2, seedBenchTenant, startBenchDatabase } from './support/bench-env';
import { startBenchControlPlane, startChildProcess } from './support/child-process';
import { sampleIdle, type IdleSample } from './support/proc-sampler';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
/** Time given after connecting (code locations reported, first heartbeats, lazy loading) before sampling. */
const SETTLE_SECONDS = Number(process.env['BENCH_SETTLE_SECONDS'] ?? 5);
const TARGET_RSS_MB = 80;
const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = ['--import', 'tsx'];
/** Node flags of the agent image's ENTRYPOINT (deploy/docker/agent.Dockerfile): none (--enable-source-maps would add ~6 MB). */
const IMAGE_NODE_ARGS: string[] = [];

const db = await startBenchDatabase();
const tenant = await seedBenchTenant(db.prisma, []);
const cp = await startBenchControlPlane(db.appUrl);
const work = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-footprint-'));
const max = (s: IdleSample) => Math.max(...s.rssMb);
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

async function agentConnected(name: string): Promise<boolean> {
  const res = await fetch(`${cp.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiToken}` },
    body: JSON.stringify({ query: '{ agents { name connected } }' }),
  });
  const body = (await res.json()) as { data?: { agents: { name: string; connected: boolean }[] } };
  return body.data?.agents.some((a) => a.name === name && a.connected) ?? false;
}

/** Starts an agent from `entry` with `nodeArgs`, waits until it is connected and settled, samples it idling. */
async function measureAgent(name: string, entry: string, nodeArgs: string[]): Promise<IdleSample> {
  const agent = startChildProcess(name, entry, {
    GANTRY_CONTROL_PLANE_GRPC: cp.grpcAddress,
    GANTRY_AGENT_TOKEN: tenant.agentToken,
    GANTRY_AGENT_NAME: name,
    GANTRY_AGENT_STATE_DIR: path.join(work, name),
    GANTRY_CODE_LOCATIONS: [path.join(ROOT, 'examples/flights/gantry.yaml'), path.join(ROOT, 'examples/python-weather/gantry.yaml')].join(','),
    GANTRY_LOG_LEVEL: 'info',
  }, nodeArgs);
  const started = performance.now();
  for (const deadline = Date.now() + 60_000; !(await agentConnected(name)); ) {
    if (Date.now() > deadline) throw new Error(`${name} did not connect within 60 s; see .gantry/bench-logs/${name}.log`);
    await sleep(0.1);
  }
  console.log(`bench: ${name} connected ${r2((performance.now() - started) / 1000)} s after its start; settling ${SETTLE_SECONDS} s, sampling ${SECONDS} s`);
  await sleep(SETTLE_SECONDS);
  const sample = await sampleIdle(agent.pid, SECONDS);
  if (!(await agentConnected(name))) throw new Error(`${name} disconnected while it was measured`);
  await agent.stop();
  return sample;
}

/** A bare node process with `nodeArgs` running an empty timer, sampled like the agent. */
async function measureBareNode(name: string, nodeArgs: string[]): Promise<IdleSample> {
  const script = path.join(work, `${name}.mjs`);
  writeFileSync(script, 'setInterval(() => undefined, 60_000);\n');
  const bare = startChildProcess(name, script, {}, nodeArgs);
  await sleep(SETTLE_SECONDS);
  const sample = await sampleIdle(bare.pid, SECONDS);
  await bare.stop();
  return sample;
}

// As in development: TypeScript through the tsx loader.
const devAgent = await measureAgent('agent-tsx', path.join(ROOT, 'apps/agent/src/main.ts'), TSX);
const devBare = await measureBareNode('bare-node-tsx', TSX);

// As the image runs it: the esbuild bundle on plain node.
const bundle = execFileSync(process.execPath, [path.join(ROOT, 'deploy/docker/bundle-agent.mjs'), ROOT], { encoding: 'utf8' }).trim();
const imageAgent = await measureAgent('agent-bundled', bundle, IMAGE_NODE_ARGS);
const imageBare = await measureBareNode('bare-node', IMAGE_NODE_ARGS);

await cp.stop();
await db.close();

console.log(`dev   agent (node --import tsx) rss_mb=${r2(max(devAgent))} idle_cpu_pct=${r2(devAgent.cpuPct)}; baseline node --import tsx rss_mb=${r2(max(devBare))} idle_cpu_pct=${r2(devBare.cpuPct)}; ratio_rss=${r2(max(devAgent) / max(devBare))}`);
console.log(`image agent (bundled, plain node) baseline node rss_mb=${r2(max(imageBare))} idle_cpu_pct=${r2(imageBare.cpuPct)}; ratio_rss=${r2(max(imageAgent) / max(imageBare))} over_baseline_mb=${r2(max(imageAgent) - max(imageBare))}`);
console.log(`agent rss_mb=${r2(max(imageAgent))} idle_cpu_pct=${r2(imageAgent.cpuPct)}`);
process.exit(max(imageAgent) < TARGET_RSS_MB ? 0 : 1);

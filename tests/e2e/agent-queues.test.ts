/**
 * Several agents on one queue: two real agents (one in-process, one a real
 * `apps/agent` process) serve the `shared` queue of one code location and
 * share many runs; the process agent is SIGKILLed mid-way (no graceful stop).
 * Every run ends and runs exactly once: the runs the killed agent held fail by
 * lease expiry (nobody runs them a second time), every other run succeeds,
 * and the surviving agent keeps taking new work.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startStack, waitForAsset, writeCodeLocation, type Stack } from './support/stack';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LEASE_TTL_MS = 2_000;
const RUNS = 16;

const WORK = `
import { appendFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
const decode = (v) => JSON.parse(inflateSync(Buffer.from(v, 'base64')).toString());
const out = decode(process.env.DAGSTER_PIPES_MESSAGES).path;
const send = (method, params) => appendFileSync(out, JSON.stringify({ __dagster_pipes_version: '0.1', method, params }) + '\\n');
send('opened', { extras: {} });
await new Promise((r) => setTimeout(r, 1200));
send('report_asset_materialization', { asset_key: 'shared/asset', data_version: null, metadata: {} });
send('closed', {});
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two agents on one queue; one is killed mid-way', () => {
  let stack: Stack;
  let agentB: ChildProcess | undefined;
  let bOutput = '';

  before(async () => {
    const location = writeCodeLocation(
      `name: shared\ndeployment: prod\nqueue: shared\ncommand: ["${process.execPath}", "work.mjs"]\nassets:\n  - key: shared/asset\n`,
      { 'work.mjs': WORK },
    );
    stack = await startStack([location], { leaseTtlMs: LEASE_TTL_MS }, { name: 'agent-a', queues: ['shared'], maxConcurrentRuns: 3 });
    agentB = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps/agent/src/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        GANTRY_CONTROL_PLANE_GRPC: stack.cp.grpcAddress,
        GANTRY_AGENT_TOKEN: stack.agentToken,
        GANTRY_AGENT_NAME: 'agent-b',
        GANTRY_AGENT_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'gantry-e2e-agent-b-')),
        GANTRY_CODE_LOCATIONS: location,
        GANTRY_AGENT_QUEUES: 'shared',
        GANTRY_AGENT_MAX_RUNS: '3',
        GANTRY_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agentB.stdout?.on('data', (c: Buffer) => (bOutput += c.toString()));
    agentB.stderr?.on('data', (c: Buffer) => (bOutput += c.toString()));
    await waitForAsset(stack, 'shared/asset');
    for (const deadline = Date.now() + 60_000; ; ) {
      const agents = await stack.prisma.agent.findMany({ where: { orgId: stack.orgId, connected: true } });
      if (agents.length === 2) {
        assert.deepEqual(agents.map((a) => a.queues), [['shared'], ['shared']]);
        break;
      }
      if (Date.now() > deadline) throw new Error(`agent-b never connected:\n${bOutput.slice(-2000)}`);
      await sleep(100);
    }
  });

  after(async () => {
    if (agentB && agentB.exitCode === null && agentB.signalCode === null) agentB.kill('SIGKILL');
    await stack?.close();
  });

  const launch = async (): Promise<string> =>
    (await stack.gql<{ launchRun: { id: string } }>('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', { input: { assetKeys: ['shared/asset'] } })).launchRun.id;

  test('every run ends and runs exactly once; the killed agent\'s held runs fail by lease expiry; the other agent keeps going', async () => {
    const [a, b] = await Promise.all(['agent-a', 'agent-b'].map((name) => stack.prisma.agent.findFirstOrThrow({ where: { orgId: stack.orgId, name } })));
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) ids.push(await launch());
    const codeLocation = await stack.prisma.codeLocation.findFirstOrThrow({ where: { orgId: stack.orgId, name: 'shared' } });
    assert.equal(codeLocation.queue, 'shared');

    // Mid-way: both agents have work, some runs are done.
    for (const deadline = Date.now() + 60_000; ; ) {
      const runs = await stack.prisma.run.findMany({ where: { id: { in: ids } } });
      const bHolds = runs.filter((r) => r.agentId === b!.id && r.status === 'STARTED').length;
      const done = runs.filter((r) => r.status === 'SUCCESS').length;
      if (bHolds > 0 && done >= 2) break;
      if (Date.now() > deadline) throw new Error(`never reached mid-way: ${JSON.stringify(runs.map((r) => [r.status, r.agentId]))}`);
      await sleep(50);
    }
    agentB!.kill('SIGKILL');
    await new Promise((r) => (agentB!.exitCode !== null || agentB!.signalCode !== null ? r(null) : agentB!.once('exit', r)));

    const atKill = await stack.prisma.run.findMany({ where: { id: { in: ids } } });
    const heldByB = atKill.filter((r) => r.agentId === b!.id && ['STARTING', 'STARTED', 'CANCELING'].includes(r.status)).map((r) => r.id);
    const doneByB = atKill.filter((r) => r.agentId === b!.id && r.status === 'SUCCESS').map((r) => r.id);
    assert.ok(heldByB.length > 0, 'agent-b held runs when it was killed');

    // The surviving agent keeps taking new work.
    const later: string[] = [];
    for (let i = 0; i < 4; i++) later.push(await launch());

    const all = [...ids, ...later];
    for (const id of all) await stack.waitForRun(id, 90_000);
    const final = new Map((await stack.prisma.run.findMany({ where: { id: { in: all } } })).map((r) => [r.id, r]));
    const started = await stack.prisma.runEvent.groupBy({ by: ['runId'], where: { runId: { in: all }, type: 'RUN_STARTED' }, _count: { _all: true } });
    const startedCount = new Map(started.map((g) => [g.runId, g._count._all]));

    for (const id of heldByB) {
      const r = final.get(id)!;
      // Events the agent sent just before the kill may still be committing when the snapshot was taken:
      // such a run ends SUCCESS; every other held run fails by lease expiry. Either way, on agent-b only.
      if (r.status !== 'SUCCESS') {
        assert.equal(r.status, 'FAILURE', `run ${id} held by the killed agent`);
        assert.match(r.failureReason ?? '', /^lease expired:/);
      }
      assert.equal(r.agentId, b!.id, 'nobody took over a run the killed agent held');
      assert.ok((startedCount.get(id) ?? 0) <= 1, `run ${id} started at most once`);
    }
    for (const id of all.filter((x) => !heldByB.includes(x))) {
      const r = final.get(id)!;
      assert.equal(r.status, 'SUCCESS', `run ${id} not held by the killed agent: ${r.failureReason}`);
      assert.equal(startedCount.get(id), 1, `run ${id} ran exactly once`);
      assert.ok(r.agentId === a!.id || doneByB.includes(id), `run ${id} ran on agent-a, or on agent-b before the kill`);
    }
    for (const id of later) assert.equal(final.get(id)!.agentId, a!.id, 'runs launched after the kill go to the surviving agent');
    const byA = all.filter((id) => final.get(id)!.agentId === a!.id).length;
    const byB = all.filter((id) => final.get(id)!.agentId === b!.id).length;
    assert.ok(byA > 0 && byB > 0, `both agents shared the queue (${byA} / ${byB})`);
    assert.equal(byA + byB, all.length);
  });
});

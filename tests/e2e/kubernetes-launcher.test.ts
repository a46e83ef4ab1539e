/**
 * End to end with the Kubernetes launcher against a SIMULATED Kubernetes API
 * server (no real cluster can run here): a run launched through GraphQL is
 * pulled by a real agent over gRPC, becomes a Job on the simulated API server,
 * whose pod log is the output of a real Pipes process; its logs and
 * materializations land in the control plane's database. Then an agent
 * restart in the middle of a run: the new agent adopts the Job and the run
 * ends SUCCESS exactly once, with one unbroken event sequence.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { KubernetesRunLauncher, startAgent, startSimulatedApiServer, type RunningAgent, type SimulatedApiServer } from '@gantry/agent';
import { startStack, waitForAsset, writeCodeLocation, type Stack } from './support/stack';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONTAINER_SCRIPT = path.join(ROOT, 'apps/agent/src/launchers/kubernetes/testing/pipes-container.ts');
const IMAGE = 'registry.example/pipes-job:e2e';

function yaml(name: string, scenario: string[]): string {
  return [
    `name: ${name}`,
    'deployment: prod',
    `command: ${JSON.stringify([process.execPath, '--import', 'tsx', CONTAINER_SCRIPT, ...scenario])}`,
    'timeoutSeconds: 300',
    'kubernetes:',
    `  image: ${IMAGE}`,
    '  ttlSecondsAfterFinished: 600',
    'assets:',
    `  - key: ${name}/first`,
    `  - key: ${name}/second`,
    '',
  ].join('\n');
}

describe('end to end: kubernetes launcher (simulated API server) → gRPC → control plane', () => {
  let stack: Stack;
  let sim: SimulatedApiServer;
  const agents: RunningAgent[] = [];
  const launcher = () =>
    new KubernetesRunLauncher({ kubeConfig: sim.kubeConfig(), namespace: 'runs', runDefaults: {}, agentName: 'e2e-agent', logger: pino({ level: 'silent' }) });

  before(async () => {
    sim = await startSimulatedApiServer({ terminationGraceMs: 1000 });
    sim.images.set(IMAGE, { cwd: ROOT });
    const quick = writeCodeLocation(yaml('quick', ['materialize']), {});
    const slow = writeCodeLocation(yaml('slow', ['sleep', '4000']), {});
    stack = await startStack([quick, slow], {}, { launcher: launcher() });
    await waitForAsset(stack, 'slow/second');
  });

  after(async () => {
    for (const a of agents) await a.stop();
    await stack?.close();
    await sim?.close();
  });

  async function launch(keys: string[]): Promise<string> {
    const { launchRun } = await stack.gql<{ launchRun: { id: string } }>('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', { input: { assetKeys: keys } });
    return launchRun.id;
  }

  async function storedEvents(runId: string) {
    return stack.prisma.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
  }

  test('simulated API server: a run becomes a Job whose pod-log Pipes messages arrive as logs and materializations in the control plane', async () => {
    const runId = await launch(['quick/first', 'quick/second']);
    const run = await stack.waitForRun(runId, 60_000);
    assert.equal(run.status, 'SUCCESS', `run failed: ${run.failureReason}`);
    const mats = await stack.prisma.materialization.findMany({ where: { runId } });
    assert.equal(mats.length, 2, 'one materialization per asset');
    const events = await storedEvents(runId);
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), 'events numbered 1..n without gaps');
    assert.deepEqual(events.filter((e) => e.type === 'LOG').map((e) => e.message), ['working', 'done']);
    assert.ok(events.some((e) => e.type === 'COMPUTE_LOG' && (e.message ?? '').includes('plain stdout line')), 'the compute log is the pod log');
    const job = [...sim.jobs.values()].find((j) => j.metadata?.annotations?.['gantry.dev/run-id'] === runId);
    assert.equal(job?.metadata?.namespace, 'runs');
    assert.equal(job.metadata.labels?.['gantry.dev/organization'], stack.orgId, 'the Job names the organization');
    assert.equal(job.metadata.labels['gantry.dev/code-location'], 'quick');
  });

  test('simulated API server: the agent crashes mid-run; the restarted agent adopts the Job and the run ends SUCCESS exactly once', async () => {
    const runId = await launch(['slow/first', 'slow/second']);
    for (const deadline = Date.now() + 30_000; !(await storedEvents(runId)).some((e) => e.type === 'LOG' && e.message === 'working'); ) {
      if (Date.now() > deadline) throw new Error('the run never started working');
      await new Promise((r) => setTimeout(r, 50));
    }
    stack.agent.kill();
    const jobsBefore = sim.jobs.size;

    agents.push(await startAgent({ ...stack.agentOptions, launcher: launcher() }));
    const run = await stack.waitForRun(runId, 60_000);
    assert.equal(run.status, 'SUCCESS', `run failed: ${run.failureReason}`);
    assert.equal(sim.jobs.size, jobsBefore, 'no second Job: the run was adopted, not relaunched');
    const events = await storedEvents(runId);
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), 'one unbroken sequence across the restart');
    assert.equal(events.filter((e) => ['RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED'].includes(e.type)).length, 1, 'exactly one terminal event');
    assert.equal(events.at(-1)!.type, 'RUN_SUCCESS');
    assert.deepEqual(events.filter((e) => e.type === 'LOG').map((e) => e.message), ['working', 'done'], 'no log line lost or repeated');
    assert.equal(events.filter((e) => e.type === 'RUN_STARTED').length, 1);
    assert.equal((await stack.prisma.materialization.findMany({ where: { runId } })).length, 2);
  });
});

/**
 * Agent restarts with the Kubernetes launcher against a SIMULATED Kubernetes
 * API server and a scripted control-plane peer (real gRPC on loopback, real
 * on-disk spool): runs outlive the agent and the next agent adopts them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import type { WireRunEvent__Output } from '@gantry/proto';
import { startAgent, type RunningAgent } from '../../agent';
import { startScriptedControlPlane, type ScriptedControlPlane } from '../../testing/scripted-control-plane';
import { KubernetesRunLauncher } from './kubernetes-launcher';
import { jobNameFor } from './labels';
import { startSimulatedApiServer, type SimulatedApiServer } from './testing/simulated-api-server';

const ROOT = path.resolve(import.meta.dirname, '../../../../..');
const CONTAINER_SCRIPT = path.join(import.meta.dirname, 'testing/pipes-container.ts');
const IMAGE = 'registry.example/pipes-job:adopt';

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Setup {
  p: ScriptedControlPlane;
  sim: SimulatedApiServer;
  stateDir: string;
  start(): Promise<RunningAgent>;
}

async function setup(scenario: string[], namespace?: string): Promise<Setup> {
  const p = await startScriptedControlPlane();
  const sim = await startSimulatedApiServer({ terminationGraceMs: 1000 });
  sim.images.set(IMAGE, { cwd: ROOT });
  cleanups.push(() => p.close(), () => sim.close());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-k8s-loc-'));
  const yamlPath = path.join(dir, 'gantry.yaml');
  writeFileSync(
    yamlPath,
    [
      'name: scripted',
      'deployment: prod',
      `command: ${JSON.stringify([process.execPath, '--import', 'tsx', CONTAINER_SCRIPT, ...scenario])}`,
      'kubernetes:',
      `  image: ${IMAGE}`,
      ...(namespace ? [`  namespace: ${namespace}`] : []),
      'assets: [{ key: demo/a }, { key: demo/b }]',
      '',
    ].join('\n'),
  );
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-k8s-state-'));
  const start = async () => {
    const agent = await startAgent({
      controlPlaneAddress: p.address,
      token: p.token,
      name: 'cluster-agent',
      stateDir,
      codeLocationPaths: [yamlPath],
      logLevel: 'silent',
      launcher: new KubernetesRunLauncher({ kubeConfig: sim.kubeConfig(), namespace: 'default', runDefaults: {}, agentName: 'cluster-agent', logger: pino({ level: 'silent' }) }),
    });
    cleanups.push(() => agent.stop());
    return agent;
  };
  return { p, sim, stateDir, start };
}

const assign = (p: ScriptedControlPlane, runId: string) =>
  p.assign({ runId, deployment: 'prod', codeLocation: 'scripted', codeLocationVersion: 1, assetKeys: ['demo/a', 'demo/b'], storedSeq: 0 });
const isTerminal = (e: WireRunEvent__Output) => e.type === 'RUN_SUCCESS' || e.type === 'RUN_FAILURE' || e.type === 'RUN_CANCELED';
const hasTerminal = (p: ScriptedControlPlane, runId: string) => p.eventsOf(runId).some(isTerminal);

describe('kubernetes launcher: agent restarts (simulated API server, scripted control-plane peer)', () => {
  test('simulated API server: a gracefully stopped agent leaves the Job running; the next agent adopts it (after a log rotation) and the run ends RUN_SUCCESS once', async () => {
    // The location's own namespace, not the agent's: the next agent finds the Job through the spooled position.
    const { p, sim, start } = await setup(['sleep', '3000'], 'team-a');
    const first = await start();
    await p.waitFor('hello', () => p.connected);
    assign(p, 'adopt-graceful');
    await p.waitFor('working', () => p.eventsOf('adopt-graceful').some((e) => e.type === 'LOG' && e.message === 'working'), 30_000);
    await first.stop();
    assert.deepEqual(sim.deletes, [], 'stopping the agent deletes no Job');
    assert.ok(sim.jobs.has(`team-a/${jobNameFor('adopt-graceful')}`), 'the Job keeps running in the location\'s namespace');
    assert.ok(!hasTerminal(p, 'adopt-graceful'), 'no terminal event from the stopping agent');

    // The kubelet rotated the log while no agent ran: resuming must not depend on byte offsets.
    sim.rotateLog(sim.podOf(jobNameFor('adopt-graceful'))!.metadata!.name!, 'team-a');
    const hellos = p.hellos.length;
    await start();
    await p.waitFor('terminal', () => hasTerminal(p, 'adopt-graceful'), 30_000);
    assert.ok(p.hellos[hellos]!.runningRunIds.includes('adopt-graceful'), 'the new Hello names the adopted run, so its lease is renewed');
    const events = p.eventsOf('adopt-graceful');
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), 'seq continues without gaps or collisions');
    assert.equal(events.filter(isTerminal).length, 1);
    assert.equal(events.at(-1)!.type, 'RUN_SUCCESS');
    assert.deepEqual(events.filter((e) => e.type === 'LOG').map((e) => e.message), ['working', 'done']);
    assert.deepEqual(events.filter((e) => e.type === 'ASSET_MATERIALIZATION').map((e) => e.assetKey), ['demo/a', 'demo/b']);
    assert.equal(events.filter((e) => e.type === 'RUN_STARTED').length, 1, 'an adopted run is not started again');
  });

  test('simulated API server: a Job deleted while no agent ran fails its run on restart with a clear reason', async () => {
    const { p, sim, start } = await setup(['sleep', '60000']);
    const first = await start();
    await p.waitFor('hello', () => p.connected);
    assign(p, 'lost-job');
    await p.waitFor('working', () => p.eventsOf('lost-job').some((e) => e.type === 'LOG' && e.message === 'working'), 30_000);
    first.kill();
    const jobName = jobNameFor('lost-job');
    sim.jobs.delete(`default/${jobName}`);
    sim.deletePod(sim.podOf(jobName)!.metadata!.name!);

    await start();
    await p.waitFor('terminal', () => hasTerminal(p, 'lost-job'), 30_000);
    const end = p.eventsOf('lost-job').at(-1)!;
    assert.equal(end.type, 'RUN_FAILURE');
    assert.match(end.message, /the agent restarted while the run was executing and could not find it again on the kubernetes platform/);
  });

  test('simulated API server: a Job of this agent that the spool does not know is left alone', async () => {
    const { p, sim, stateDir, start } = await setup(['sleep', '3000']);
    const first = await start();
    await p.waitFor('hello', () => p.connected);
    assign(p, 'orphan');
    await p.waitFor('working', () => p.eventsOf('orphan').some((e) => e.type === 'LOG' && e.message === 'working'), 30_000);
    first.kill();
    // A new state dir: the spool of the first agent is gone (an emptyDir lost with its pod).
    rmSync(stateDir, { recursive: true, force: true });
    const received = p.received.length;
    await start();
    await p.waitFor('connected again', () => p.connected);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(p.received.slice(received).filter((e) => e.runId === 'orphan').length, 0, 'no events for a run whose numbering the agent cannot know');
    assert.deepEqual(sim.deletes, [], 'the Job is not deleted');
  });
});

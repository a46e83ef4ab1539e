/**
 * Agent restarts with the ECS launcher against moto (real ECS and CloudWatch
 * Logs APIs on loopback) and a scripted control-plane peer (real gRPC, real
 * on-disk spool). moto runs no containers: the test replays the real Pipes
 * client's output into CloudWatch in two parts, around the restart, and stops
 * the task itself.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import type { WireRunEvent__Output } from '@gantry/proto';
import { startAgent, type RunningAgent } from '../../agent';
import { MOTO_REGION, startMotoServer, type MotoServer } from '../../testing/moto-server';
import { startScriptedControlPlane, type ScriptedControlPlane } from '../../testing/scripted-control-plane';
import { EcsLauncher } from './ecs-launcher';
import { ContainerStandIn, type LogPlace } from './testing/container-stand-in';

const CLUSTER = 'gantry-adopt';
let moto: MotoServer;
let standIn: ContainerStandIn;
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  moto = await startMotoServer();
  await moto.holdTasksRunning();
  await moto.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  standIn = new ContainerStandIn(moto, CLUSTER);
});

after(async () => {
  for (const c of cleanups.reverse()) await c();
  await moto?.stop();
});

const isTerminal = (e: WireRunEvent__Output) => e.type === 'RUN_SUCCESS' || e.type === 'RUN_FAILURE' || e.type === 'RUN_CANCELED';

describe('ECS launcher: agent restarts against moto (container output replayed into CloudWatch)', () => {
  test('a gracefully stopped agent leaves the task running; the next agent adopts it and the run ends RUN_SUCCESS once, output neither repeated nor lost', async () => {
    const p: ScriptedControlPlane = await startScriptedControlPlane();
    cleanups.push(() => p.close());
    const network = await moto.defaultNetwork();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-ecs-loc-'));
    const yamlPath = path.join(dir, 'gantry.yaml');
    writeFileSync(
      yamlPath,
      ['name: scripted', 'deployment: prod', 'command: ["node", "pipeline.ts"]', 'ecs:', '  image: registry.example.com/pipes:1', 'assets: [{ key: demo/a }, { key: demo/b }]', ''].join('\n'),
    );
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-ecs-state-'));
    const start = async (): Promise<RunningAgent> => {
      const agent = await startAgent({
        controlPlaneAddress: p.address,
        token: p.token,
        name: 'ecs-agent',
        stateDir,
        codeLocationPaths: [yamlPath],
        logLevel: 'silent',
        launcher: new EcsLauncher({
          cluster: CLUSTER,
          region: MOTO_REGION,
          runDefaults: { subnets: [network.subnetId], securityGroups: [network.securityGroupId] },
          pollIntervalMs: 100,
          logSettleMs: 200,
          clients: { ecs: moto.ecs, logs: moto.logs },
        }),
      });
      cleanups.push(() => agent.stop());
      return agent;
    };

    const first = await start();
    await p.waitFor('hello', () => p.connected);
    p.assign({ runId: 'ecs-adopt', deployment: 'prod', codeLocation: 'scripted', codeLocationVersion: 1, assetKeys: ['demo/a', 'demo/b'], storedSeq: 0 });
    await p.waitFor('RUN_STARTED', () => p.eventsOf('ecs-adopt').some((e) => e.type === 'RUN_STARTED'), 30_000);
    const started = JSON.parse(p.eventsOf('ecs-adopt').find((e) => e.type === 'RUN_STARTED')?.payloadJson ?? '{}') as LogPlace;
    const taskArn = String(started['taskArn']);
    const task = await standIn.describeTask(taskArn);
    assert.deepEqual(Object.fromEntries((task.tags ?? []).map((t) => [t.key, t.value]))['gantry.organization'], 'org-1', 'tagged with the organization of the Welcome');

    const lines = await standIn.realClientStdout(taskArn, 'parity');
    const cut = lines.findIndex((l) => l.includes('report_asset_materialization')) + 1;
    assert.ok(cut > 0 && cut < lines.length);
    await standIn.replayIntoCloudWatch(started, lines.slice(0, cut));
    await p.waitFor('the first materialization', () => p.eventsOf('ecs-adopt').some((e) => e.type === 'ASSET_MATERIALIZATION'), 30_000);
    await first.stop();
    assert.equal((await standIn.describeTask(taskArn)).desiredStatus, 'RUNNING', 'stopping the agent does not stop the task');
    assert.ok(!p.eventsOf('ecs-adopt').some(isTerminal), 'no terminal event from the stopping agent');

    // The container goes on while no agent follows it.
    await standIn.replayIntoCloudWatch(started, lines.slice(cut));
    await standIn.stopAsEcs(taskArn, 'Essential container in task exited');
    const unfollowedUntil = Date.now();
    await start();
    await p.waitFor('terminal', () => p.eventsOf('ecs-adopt').some(isTerminal), 30_000);
    const events = p.eventsOf('ecs-adopt');
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), 'seq continues without gaps or collisions');
    assert.equal(events.filter(isTerminal).length, 1);
    assert.equal(events.at(-1)?.type, 'RUN_SUCCESS');
    assert.equal(events.at(-2)?.type, 'RUN_RESOURCE_USAGE', 'the adopted run is priced too, just before its terminal event');
    assert.equal(events.filter((e) => e.type === 'RUN_RESOURCE_USAGE').length, 1, 'the stopping agent sent no usage');
    const usage = JSON.parse(events.at(-2)!.payloadJson) as { launcher: string; basis: string; cpuSeconds: number; memoryGbSeconds: number; wallSeconds: number };
    assert.equal(usage.launcher, 'ecs');
    assert.equal(usage.basis, 'reserved');
    // The default task size: 1024 CPU units, 2048 MiB.
    assert.ok(Math.abs(usage.cpuSeconds - usage.wallSeconds) < 1e-5 && Math.abs(usage.memoryGbSeconds - 2 * usage.wallSeconds) < 1e-5, JSON.stringify(usage));
    // moto's tasks carry no startedAt, so the duration counts from the adoption here (with real ECS: from the task's startedAt).
    assert.ok(usage.wallSeconds > 0 && usage.wallSeconds < (Date.now() - unfollowedUntil) / 1000 + 1, JSON.stringify(usage));
    assert.deepEqual(events.filter((e) => e.type === 'ASSET_MATERIALIZATION').map((e) => e.assetKey), ['demo/a', 'demo/b'], 'each materialization once');
    assert.equal(events.filter((e) => e.type === 'RUN_STARTED').length, 1, 'an adopted run is not started again');
  });
});

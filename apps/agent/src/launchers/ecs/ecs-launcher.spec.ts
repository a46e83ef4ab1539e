/**
 * The ECS launcher against moto (a real, independent emulator of the ECS,
 * CloudWatch Logs and EC2 APIs) on 127.0.0.1, through the real AWS SDK.
 *
 * moto runs no containers. Where a test needs a container's output, it runs
 * the real TypeScript Pipes client (libs/pipes client-fixture.ts) with exactly
 * the environment the launcher put into the task's container overrides, and
 * replays its stdout into the task's CloudWatch stream with PutLogEvents, as
 * the awslogs driver would; it then stops the task with StopTask and the
 * reason ECS would give. Test names say so.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, ListTaskDefinitionsCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import type { CodeLocationDefinition, EcsRunSettings } from '@gantry/code-location';
import { createPipesContextData, decodePipesParams, parsePipesMessageLine, PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV } from '@gantry/pipes';
import { pino } from 'pino';
import { EventSequencer, type AgentRunEvent } from '../../runs/event-sequencer';
import { RunExecutor, type RunOutcome } from '../../runs/run-executor';
import { parsePriceTable, priceReservation, type PriceTable } from '../../cost/price-table';
import { fromNano, toNano, type ResourceUsagePayload } from '@gantry/domain';
import { MOTO_CREDENTIALS, MOTO_REGION, startMotoServer, type MotoServer } from '../../testing/moto-server';
import type { LaunchedRun, RunLaunchRequest } from '../run-launcher';
import { EcsLaunchError, EcsSettingsError } from './ecs-errors';
import { ContainerStandIn, containerEnv, type LogPlace } from './testing/container-stand-in';
import { EcsLauncher, type EcsLauncherOptions } from './ecs-launcher';
import { taskDefinitionFamily } from './task-definition';
import { testAssignment, until } from '../../testing/run-assignment';

const CLUSTER = 'gantry-runs';
const ORG = 'org-acme';

let moto: MotoServer;
let standIn: ContainerStandIn;
let network: { subnetId: string; securityGroupId: string };

before(async () => {
  moto = await startMotoServer();
  standIn = new ContainerStandIn(moto, CLUSTER);
  await moto.holdTasksRunning();
  await moto.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  network = await moto.defaultNetwork();
});

after(async () => {
  await moto?.stop();
});

function launcher(overrides: Partial<EcsLauncherOptions> = {}): EcsLauncher {
  return new EcsLauncher({
    cluster: CLUSTER,
    region: MOTO_REGION,
    runDefaults: { subnets: [network.subnetId], securityGroups: [network.securityGroupId] },
    organization: () => ORG,
    pollIntervalMs: 100,
    logSettleMs: 200,
    // A run a failed test left behind stops polling soon after moto is gone, so the file still ends.
    giveUpAfterMs: 5_000,
    clients: { ecs: moto.ecs, logs: moto.logs },
    ...overrides,
  });
}

let counter = 0;

function location(name: string, ecs: EcsRunSettings | undefined = { image: 'registry.example.com/flights:1.4.2' }): CodeLocationDefinition {
  return {
    name,
    deployment: 'prod',
    command: ['node', '--import', 'tsx', 'pipeline.ts'],
    workingDirectory: '/srv/flights',
    env: { TZ: 'UTC', DUCKDB_THREADS: '2' },
    timeoutSeconds: 600,
    assets: ['demo/a', 'demo/b'].map((key) => ({ keyPath: key.split('/'), key, group: 'default', owners: [], kinds: [], tags: {}, deps: [], checks: [] })),
    ...(ecs !== undefined && { ecs }),
  };
}

function request(loc: CodeLocationDefinition, version = 1): RunLaunchRequest {
  counter += 1;
  const runId = `run-${process.pid}-${counter}`;
  return {
    runId,
    deployment: loc.deployment,
    codeLocation: loc.name,
    codeLocationVersion: version,
    location: loc,
    assetKeys: ['demo/a', 'demo/b'],
    context: createPipesContextData({ run_id: runId, asset_keys: ['demo/a', 'demo/b'], extras: { gantry_run_id: runId, deployment: loc.deployment, code_location: loc.name } }),
    runDir: path.join('/tmp', runId),
  };
}

function collectOutput(run: LaunchedRun): () => string {
  let text = '';
  run.onOutput((stream, chunk) => {
    assert.equal(stream, 'stdout');
    text += chunk.toString('utf8');
  });
  return () => text;
}

describe('ECS launcher against moto (no containers run: their output is replayed into CloudWatch and the test stops the tasks)', () => {
  test('registers one task definition per code location version and reuses it, also from a new launcher', async () => {
    const loc = location('versions');
    const family = taskDefinitionFamily({ organization: ORG, deployment: 'prod', codeLocation: 'versions' });
    const first = launcher();
    const a = await first.launch(request(loc, 1));
    const b = await first.launch(request(loc, 1));
    const restarted = await launcher().launch(request(loc, 1));
    const revisions = async () => (await moto.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }))).taskDefinitionArns ?? [];
    assert.equal((await revisions()).length, 1, 'three launches of version 1 register one revision');
    assert.equal(a.details['taskDefinitionArn'], b.details['taskDefinitionArn']);
    assert.equal(a.details['taskDefinitionArn'], restarted.details['taskDefinitionArn']);
    const v2 = await first.launch(request(loc, 2));
    assert.equal((await revisions()).length, 2, 'version 2 registers a second revision');
    assert.match(String(v2.details['taskDefinitionArn']), new RegExp(`task-definition/${family}:2$`));
    for (const r of [a, b, restarted, v2]) await r.stop(false);
    await Promise.all([a, b, restarted, v2].map((r) => r.exited));
  });

  test('RunTask overrides (command, env with the Pipes bootstrap, cpu, memory), network and tags are visible through DescribeTasks', async () => {
    const loc = location('overrides', { image: 'registry.example.com/flights:1.4.2', cpu: 512, memory: 1024, assignPublicIp: true });
    const req = request(loc);
    const run = await launcher().launch(req);
    const task = await standIn.describeTask(run.handle);
    assert.equal(task.launchType, 'FARGATE');
    assert.equal(task.startedBy, 'gantry-agent');
    assert.equal(task.overrides?.cpu, '512');
    assert.equal(task.overrides?.memory, '1024');
    const container = task.overrides?.containerOverrides?.[0];
    assert.equal(container?.name, 'run');
    assert.deepEqual(container?.command, ['node', '--import', 'tsx', 'pipeline.ts']);
    assert.equal(container?.cpu, 512);
    assert.equal(container?.memory, 1024);
    const env = containerEnv(task);
    assert.equal(env['TZ'], 'UTC');
    assert.equal(env['DUCKDB_THREADS'], '2');
    assert.equal(env['GANTRY_RUN_ID'], req.runId);
    assert.deepEqual(decodePipesParams(env[PIPES_CONTEXT_ENV] ?? ''), { data: req.context });
    assert.deepEqual(decodePipesParams(env[PIPES_MESSAGES_ENV] ?? ''), { stdio: 'stdout' });
    const detail = (name: string) => task.attachments?.[0]?.details?.find((d) => d.name === name)?.value;
    assert.equal(detail('subnetId'), network.subnetId, 'the task got its network interface in the configured subnet');
    assert.deepEqual(await moto.networkInterfaceGroups(detail('networkInterfaceId') ?? ''), [network.securityGroupId], 'with the configured security group');
    const tags = Object.fromEntries((task.tags ?? []).map((t) => [t.key, t.value]));
    assert.deepEqual(tags, {
      'gantry.organization': ORG,
      'gantry.deployment': 'prod',
      'gantry.code-location': 'overrides',
      'gantry.code-location-version': '1',
      'gantry.run': req.runId,
    });
    await run.stop(false);
    await run.exited;
  });

  test('container output replayed into CloudWatch: the real Pipes client stdout comes back line by line and the run exits 0', async () => {
    const run = await launcher().launch(request(location('output')));
    const output = collectOutput(run);
    const lines = await standIn.realClientStdout(run.handle, 'interleaved');
    assert.ok(lines.length >= 5, `the client wrote messages and plain lines: ${lines.join('\n')}`);
    await standIn.replayIntoCloudWatch(run.details, lines);
    await standIn.stopAsEcs(run.handle, 'Essential container in task exited');
    const exit = await run.exited;
    assert.deepEqual(exit, { code: 0 });
    assert.equal(output(), lines.map((l) => `${l}\n`).join(''), 'every line, in order, each ending in a newline');
    const methods = lines.map((l) => parsePipesMessageLine(l)).flatMap((p) => (p.ok ? [p.message.method] : []));
    assert.deepEqual(methods, ['opened', 'log', 'report_custom_message', 'closed']);
    assert.ok(lines.includes('plain output before') && lines.includes('plain output after'));
    assert.notEqual(run.outputPosition?.(), '', 'the forward token after the last line is kept');
  });

  test('output written late (after the task stopped) is still delivered before exited resolves', async () => {
    const run = await launcher({ logSettleMs: 600 }).launch(request(location('late-output')));
    const output = collectOutput(run);
    await standIn.stopAsEcs(run.handle, 'Essential container in task exited');
    await new Promise((r) => setTimeout(r, 300));
    await standIn.replayIntoCloudWatch(run.details, ['last line shipped late by the awslogs driver']);
    await run.exited;
    assert.equal(output(), 'last line shipped late by the awslogs driver\n');
  });

  test('stop() calls StopTask with a reason naming the run; the exit carries no failure reason', async () => {
    const req = request(location('cancel'));
    const run = await launcher().launch(req);
    await run.stop(false);
    const task = await standIn.describeTask(run.handle);
    assert.equal(task.desiredStatus, 'STOPPED');
    assert.equal(task.stoppedReason, `Gantry: run ${req.runId} canceled`);
    const exit = await run.exited;
    assert.equal(exit.reason, undefined);
    await run.stop(true);
    assert.equal((await standIn.describeTask(run.handle)).stoppedReason, `Gantry: run ${req.runId} canceled (forced)`);
  });

  const stops: [string, string, RegExp][] = [
    ['CannotPullContainerError', 'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref registry.example.com/flights:1.4.2: not found', /^ECS could not pull the image registry\.example\.com\/flights:1\.4\.2 .*not found \(ECS task [0-9a-f-]+\)$/],
    ['OutOfMemoryError', 'OutOfMemoryError: Container killed due to memory usage', /^the container ran out of memory \(task memory 2048 MiB; raise ecs\.memory\): OutOfMemoryError/],
    ['ResourceInitializationError', 'ResourceInitializationError: failed to validate logger args: The specified log group does not exist.', /^ECS could not prepare the task \(check ecs\.executionRoleArn/],
    ['a StopTask by someone else', 'Task stopped by user', /^the ECS task was stopped outside Gantry: Task stopped by user/],
  ];
  for (const [name, reason, expected] of stops) {
    test(`a task stopped with ${name} ends with a clear failure reason`, async () => {
      const run = await launcher().launch(request(location(`stop-${name.replace(/\W+/g, '-').toLowerCase()}`)));
      await standIn.stopAsEcs(run.handle, reason);
      const exit = await run.exited;
      assert.match(exit.reason ?? '(no reason)', expected);
    });
  }

  test('bad settings: a missing image or missing subnets are refused before any AWS call, naming the field', async () => {
    await assert.rejects(
      launcher().launch(request(location('no-image', {}))),
      (e: unknown) => e instanceof EcsSettingsError && /code location prod\/no-image cannot run on ECS: ecs\.image is missing/.test(e.message),
    );
    await assert.rejects(
      launcher({ runDefaults: {} }).launch(request(location('no-subnets'))),
      (e: unknown) => e instanceof EcsSettingsError && /ecs\.subnets is missing: awsvpc tasks need at least one subnet/.test(e.message),
    );
  });

  test('a run whose command, env and context exceed the 8192 characters ECS allows in overrides is refused before RunTask', async () => {
    const loc = { ...location('too-big'), env: { BIG: 'x'.repeat(9000) } };
    await assert.rejects(
      launcher().launch(request(loc)),
      (e: unknown) => e instanceof EcsLaunchError && /^the container overrides of run run-\S+ are \d+ characters \(command, env and the Pipes context\); ECS accepts at most 8192/.test(e.message),
    );
  });

  test('an unknown cluster is named in the error', async () => {
    await assert.rejects(
      launcher({ cluster: 'no-such-cluster' }).launch(request(location('no-cluster'))),
      (e: unknown) => e instanceof EcsLaunchError && e.message === `ECS cluster no-such-cluster does not exist in ${MOTO_REGION} (GANTRY_ECS_CLUSTER)`,
    );
  });

  test('a subnet ECS does not know makes RunTask fail with what AWS answered', async () => {
    await assert.rejects(
      launcher({ runDefaults: { subnets: ['subnet-0000000000000dead'], securityGroups: [network.securityGroupId] } }).launch(request(location('bad-subnet'))),
      (e: unknown) => e instanceof EcsLaunchError && /^ECS refused to start run run-\S+ in cluster gantry-runs: .*subnet-0000000000000dead/.test(e.message),
    );
  });
});


describe('ECS launcher adoption against moto (output replayed into CloudWatch)', () => {
  test('a new launcher adopts a task by its gantry.run tag and resumes its output exactly after the recorded position', async () => {
    const req = request(location('adopt'));
    const first = await launcher().launch(req);
    const seen: string[] = [];
    const positions: string[] = [];
    first.onOutput((_s, chunk) => {
      seen.push(chunk.toString('utf8'));
      positions.push(first.outputPosition?.() ?? '');
    });
    await standIn.replayIntoCloudWatch(first.details, ['one', 'two']);
    await until('the first two lines', () => seen.length === 2);
    // Read with the forward token of the first page, so the position below is inside a token's page.
    await standIn.replayIntoCloudWatch(first.details, ['three', 'four']);
    await until('four lines', () => seen.length === 4);
    // The agent spooled events up to line three, then died; five is written while no agent follows.
    first.detach?.();
    await standIn.replayIntoCloudWatch(first.details, ['five']);
    const second = launcher();
    const adopted = await second.adopt(new Map([[req.runId, positions[2] ?? ''], ['run-unknown-to-ecs', '']]));
    assert.equal(adopted.length, 1, 'only the run the map names is adopted');
    const [run] = adopted;
    assert.ok(run);
    assert.deepEqual(
      { runId: run.runId, deployment: run.deployment, codeLocation: run.codeLocation, codeLocationVersion: run.codeLocationVersion, context: run.context },
      { runId: req.runId, deployment: 'prod', codeLocation: 'adopt', codeLocationVersion: 1, context: req.context },
    );
    assert.equal(run.run.handle, first.handle);
    const output = collectOutput(run.run);
    await standIn.stopAsEcs(run.run.handle, 'Essential container in task exited');
    assert.deepEqual(await run.run.exited, { code: 0 });
    assert.equal(output(), 'four\nfive\n', 'resumes after line three: nothing repeated, nothing skipped');
  });

  test('a run whose log stream stays unreadable is given up with the last error once giveUpAfterMs passed', async () => {
    const req = request(location('adopt-unreachable'));
    const started = await launcher().launch(req);
    started.detach?.();
    // CloudWatch Logs at a port nothing listens on (the one moto left after a stop would do too); one attempt per call.
    const deadLogs = new CloudWatchLogsClient({ region: MOTO_REGION, endpoint: 'http://127.0.0.1:9', credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
    const errors: unknown[] = [];
    const blind = launcher({ clients: { ecs: moto.ecs, logs: deadLogs }, giveUpAfterMs: 500, onPollError: (e) => errors.push(e) });
    const [adopted] = await blind.adopt(new Map([[req.runId, '']]));
    assert.ok(adopted);
    const exit = await adopted.run.exited;
    deadLogs.destroy();
    assert.equal(exit.code, null);
    assert.match(exit.reason ?? '', new RegExp(`^lost contact with ECS / CloudWatch Logs for \\d+ s \\(last error: .*ECONNREFUSED.*\\); task ${started.handle} may still be running$`));
    assert.ok(errors.length >= 2, 'each failed poll was reported');
    await standIn.stopAsEcs(started.handle, 'cleanup');
  });

  test("another organization's task is never adopted, and a task without the Pipes context override is skipped and reported", async () => {
    const req = request(location('adopt-foreign'));
    const foreign = await launcher({ organization: () => 'org-other' }).launch(req);
    const errors: string[] = [];
    const ours = launcher({ onPollError: (e, runId) => errors.push(`${runId}: ${(e as Error).message}`) });
    assert.deepEqual(await ours.adopt(new Map([[req.runId, '']])), [], 'tagged gantry.organization=org-other');
    await foreign.stop(false);
    await foreign.exited;
    // A task started by hand with Gantry's tags but none of its overrides.
    const bare = await moto.ecs.send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: String(foreign.details['taskDefinitionArn']),
        launchType: 'FARGATE',
        startedBy: 'gantry-agent',
        networkConfiguration: { awsvpcConfiguration: { subnets: [network.subnetId], securityGroups: [network.securityGroupId] } },
        tags: [{ key: 'gantry.organization', value: ORG }, { key: 'gantry.run', value: 'run-bare' }],
      }),
    );
    assert.deepEqual(await ours.adopt(new Map([['run-bare', '']])), []);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^run-bare: cannot adopt task \S+ of run run-bare: EcsLaunchError: task \S+ of run run-bare has no DAGSTER_PIPES_CONTEXT override$/);
    await standIn.stopAsEcs(bare.tasks?.[0]?.taskArn ?? '', 'cleanup');
  });
});

const logger = pino({ level: 'silent' });

const assignment = (runId: string, codeLocation: string) => testAssignment(runId, { codeLocation });

/** Runs one assignment through the real RunExecutor with the ECS launcher; `during` plays ECS and the container once the task started. */
async function executeOnEcs(
  name: string,
  during: (started: LogPlace & { taskArn?: unknown }, executor: RunExecutor) => Promise<void>,
  options: { ecs?: EcsRunSettings; prices?: PriceTable } = {},
): Promise<{ events: AgentRunEvent[]; outcome: RunOutcome; runId: string }> {
  counter += 1;
  const runId = `run-exec-${process.pid}-${counter}`;
  const events: AgentRunEvent[] = [];
  const executor = new RunExecutor({
    assignment: assignment(runId, name),
    location: location(name, options.ecs),
    launcher: launcher({ organization: undefined }),
    ...(options.prices && { prices: options.prices }),
    organization: ORG,
    sequencer: new EventSequencer(runId, 0, (e) => events.push(e)),
    runsDir: mkdtempSync(path.join(os.tmpdir(), 'gantry-ecs-runs-')),
    logger,
    maxMessageBytes: 1024 * 1024,
    killGraceMs: 2000,
  });
  const running = executor.execute();
  await until('RUN_STARTED', () => events.some((e) => e.type === 'RUN_STARTED'));
  const started = JSON.parse(events.find((e) => e.type === 'RUN_STARTED')?.payloadJson ?? '{}') as LogPlace;
  await during(started, executor);
  return { events, outcome: await running, runId };
}

describe('RunExecutor with the ECS launcher against moto (container output replayed into CloudWatch)', () => {
  test('the real Pipes client output becomes events and the run succeeds', async () => {
    const { events, outcome } = await executeOnEcs('exec-success', async (started) => {
      assert.equal(started['launcher'], 'ecs');
      const lines = await standIn.realClientStdout(String(started['taskArn']), 'parity');
      await standIn.replayIntoCloudWatch(started, lines);
      await standIn.stopAsEcs(String(started['taskArn']), 'Essential container in task exited');
    });
    assert.equal(outcome, 'success');
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'RUN_STARTING');
    assert.equal(types.at(-1), 'RUN_SUCCESS');
    assert.equal(types.at(-2), 'RUN_RESOURCE_USAGE', 'the priced usage just before the terminal event');
    assert.equal(types.filter((t) => t === 'ASSET_MATERIALIZATION').length, 2);
    assert.equal(types.filter((t) => t === 'ASSET_CHECK_EVALUATION').length, 2);
    assert.ok(types.includes('PIPES_OPENED') && types.includes('PIPES_CLOSED') && types.includes('LOG'));
    assert.equal(types.filter((t) => t === 'PIPES_ERROR').length, 0);
  });

  test('a run ends with a RUN_RESOURCE_USAGE priced as task CPU (units / 1024) and memory (MiB / 1024) × duration × the ecs prices', async () => {
    const { table, problems } = parsePriceTable(JSON.stringify({ ecs: { vcpuHourUsd: 7.2, gbHourUsd: 0.72 } }));
    assert.deepEqual(problems, []);
    const before = Date.now();
    const { events, outcome } = await executeOnEcs(
      'exec-priced',
      async (started) => {
        const lines = await standIn.realClientStdout(String(started['taskArn']), 'parity');
        await standIn.replayIntoCloudWatch(started, lines);
        await standIn.stopAsEcs(String(started['taskArn']), 'Essential container in task exited');
      },
      { ecs: { image: 'registry.example.com/flights:1.4.2', cpu: 512, memory: 3072 }, prices: table },
    );
    const elapsed = (Date.now() - before) / 1000;
    assert.equal(outcome, 'success', JSON.stringify(events.at(-1)));
    assert.deepEqual(events.slice(-2).map((e) => e.type), ['RUN_RESOURCE_USAGE', 'RUN_SUCCESS']);
    assert.equal(events.filter((e) => e.type === 'RUN_RESOURCE_USAGE').length, 1);
    const usage = JSON.parse(events.at(-2)!.payloadJson) as ResourceUsagePayload;
    assert.equal(usage.launcher, 'ecs');
    assert.equal(usage.basis, 'reserved');
    assert.equal(usage.samples, 0);
    assert.ok(usage.wallSeconds > 0 && usage.wallSeconds <= elapsed, `${usage.wallSeconds} s within the run's ${elapsed} s`);
    assert.ok(Math.abs(usage.cpuSeconds - 0.5 * usage.wallSeconds) < 1e-5, `cpuSeconds ${usage.cpuSeconds} = 512/1024 vCPU × ${usage.wallSeconds} s`);
    assert.ok(Math.abs(usage.memoryGbSeconds - 3 * usage.wallSeconds) < 1e-5, `memoryGbSeconds ${usage.memoryGbSeconds} = 3072/1024 GB × ${usage.wallSeconds} s`);
    assert.equal(usage.memoryPeakBytes, 3 * 2 ** 30);
    assert.equal(usage.priced.vcpuHourUsd, 7.2);
    assert.equal(usage.priced.gbHourUsd, 0.72);
    assert.equal(usage.priced.source, 'GANTRY_AGENT_PRICES');
    const expected = priceReservation({ vcpu: 0.5, memoryGb: 3, seconds: usage.wallSeconds }, { vcpuHourUsd: 7.2, gbHourUsd: 0.72 });
    const diff = toNano(usage.priced.usd) - expected;
    assert.ok(diff >= -50n && diff <= 50n, `${usage.priced.usd} USD ≈ ${fromNano(expected)} USD`);
    assert.ok(expected > 0n);
  });

  test('cancel calls StopTask and the run ends CANCELED', async () => {
    let taskArn = '';
    const { events, outcome, runId } = await executeOnEcs('exec-cancel', async (started, executor) => {
      taskArn = String(started['taskArn']);
      executor.cancel();
    });
    assert.equal(outcome, 'canceled');
    assert.equal(events.at(-1)?.type, 'RUN_CANCELED');
    const task = await standIn.describeTask(taskArn);
    assert.equal(task.lastStatus, 'STOPPED');
    assert.equal(task.stoppedReason, `Gantry: run ${runId} canceled`);
  });

  test('a task stopped for OutOfMemoryError fails the run with that reason and the last output lines', async () => {
    const { events, outcome } = await executeOnEcs('exec-oom', async (started) => {
      await standIn.replayIntoCloudWatch(started, ['loading 3,000,000 rows']);
      await standIn.stopAsEcs(String(started['taskArn']), 'OutOfMemoryError: Container killed due to memory usage');
    });
    assert.equal(outcome, 'failure');
    const failure = events.at(-1);
    assert.equal(failure?.type, 'RUN_FAILURE');
    assert.match(failure?.message ?? '', /^the container ran out of memory \(task memory 2048 MiB; raise ecs\.memory\): OutOfMemoryError: Container killed due to memory usage \(ECS task [0-9a-f-]+\); last output lines:\nloading 3,000,000 rows$/);
  });

  test('a launch refused by ECS fails the run with the reason', async () => {
    counter += 1;
    const runId = `run-exec-${process.pid}-${counter}`;
    const events: AgentRunEvent[] = [];
    const outcome = await new RunExecutor({
      assignment: assignment(runId, 'exec-no-cluster'),
      location: location('exec-no-cluster'),
      launcher: launcher({ cluster: 'missing-cluster' }),
      organization: ORG,
      sequencer: new EventSequencer(runId, 0, (e) => events.push(e)),
      runsDir: mkdtempSync(path.join(os.tmpdir(), 'gantry-ecs-runs-')),
      logger,
      maxMessageBytes: 1024 * 1024,
    }).execute();
    assert.equal(outcome, 'failure');
    assert.equal(events.at(-1)?.message, `ECS cluster missing-cluster does not exist in ${MOTO_REGION} (GANTRY_ECS_CLUSTER)`);
  });
});

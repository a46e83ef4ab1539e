/**
 * The Kubernetes launcher through the run executor against a SIMULATED
 * Kubernetes API server (no real API server can run here): real
 * @kubernetes/client-node calls over HTTP on loopback, and pod logs that are
 * the output of a real Pipes customer process the simulated kubelet runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import type { CodeLocationDefinition, KubernetesRunSettings } from '@gantry/code-location';
import { decodePipesParams } from '@gantry/pipes';
import { EventSequencer, type AgentRunEvent } from '../../runs/event-sequencer';
import { RunExecutor, type RunOutcome } from '../../runs/run-executor';
import { parsePriceTable, priceReservation, type PriceTable } from '../../cost/price-table';
import { fromNano, toNano, type ResourceUsagePayload } from '@gantry/domain';
import { KubernetesRunLauncher } from './kubernetes-launcher';
import { jobNameFor, toLabelValue } from './labels';
import { startSimulatedApiServer, type SimulatedApiServer } from './testing/simulated-api-server';
import { testAssignment, until } from '../../testing/run-assignment';

const logger = pino({ level: 'silent' });
const ROOT = path.resolve(import.meta.dirname, '../../../../..');
const CONTAINER_SCRIPT = path.join(import.meta.dirname, 'testing/pipes-container.ts');
const IMAGE = 'registry.example/pipes-job:1';

const servers: SimulatedApiServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function server(): Promise<SimulatedApiServer> {
  const s = await startSimulatedApiServer({ terminationGraceMs: 1000, backOffMs: 50 });
  s.images.set(IMAGE, { cwd: ROOT });
  servers.push(s);
  return s;
}

function location(scenario: string[], overrides: Partial<CodeLocationDefinition> = {}, kubernetes: KubernetesRunSettings = {}): CodeLocationDefinition {
  return {
    name: 'pipes-job',
    deployment: 'prod',
    command: [process.execPath, '--import', 'tsx', CONTAINER_SCRIPT, ...scenario],
    workingDirectory: ROOT,
    env: { WAREHOUSE: 'analytics' },
    timeoutSeconds: 120,
    kubernetes: { image: IMAGE, ...kubernetes },
    assets: ['demo/a', 'demo/b'].map((key) => ({ keyPath: key.split('/'), key, group: 'default', owners: [], kinds: [], tags: {}, deps: [], checks: [] })),
    ...overrides,
  };
}

const assignment = (runId: string) => testAssignment(runId, { codeLocation: 'pipes-job', codeLocationVersion: 3 });

interface Execution {
  events: AgentRunEvent[];
  outcome: RunOutcome;
  positions: string[];
}

async function execute(
  s: SimulatedApiServer,
  loc: CodeLocationDefinition,
  options: { runId?: string; defaults?: KubernetesRunSettings; during?: (ex: RunExecutor, events: AgentRunEvent[]) => Promise<void>; unschedulableTimeoutMs?: number; prices?: PriceTable } = {},
): Promise<Execution> {
  const runId = options.runId ?? `run-${Math.random().toString(36).slice(2, 10)}`;
  const events: AgentRunEvent[] = [];
  const positions: string[] = [];
  const launcher = new KubernetesRunLauncher({
    kubeConfig: s.kubeConfig(),
    namespace: 'default',
    runDefaults: options.defaults ?? {},
    agentName: 'cluster-agent',
    logger,
    unschedulableTimeoutMs: options.unschedulableTimeoutMs ?? 30_000,
    logEndGraceMs: 2000,
  });
  const executor = new RunExecutor({
    assignment: assignment(runId),
    location: loc,
    launcher,
    sequencer: new EventSequencer(runId, 0, (e) => events.push(e)),
    runsDir: mkdtempSync(path.join(os.tmpdir(), 'gantry-k8s-runs-')),
    logger,
    maxMessageBytes: 1024 * 1024,
    killGraceMs: 2000,
    onOutputPosition: (p) => positions.push(p),
    ...(options.prices && { prices: options.prices }),
  });
  const running = executor.execute();
  if (options.during) await options.during(executor, events);
  return { events, outcome: await running, positions };
}


const types = (events: AgentRunEvent[]) => events.map((e) => e.type).filter((t) => t !== 'COMPUTE_LOG');
const terminal = (events: AgentRunEvent[]) => events.at(-1)!;

describe('kubernetes launcher (simulated API server)', () => {
  test('simulated API server: a run becomes a labelled Job; Pipes messages and logs come from the followed pod log of a real Pipes process; RUN_SUCCESS', async () => {
    const s = await server();
    const runId = 'Run_0001.ABC';
    const { events, outcome, positions } = await execute(s, location(['materialize']), {
      runId,
      defaults: { serviceAccountName: 'gantry-runs', ttlSecondsAfterFinished: 3600, resources: { requests: { cpu: '250m' }, limits: { memory: '2Gi' } } },
    });
    assert.equal(outcome, 'success', JSON.stringify(terminal(events)));
    assert.deepEqual(types(events), ['RUN_STARTING', 'RUN_STARTED', 'PIPES_OPENED', 'LOG', 'ASSET_MATERIALIZATION', 'ASSET_MATERIALIZATION', 'LOG', 'PIPES_CLOSED', 'RUN_RESOURCE_USAGE', 'RUN_SUCCESS']);
    const started = JSON.parse(events.find((e) => e.type === 'RUN_STARTED')!.payloadJson) as Record<string, unknown>;
    assert.deepEqual(started, { namespace: 'default', job: jobNameFor(runId), launcher: 'kubernetes' });
    assert.deepEqual(events.filter((e) => e.type === 'ASSET_MATERIALIZATION').map((e) => e.assetKey), ['demo/a', 'demo/b']);
    const computeLog = events.filter((e) => e.type === 'COMPUTE_LOG').map((e) => e.message).join('');
    assert.match(computeLog, /plain stdout line/);
    assert.match(computeLog, /plain stderr line/, 'stderr is part of the pod log');
    assert.ok(positions.length > 0, 'output positions were reported for the spool');

    const job = s.jobs.get(`default/${jobNameFor(runId)}`)!;
    const meta = job.metadata!;
    assert.equal(meta.name, `gantry-run-run-0001-abc-${meta.name!.slice(-8)}`, 'a DNS-1123 name with a hash suffix');
    assert.deepEqual(meta.labels, {
      'app.kubernetes.io/managed-by': 'gantry-agent',
      'gantry.dev/agent': 'cluster-agent',
      'gantry.dev/deployment': 'prod',
      'gantry.dev/code-location': 'pipes-job',
      'gantry.dev/run': toLabelValue(runId),
    });
    assert.equal(meta.annotations?.['gantry.dev/run-id'], runId, 'the exact run id is an annotation');
    const jobSpec = job.spec!;
    assert.equal(jobSpec.backoffLimit, 0);
    assert.equal(jobSpec.activeDeadlineSeconds, 120);
    assert.equal(jobSpec.ttlSecondsAfterFinished, 3600);
    const pod = jobSpec.template.spec!;
    assert.equal(pod.restartPolicy, 'Never');
    assert.equal(pod.serviceAccountName, 'gantry-runs');
    const container = pod.containers[0]!;
    assert.equal(container.image, IMAGE);
    assert.deepEqual(container.resources, { requests: { cpu: '250m' }, limits: { memory: '2Gi' } });
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env['WAREHOUSE'], 'analytics');
    assert.deepEqual(decodePipesParams(env['DAGSTER_PIPES_MESSAGES']!), { stdio: 'stdout' });
    const context = decodePipesParams(env['DAGSTER_PIPES_CONTEXT']!)['data'] as { run_id: string; asset_keys: string[] };
    assert.equal(context.run_id, runId);
    assert.deepEqual(context.asset_keys, ['demo/a', 'demo/b']);
    assert.deepEqual(s.unhandled, [], 'the launcher only calls endpoints the simulation implements');
    assert.ok(s.requests.some((r) => r.includes('/pods/') && r.includes('/log?') && r.includes('follow=true')), 'the pod log is followed');
    assert.ok(s.requests.some((r) => r.startsWith('GET /api/v1/namespaces/default/pods?') && r.includes('watch=true')), 'pods are watched');
  });

  test('simulated API server: a run with resources ends with a RUN_RESOURCE_USAGE priced as limits (else requests) × duration × the kubernetes prices', async () => {
    const s = await server();
    const { table, problems } = parsePriceTable(JSON.stringify({ kubernetes: { vcpuHourUsd: 3.6, gbHourUsd: 36 } }));
    assert.deepEqual(problems, []);
    const before = Date.now();
    // cpu: limits 500m win over requests 2; memory: only requested, 1536Mi = 1.5 GB.
    const { outcome, events } = await execute(s, location(['materialize'], {}, { resources: { requests: { cpu: '2', memory: '1536Mi' }, limits: { cpu: '500m' } } }), { prices: table });
    const elapsed = (Date.now() - before) / 1000;
    assert.equal(outcome, 'success', JSON.stringify(terminal(events)));
    const t = types(events);
    assert.deepEqual(t.slice(-3), ['PIPES_CLOSED', 'RUN_RESOURCE_USAGE', 'RUN_SUCCESS'], 'usage just before the terminal event');
    const usage = JSON.parse(events.find((e) => e.type === 'RUN_RESOURCE_USAGE')!.payloadJson) as ResourceUsagePayload;
    assert.equal(usage.launcher, 'kubernetes');
    assert.equal(usage.basis, 'reserved');
    assert.equal(usage.samples, 0);
    assert.ok(usage.wallSeconds > 0 && usage.wallSeconds <= elapsed, `${usage.wallSeconds} s within the run's ${elapsed} s`);
    assert.ok(Math.abs(usage.cpuSeconds - 0.5 * usage.wallSeconds) < 1e-5, `cpuSeconds ${usage.cpuSeconds} = 0.5 vCPU × ${usage.wallSeconds} s`);
    assert.ok(Math.abs(usage.memoryGbSeconds - 1.5 * usage.wallSeconds) < 1e-5, `memoryGbSeconds ${usage.memoryGbSeconds} = 1.5 GB × ${usage.wallSeconds} s`);
    assert.equal(usage.memoryPeakBytes, 1536 * 2 ** 20);
    assert.deepEqual({ ...usage.priced, usd: undefined }, { usd: undefined, vcpuHourUsd: 3.6, gbHourUsd: 36, source: 'GANTRY_AGENT_PRICES' });
    const expected = priceReservation({ vcpu: 0.5, memoryGb: 1.5, seconds: usage.wallSeconds }, { vcpuHourUsd: 3.6, gbHourUsd: 36 });
    const diff = toNano(usage.priced.usd) - expected;
    assert.ok(diff >= -50n && diff <= 50n, `${usage.priced.usd} USD ≈ ${fromNano(expected)} USD (0.5 × 3.6 + 1.5 × 36 USD/h × ${usage.wallSeconds} s)`);
  });

  test('simulated API server: a run without resources sends no RUN_RESOURCE_USAGE', async () => {
    const s = await server();
    const { outcome, events } = await execute(s, location(['materialize']));
    assert.equal(outcome, 'success', JSON.stringify(terminal(events)));
    assert.ok(!types(events).includes('RUN_RESOURCE_USAGE'));
  });

  test('simulated API server: location settings, then the asset tag gantry/k8s-config, merge over the agent defaults into the Job', async () => {
    const s = await server();
    s.nodeLabels = { pool: 'batch' };
    s.secrets.set('default/warehouse-creds', { WAREHOUSE_PASSWORD: 'x' });
    const loc = location(['materialize'], {}, { nodeSelector: { pool: 'batch' }, resources: { limits: { memory: '2Gi' } }, envFromSecrets: ['warehouse-creds'] });
    loc.assets[1]!.tags = { 'gantry/k8s-config': JSON.stringify({ resources: { limits: { cpu: '2' } }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }] }) };
    const { outcome, events } = await execute(s, loc, { defaults: { imagePullSecrets: ['regcred'], resources: { requests: { cpu: '100m' } }, serviceAccountName: 'default-runner' } });
    assert.equal(outcome, 'success', terminal(events).message);
    const spec = [...s.jobs.values()][0]!.spec!.template.spec!;
    assert.deepEqual(spec.nodeSelector, { pool: 'batch' });
    assert.deepEqual(spec.imagePullSecrets, [{ name: 'regcred' }]);
    assert.equal(spec.serviceAccountName, 'default-runner');
    assert.deepEqual(spec.tolerations, [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }]);
    assert.deepEqual(spec.containers[0]!.resources, { requests: { cpu: '100m' }, limits: { memory: '2Gi', cpu: '2' } }, 'objects merge key by key across the three layers');
    assert.deepEqual(spec.containers[0]!.envFrom, [{ secretRef: { name: 'warehouse-creds' } }]);
  });

  test('simulated API server: a location without an image fails the run naming the setting, without calling the API', async () => {
    const s = await server();
    const loc = location(['materialize']);
    delete loc.kubernetes;
    const { outcome, events } = await execute(s, loc);
    assert.equal(outcome, 'failure');
    assert.match(terminal(events).message, /code location prod\/pipes-job has no container image .* kubernetes\.image/);
    assert.equal(s.jobs.size, 0);
  });

  test('simulated API server: a Job that already exists (the run launched twice) fails the second launch with the API\'s reason', async () => {
    const s = await server();
    const first = execute(s, location(['sleep', '1500']), { runId: 'twice' });
    await until('the first Job', () => s.jobs.size === 1);
    const second = await execute(s, location(['materialize']), { runId: 'twice' });
    assert.equal(second.outcome, 'failure');
    assert.match(terminal(second.events).message, /^could not create Job default\/gantry-run-twice for run twice: HTTP 409: jobs\.batch "gantry-run-twice" already exists/);
    assert.equal((await first).outcome, 'success', 'the first run is untouched');
  });

  test('kubernetes launcher: an unreachable API server fails the launch naming the Job and the connection error', async () => {
    const s = await server();
    const kc = s.kubeConfig();
    await s.close();
    const launcher = new KubernetesRunLauncher({ kubeConfig: kc, namespace: 'default', runDefaults: {}, agentName: 'a', logger });
    const events: AgentRunEvent[] = [];
    const executor = new RunExecutor({
      assignment: assignment('unreachable'),
      location: location(['materialize']),
      launcher,
      sequencer: new EventSequencer('unreachable', 0, (e) => events.push(e)),
      runsDir: mkdtempSync(path.join(os.tmpdir(), 'gantry-k8s-runs-')),
      logger,
      maxMessageBytes: 1024,
    });
    assert.equal(await executor.execute(), 'failure');
    assert.match(terminal(events).message, /^could not create Job default\/gantry-run-unreachable for run unreachable: .*(ECONNREFUSED|connect)/);
  });

  test('simulated API server: an image that cannot be pulled fails the run with "image pull failed" and deletes the Job', async () => {
    const s = await server();
    const { outcome, events } = await execute(s, location(['materialize'], {}, { image: 'registry.example/missing:404' }));
    assert.equal(outcome, 'failure');
    assert.match(terminal(events).message, /^image pull failed for "registry\.example\/missing:404" \((ErrImagePull|ImagePullBackOff)\): .*pull access denied/);
    await until('the Job deleted', () => s.jobs.size === 0);
    assert.equal(s.deletes[0]?.propagationPolicy, 'Foreground');
  });

  test('simulated API server: a missing envFrom Secret fails the run with the container config error', async () => {
    const s = await server();
    const { outcome, events } = await execute(s, location(['materialize'], {}, { envFromSecrets: ['nope'] }));
    assert.equal(outcome, 'failure');
    assert.match(terminal(events).message, /container could not be created \(CreateContainerConfigError\): secret "nope" not found/);
  });

  test('simulated API server: a container over its memory limit ends with "OOMKilled" naming the limit', async () => {
    const s = await server();
    const { outcome, events } = await execute(s, location(['oom'], {}, { resources: { limits: { memory: '300Mi' } } }));
    assert.equal(outcome, 'failure');
    assert.match(terminal(events).message, /^OOMKilled: container "run" of pod gantry-run-\S+ ran out of memory \(limit 300Mi\) and was killed \(exit code 137\)/);
    assert.ok(events.some((e) => e.type === 'LOG' && e.message === 'allocating'), 'messages before the kill arrived');
  });

  test('simulated API server: a pod that stays unschedulable fails the run with the scheduler message and the Job is deleted', async () => {
    const s = await server();
    const { outcome, events } = await execute(s, location(['materialize'], {}, { nodeSelector: { 'node.kubernetes.io/instance-type': 'p4d.24xlarge' } }), { unschedulableTimeoutMs: 500 });
    assert.equal(outcome, 'failure');
    assert.match(terminal(events).message, /^pod gantry-run-\S+ is unschedulable: 0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector.* \(still unschedulable after 1 s\)/);
    await until('the Job deleted', () => s.jobs.size === 0);
  });

  test('simulated API server: a run over its activeDeadlineSeconds ends with "deadline exceeded"', async () => {
    const s = await server();
    const { outcome, events } = await execute(s, location(['sleep', '60000'], { timeoutSeconds: 2 }));
    assert.equal(outcome, 'failure');
    assert.match(terminal(events).message, /^deadline exceeded: Job gantry-run-\S+ ran longer than its activeDeadlineSeconds \(2 s\)/);
    await until('the Job controller removed the pod', () => s.podOf(jobNameFor(events[0]!.runId)) === undefined);
  });

  test('simulated API server: a pod deleted under the run fails it with "pod … was deleted"', async () => {
    const s = await server();
    const { outcome, events } = await execute(s, location(['sleep', '60000']), {
      during: async (_ex, evs) => {
        await until('the container working', () => evs.some((e) => e.type === 'LOG' && e.message === 'working'));
        const pod = [...s.pods.values()][0]!;
        s.deletePod(pod.metadata!.name!);
      },
    });
    assert.equal(outcome, 'failure');
    assert.match(terminal(events).message, /^pod gantry-run-\S+ was deleted while the run was executing/);
  });

  test('simulated API server: a failing container ends with its exit code and its last output lines', async () => {
    const s = await server();
    const { outcome, events } = await execute(s, location(['exit', '3']));
    assert.equal(outcome, 'failure');
    assert.match(terminal(events).message, /^process exited with code 3; last output lines:\ngiving up: the input table is empty/);
  });

  test('simulated API server: a follow stream the server ends early is reopened from sinceTime; no line is lost or repeated', async () => {
    const s = await server();
    const { outcome, events } = await execute(s, location(['sleep', '1500']), {
      during: async (_ex, evs) => {
        await until('the container working', () => evs.some((e) => e.type === 'LOG' && e.message === 'working'));
        s.cutLogStreams();
      },
    });
    assert.equal(outcome, 'success', terminal(events).message);
    assert.deepEqual(types(events), ['RUN_STARTING', 'RUN_STARTED', 'PIPES_OPENED', 'LOG', 'ASSET_MATERIALIZATION', 'ASSET_MATERIALIZATION', 'LOG', 'PIPES_CLOSED', 'RUN_SUCCESS']);
    const computeLog = events.filter((e) => e.type === 'COMPUTE_LOG').map((e) => e.message).join('');
    assert.equal(computeLog.split('plain stdout line').length - 1, 1, 'each line once');
    assert.ok(s.requests.filter((r) => r.includes('/log?')).some((r) => r.includes('sinceTime=')), 'the reopened stream starts at the cursor');
  });

  test('simulated API server: cancel deletes the Job with propagationPolicy Foreground and ends RUN_CANCELED', async () => {
    const s = await server();
    const { outcome, events } = await execute(s, location(['sleep', '60000']), {
      during: async (ex, evs) => {
        await until('the container working', () => evs.some((e) => e.type === 'LOG' && e.message === 'working'));
        ex.cancel();
      },
    });
    assert.equal(outcome, 'canceled');
    assert.equal(terminal(events).type, 'RUN_CANCELED');
    assert.ok(s.deletes.length >= 1);
    assert.ok(s.deletes.every((d) => d.propagationPolicy === 'Foreground' && d.name === s.deletes[0]!.name), 'every delete of the Job is Foreground');
    assert.equal(s.deletes[0]!.gracePeriodSeconds, null, 'a graceful delete first (gracePeriodSeconds 0 only if the grace runs out)');
    await until('Job and pod gone', () => s.jobs.size === 0 && s.pods.size === 0);
  });
});

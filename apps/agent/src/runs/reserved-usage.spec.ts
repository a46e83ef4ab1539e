/**
 * The executor's RUN_RESOURCE_USAGE for reservation-based launchers, with a
 * scripted launcher (no platform): reservation × duration × the launcher's
 * prices just before the terminal event; for an adopted run from the
 * platform's start time; nothing on kill or detach, nor without a reservation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import type { CodeLocationDefinition } from '@gantry/code-location';
import { fromNano, toNano, type ResourceUsagePayload } from '@gantry/domain';
import { parsePriceTable, priceReservation } from '../cost/price-table';
import type { LaunchedRun, LauncherKind, RunExit, RunLauncher, RunReservation } from '../launchers/run-launcher';
import { testAssignment, until } from '../testing/run-assignment';
import { EventSequencer, type AgentRunEvent } from './event-sequencer';
import { RunExecutor, type RunOutcome } from './run-executor';

const logger = pino({ level: 'silent' });

const location: CodeLocationDefinition = {
  name: 'scripted',
  deployment: 'prod',
  command: ['true'],
  env: {},
  timeoutSeconds: 60,
  assets: ['demo/a', 'demo/b'].map((key) => ({ keyPath: key.split('/'), key, group: 'default', owners: [], kinds: [], tags: {}, deps: [], checks: [] })),
} as unknown as CodeLocationDefinition;

/** A run that ends when told to (or when stopped), with a scripted reservation. */
class ScriptedRun implements LaunchedRun {
  readonly handle = 'scripted/1';
  readonly details = { job: 'scripted' };
  readonly exited: Promise<RunExit>;
  end!: (exit: RunExit) => void;
  constructor(private readonly reserved: () => RunReservation | undefined) {
    this.exited = new Promise((resolve) => (this.end = resolve));
  }
  onOutput(): void {}
  stop(): Promise<void> {
    this.end({ code: null, signal: 'SIGTERM' });
    return Promise.resolve();
  }
  cleanup(): Promise<void> {
    return Promise.resolve();
  }
  detach(): void {}
  reservation(): RunReservation | undefined {
    return this.reserved();
  }
}

const { table: PRICES } = parsePriceTable(JSON.stringify({ kubernetes: { vcpuHourUsd: 3.6, gbHourUsd: 0.36 }, ecs: { vcpuHourUsd: 1, gbHourUsd: 1 } }));

async function execute(
  run: ScriptedRun,
  during: (executor: RunExecutor, events: AgentRunEvent[]) => Promise<void>,
  options: { adopted?: boolean; kind?: LauncherKind } = {},
): Promise<{ events: AgentRunEvent[]; outcome: RunOutcome }> {
  const runId = `run-${Math.random().toString(36).slice(2)}`;
  const events: AgentRunEvent[] = [];
  const launcher: RunLauncher = { kind: options.kind ?? 'kubernetes', launch: () => Promise.resolve(run), adopt: () => Promise.resolve([]) };
  const executor = new RunExecutor({
    assignment: testAssignment(runId),
    location,
    launcher,
    ...(options.adopted && { adopted: run }),
    sequencer: new EventSequencer(runId, 0, (e) => events.push(e)),
    runsDir: mkdtempSync(path.join(os.tmpdir(), 'gantry-reserved-')),
    logger,
    maxMessageBytes: 1024 * 1024,
    killGraceMs: 200,
    prices: PRICES,
  });
  const running = executor.execute();
  await during(executor, events);
  return { events, outcome: await running };
}

const types = (events: AgentRunEvent[]) => events.map((e) => e.type);
const usageOf = (events: AgentRunEvent[]) => JSON.parse(events.find((e) => e.type === 'RUN_RESOURCE_USAGE')!.payloadJson) as ResourceUsagePayload;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RunExecutor: priced RUN_RESOURCE_USAGE of reservation-based launchers (scripted launcher)', () => {
  test('reservation × wall time × the launcher prices, just before the terminal event, in the measured payload shape', async () => {
    const run = new ScriptedRun(() => ({ vcpu: 2, memoryGb: 4 }));
    const before = Date.now();
    const { events } = await execute(run, async (_, ev) => {
      await until('RUN_STARTED', () => ev.some((e) => e.type === 'RUN_STARTED'));
      await sleep(300);
      run.end({ code: 1 });
    });
    const elapsed = (Date.now() - before) / 1000;
    assert.deepEqual(types(events), ['RUN_STARTING', 'RUN_STARTED', 'RUN_RESOURCE_USAGE', 'RUN_FAILURE']);
    const usage = usageOf(events);
    assert.deepEqual(Object.keys(usage).sort(), ['basis', 'cpuSeconds', 'launcher', 'memoryGbSeconds', 'memoryPeakBytes', 'priced', 'samples', 'wallSeconds']);
    assert.equal(usage.launcher, 'kubernetes');
    assert.equal(usage.basis, 'reserved');
    assert.ok(usage.wallSeconds >= 0.29 && usage.wallSeconds <= elapsed, `${usage.wallSeconds} s`);
    assert.ok(Math.abs(usage.cpuSeconds - 2 * usage.wallSeconds) < 1e-5);
    assert.ok(Math.abs(usage.memoryGbSeconds - 4 * usage.wallSeconds) < 1e-5);
    assert.equal(usage.memoryPeakBytes, 4 * 2 ** 30);
    assert.deepEqual({ ...usage.priced, usd: '' }, { usd: '', vcpuHourUsd: 3.6, gbHourUsd: 0.36, source: 'GANTRY_AGENT_PRICES' });
    const expected = priceReservation({ vcpu: 2, memoryGb: 4, seconds: usage.wallSeconds }, PRICES.launchers['kubernetes']!);
    const diff = toNano(usage.priced.usd) - expected;
    assert.ok(diff >= -20n && diff <= 20n, `${usage.priced.usd} ≈ ${fromNano(expected)}`);
  });

  test('an adopted run counts from the start time its platform reports, not from the adoption', async () => {
    const run = new ScriptedRun(() => ({ vcpu: 1, memoryGb: 1, startedAtMs: Date.now() - 3_600_000 }));
    const { events } = await execute(
      run,
      async () => {
        await sleep(50);
        run.end({ code: 0 });
      },
      { adopted: true, kind: 'ecs' },
    );
    assert.deepEqual(types(events), ['RUN_RESOURCE_USAGE', 'RUN_FAILURE']);
    const usage = usageOf(events);
    assert.equal(usage.launcher, 'ecs');
    assert.ok(usage.wallSeconds >= 3600 && usage.wallSeconds < 3610, `${usage.wallSeconds} s`);
    // 1 vCPU and 1 GB for an hour at 1 USD each.
    assert.ok(Math.abs(Number(usage.priced.usd) - (2 * usage.wallSeconds) / 3600) < 1e-8, usage.priced.usd);
  });

  test('cancel: the usage precedes RUN_CANCELED', async () => {
    const run = new ScriptedRun(() => ({ vcpu: 0.25, memoryGb: 0.5 }));
    const { events, outcome } = await execute(run, async (executor, ev) => {
      await until('RUN_STARTED', () => ev.some((e) => e.type === 'RUN_STARTED'));
      executor.cancel();
    });
    assert.equal(outcome, 'canceled');
    assert.deepEqual(types(events).slice(-2), ['RUN_RESOURCE_USAGE', 'RUN_CANCELED']);
  });

  test('kill and detach emit no usage (nor a terminal event)', async () => {
    for (const how of ['kill', 'detach'] as const) {
      const run = new ScriptedRun(() => ({ vcpu: 1, memoryGb: 1 }));
      const { events, outcome } = await execute(run, async (executor, ev) => {
        await until('RUN_STARTED', () => ev.some((e) => e.type === 'RUN_STARTED'));
        if (how === 'kill') executor.kill();
        else executor.detach();
      });
      assert.equal(outcome, 'detached', how);
      assert.deepEqual(types(events), ['RUN_STARTING', 'RUN_STARTED'], how);
    }
  });

  test('no reservation (no requests/limits), or one that cannot be read: no usage, the run still ends', async () => {
    for (const reserved of [() => undefined, () => { throw new Error('invalid Kubernetes quantity "lots"'); }]) {
      const run = new ScriptedRun(reserved);
      const { events } = await execute(run, async (_, ev) => {
        await until('RUN_STARTED', () => ev.some((e) => e.type === 'RUN_STARTED'));
        run.end({ code: 3 });
      });
      assert.deepEqual(types(events), ['RUN_STARTING', 'RUN_STARTED', 'RUN_FAILURE']);
    }
  });
});

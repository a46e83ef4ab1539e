/**
 * The process launcher and pipes bridge with real child processes: small Node
 * scripts write Dagster Pipes messages (well-formed and broken) and the
 * executor turns each into the right event or failure reason.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import type { RunAssignment__Output } from '@gantry/proto';
import { scriptLocation } from '../testing/customer-scripts';
import { EventSequencer, type AgentRunEvent } from './event-sequencer';
import { ProcessRunLauncher } from '../launchers/process-launcher';
import { RunExecutor, type RunOutcome } from './run-executor';
import { testAssignment, until } from '../testing/run-assignment';

const logger = pino({ level: 'silent' });

const assignment = (runId: string, overrides: Partial<RunAssignment__Output> = {}) => testAssignment(runId, overrides);

interface Execution {
  events: AgentRunEvent[];
  outcome: RunOutcome;
  executor: RunExecutor;
  runsDir: string;
}

async function runScript(
  body: string,
  options: { timeoutSeconds?: number; maxMessageBytes?: number; assetKeys?: string[]; during?: (ex: RunExecutor, events: AgentRunEvent[]) => Promise<void>; storedSeq?: number } = {},
): Promise<Execution> {
  const loc = scriptLocation(body, { timeoutSeconds: options.timeoutSeconds });
  const events: AgentRunEvent[] = [];
  const runId = `run-${Math.random().toString(36).slice(2)}`;
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-agent-runs-'));
  const executor = new RunExecutor({
    assignment: assignment(runId, { storedSeq: options.storedSeq ?? 0, ...(options.assetKeys && { assetKeys: options.assetKeys }) }),
    location: loc.definition,
    launcher: new ProcessRunLauncher(),
    sequencer: new EventSequencer(runId, options.storedSeq ?? 0, (e) => events.push(e)),
    runsDir,
    logger,
    maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024,
    killGraceMs: 500,
  });
  const running = executor.execute();
  if (options.during) await options.during(executor, events);
  const outcome = await running;
  return { events, outcome, executor, runsDir };
}

const types = (events: AgentRunEvent[]) => events.map((e) => e.type);
const payload = (e: AgentRunEvent | undefined) => JSON.parse(e?.payloadJson ?? '{}') as Record<string, unknown>;
const terminal = (events: AgentRunEvent[]) => events.at(-1)!;


describe('process launcher + pipes bridge (real child processes)', () => {
  test('happy path: every pipes message becomes its event, numbered from storedSeq + 1, ending in RUN_SUCCESS', async () => {
    const { events, outcome, runsDir } = await runScript(
      `
      send('opened', {});
      send('log', { message: 'hello from the run', level: 'INFO' });
      console.log('plain stdout line');
      console.error('plain stderr line');
      send('report_asset_materialization', { asset_key: 'demo/a', data_version: 'v1', metadata: { rows: { raw_value: 42, type: '__infer__' }, ratio: { raw_value: 0.5, type: '__infer__' } } });
      send('report_asset_check', { asset_key: 'demo/a', check_name: 'not_empty', passed: true, severity: 'ERROR', metadata: {} });
      send('report_custom_message', { payload: { ctxRun: ctx.run_id, extras: ctx.extras, assets: ctx.asset_keys } });
      send('closed', {});
      `,
      { storedSeq: 5 },
    );
    assert.equal(outcome, 'success');
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 6), 'seq continues after storedSeq without gaps');
    const t = types(events);
    assert.equal(t[0], 'RUN_STARTING');
    assert.equal(t[1], 'RUN_STARTED');
    assert.equal(t.at(-1), 'RUN_SUCCESS');
    assert.equal(t.filter((x) => x === 'RUN_SUCCESS' || x === 'RUN_FAILURE' || x === 'RUN_CANCELED').length, 1);
    for (const kind of ['PIPES_OPENED', 'LOG', 'ASSET_MATERIALIZATION', 'ASSET_CHECK_EVALUATION', 'CUSTOM_MESSAGE', 'PIPES_CLOSED']) assert.ok(t.includes(kind), `has ${kind}`);
    assert.ok(t.indexOf('PIPES_CLOSED') < t.indexOf('RUN_SUCCESS'));
    const started = payload(events[1]);
    assert.equal(started['launcher'], 'process');
    assert.equal(typeof started['pid'], 'number');
    const log = events.find((e) => e.type === 'LOG')!;
    assert.equal(log.message, 'hello from the run');
    assert.equal(log.level, 'INFO');
    const mat = events.find((e) => e.type === 'ASSET_MATERIALIZATION')!;
    assert.equal(mat.assetKey, 'demo/a');
    assert.deepEqual(payload(mat), { metadata: { rows: { raw_value: 42, type: 'int' }, ratio: { raw_value: 0.5, type: 'float' } }, dataVersion: 'v1', partitionKey: null });
    const check = events.find((e) => e.type === 'ASSET_CHECK_EVALUATION')!;
    assert.deepEqual(payload(check), { checkName: 'not_empty', passed: true, severity: 'ERROR', metadata: {} });
    const custom = payload(events.find((e) => e.type === 'CUSTOM_MESSAGE')).payload as { ctxRun: string; extras: Record<string, unknown>; assets: string[] };
    assert.equal(custom.ctxRun, events[0]!.runId, 'the context carries the run id');
    assert.equal(custom.extras['gantry_run_id'], events[0]!.runId);
    assert.equal(custom.extras['deployment'], 'prod');
    assert.equal(custom.extras['code_location'], 'scripted');
    assert.ok('traceparent' in custom.extras, 'the context extras carry the traceparent key');
    assert.deepEqual(custom.assets, ['demo/a', 'demo/b']);
    const logs = events.filter((e) => e.type === 'COMPUTE_LOG');
    const stdout = logs.filter((e) => payload(e)['stream'] === 'stdout').map((e) => e.message).join('');
    const stderr = logs.filter((e) => payload(e)['stream'] === 'stderr').map((e) => e.message).join('');
    assert.equal(stdout, 'plain stdout line\n');
    assert.equal(stderr, 'plain stderr line\n');
    assert.ok(!existsSync(path.join(runsDir, events[0]!.runId)), 'the per-run folder is removed');
  });

  test('pipes messages on stdout count as messages and stay in the compute log', async () => {
    const { events, outcome } = await runScript(`
      const line = (method, params) => console.log(JSON.stringify({ __dagster_pipes_version: '0.1', method, params }));
      line('opened', {});
      line('log', { message: 'via stdout', level: 'WARNING' });
      line('closed', {});
    `);
    assert.equal(outcome, 'success');
    const log = events.find((e) => e.type === 'LOG');
    assert.equal(log?.message, 'via stdout');
    assert.equal(log?.level, 'WARNING');
    const stdout = events.filter((e) => e.type === 'COMPUTE_LOG').map((e) => e.message).join('');
    assert.ok(stdout.includes('"via stdout"'), 'the raw line is also compute log');
  });

  test('malformed JSON line → PIPES_ERROR with the reason and the line, and the run continues', async () => {
    const { events, outcome } = await runScript(`
      send('opened', {});
      raw('{"__dagster_pipes_version": "0.1", "method": "log", broken');
      send('log', { message: 'after the bad line', level: 'INFO' });
      send('closed', {});
    `);
    assert.equal(outcome, 'success');
    const err = events.find((e) => e.type === 'PIPES_ERROR')!;
    assert.match(err.message, /malformed pipes message \(not JSON\)/);
    assert.equal(err.level, 'ERROR');
    assert.equal(payload(err)['line'], '{"__dagster_pipes_version": "0.1", "method": "log", broken');
    assert.ok(events.some((e) => e.type === 'LOG' && e.message === 'after the bad line'), 'later messages still land');
  });

  test('unknown method → PIPES_ERROR', async () => {
    const { events, outcome } = await runScript(`
      send('opened', {});
      send('report_weather', { sunny: true });
      send('closed', {});
    `);
    assert.equal(outcome, 'success');
    const err = events.find((e) => e.type === 'PIPES_ERROR')!;
    assert.match(err.message, /unknown pipes method "report_weather"/);
  });

  test('asset key outside the run selection → PIPES_ERROR and no materialization or check event', async () => {
    const { events, outcome } = await runScript(
      `
      send('opened', {});
      send('report_asset_materialization', { asset_key: 'demo/b', data_version: null, metadata: {} });
      send('report_asset_check', { asset_key: 'demo/b', check_name: 'c1', passed: true, severity: 'WARN', metadata: {} });
      send('report_asset_materialization', { asset_key: 'demo/a', data_version: null, metadata: {} });
      send('closed', {});
      `,
      { assetKeys: ['demo/a'] },
    );
    assert.equal(outcome, 'success');
    const errors = events.filter((e) => e.type === 'PIPES_ERROR');
    assert.equal(errors.length, 2);
    assert.ok(errors.every((e) => /asset "demo\/b" is not in the run's selection/.test(e.message)), errors.map((e) => e.message).join(' | '));
    assert.deepEqual(events.filter((e) => e.type === 'ASSET_MATERIALIZATION').map((e) => e.assetKey), ['demo/a']);
    assert.equal(events.filter((e) => e.type === 'ASSET_CHECK_EVALUATION').length, 0);
  });

  test('oversized message → PIPES_ERROR naming the size; the next message still lands', async () => {
    const { events, outcome } = await runScript(
      `
      send('opened', {});
      send('log', { message: 'x'.repeat(5000), level: 'INFO' });
      send('log', { message: 'small', level: 'INFO' });
      send('closed', {});
      `,
      { maxMessageBytes: 2048 },
    );
    assert.equal(outcome, 'success');
    const err = events.find((e) => e.type === 'PIPES_ERROR')!;
    assert.match(err.message, /pipes message of \d+ bytes exceeds the limit of 2048 bytes/);
    assert.ok(String(payload(err)['line']).length <= 1024, 'the line sample is at most 1 KiB');
    assert.ok(events.some((e) => e.type === 'LOG' && e.message === 'small'));
  });

  test('exit code ≠ 0 → RUN_FAILURE "process exited with code N" with the last stderr lines', async () => {
    const { events, outcome } = await runScript(`
      send('opened', {});
      console.error('first problem');
      console.error('Traceback: the real cause');
      process.exitCode = 3;
    `);
    assert.equal(outcome, 'failure');
    const end = terminal(events);
    assert.equal(end.type, 'RUN_FAILURE');
    assert.match(end.message, /^process exited with code 3/);
    assert.match(end.message, /Traceback: the real cause/);
    assert.equal(payload(end)['exitCode'], 3);
  });

  test('exit 0 without the closed message → RUN_FAILURE', async () => {
    const { events, outcome } = await runScript(`send('opened', {}); send('log', { message: 'bye', level: 'INFO' });`);
    assert.equal(outcome, 'failure');
    assert.equal(terminal(events).type, 'RUN_FAILURE');
    assert.equal(terminal(events).message, 'process exited without sending the pipes closed message');
  });

  test('closed with an exception → RUN_FAILURE with the exception message', async () => {
    const { events, outcome } = await runScript(`
      send('opened', {});
      send('closed', { exception: { name: 'ValueError', message: 'bad input data', stack: [], cause: null, context: null } });
      process.exitCode = 1;
    `);
    assert.equal(outcome, 'failure');
    assert.ok(events.some((e) => e.type === 'PIPES_CLOSED'));
    assert.equal(terminal(events).type, 'RUN_FAILURE');
    assert.equal(terminal(events).message, 'ValueError: bad input data');
  });

  test('run exceeding timeoutSeconds → killed, RUN_FAILURE "run exceeded its timeout of N s"', async () => {
    const started = Date.now();
    const { events, outcome } = await runScript(`send('opened', {}); process.on('SIGTERM', () => {}); await sleep(60_000);`, { timeoutSeconds: 1 });
    assert.equal(outcome, 'failure');
    assert.equal(terminal(events).message, 'run exceeded its timeout of 1 s');
    assert.ok(Date.now() - started < 10_000, 'the process was killed (SIGKILL after the grace), not waited for');
  });

  test('cancel → SIGTERM, RUN_CANCELED as the only terminal event', async () => {
    const { events, outcome } = await runScript(`send('opened', {}); await sleep(60_000);`, {
      during: async (ex, evs) => {
        await until('the run to open pipes', () => evs.some((e) => e.type === 'PIPES_OPENED'));
        ex.cancel();
      },
    });
    assert.equal(outcome, 'canceled');
    assert.equal(terminal(events).type, 'RUN_CANCELED');
    assert.equal(events.filter((e) => e.type.startsWith('RUN_') && e.type !== 'RUN_STARTING' && e.type !== 'RUN_STARTED' && e.type !== 'RUN_RESOURCE_USAGE').length, 1);
  });

  test('a command that cannot start → RUN_FAILURE naming it', async () => {
    const loc = scriptLocation('');
    loc.definition.command = ['/nonexistent/binary-xyz'];
    const events: AgentRunEvent[] = [];
    const ex = new RunExecutor({
      assignment: assignment('run-missing'),
      location: loc.definition,
      launcher: new ProcessRunLauncher(),
      sequencer: new EventSequencer('run-missing', 0, (e) => events.push(e)),
      runsDir: mkdtempSync(path.join(os.tmpdir(), 'gantry-agent-runs-')),
      logger,
      maxMessageBytes: 1024,
    });
    assert.equal(await ex.execute(), 'failure');
    assert.deepEqual(types(events), ['RUN_STARTING', 'RUN_FAILURE']);
    assert.match(terminal(events).message, /failed to start "\/nonexistent\/binary-xyz"/);
  });
});

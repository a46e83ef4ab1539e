/**
 * Wire compatibility with the upstream Python client, both ways, through real
 * child processes: the TypeScript client (`testing/client-fixture.ts`) and
 * `dagster_pipes` (the venv's, unmodified) run against bootstrap params made
 * by `encodePipesParams`, and every line either writes is parsed with
 * `parsePipesMessageLine`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { encodePipesParams, PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV, type PipesParams } from './codec';
import type { PipesContextData } from './context';
import { isPipesMessageLine, parsePipesMessageLine, type PipesMessage } from './messages';
import { paramsOf } from './testing/pipes-child';
import { skipWithoutUpstream, UPSTREAM_PYTHON } from './testing/upstream-python';

const FIXTURE = path.join(import.meta.dirname, 'testing', 'client-fixture.ts');
/** Children run from the repository root, where `tsx` resolves. */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Everything the context can carry, so both clients are shown reading all of it. */
const FULL_CONTEXT: PipesContextData = {
  asset_keys: ['demo/a', 'demo/b'],
  code_version_by_asset_key: { 'demo/a': '3', 'demo/b': null },
  provenance_by_asset_key: { 'demo/a': { code_version: '2', input_data_versions: { 'up/x': 'abc' }, is_user_provided: false }, 'demo/b': null },
  partition_key: '2001-02',
  partition_key_range: { start: '2001-02', end: '2001-02' },
  partition_time_window: { start: '2001-02-01T00:00:00+00:00', end: '2001-03-01T00:00:00+00:00' },
  run_id: 'run-interop',
  job_name: 'flights_job',
  retry_number: 1,
  extras: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', deployment: 'prod', nested: { ü: [1, null] } },
};

interface Launch {
  /** Context loader params; default: a context file holding `context`. */
  contextParams?: (dir: string) => PipesParams;
  /** Message writer params; default: a file channel. */
  messagesParams?: (dir: string) => PipesParams;
  context?: PipesContextData;
  /** Pass the params as command-line arguments instead of environment variables. */
  viaArgv?: boolean;
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Lines of the messages file, or of stdout/stderr that look like messages. */
  lines: string[];
}

function launch(command: string, args: string[], options: Launch = {}): Outcome {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-pipes-interop-'));
  dirs.push(dir);
  const contextFile = path.join(dir, 'context.json');
  writeFileSync(contextFile, JSON.stringify(options.context ?? FULL_CONTEXT));
  const messagesFile = path.join(dir, 'messages.jsonl');
  const contextParam = encodePipesParams(options.contextParams?.(dir) ?? { path: contextFile });
  const messagesParams = options.messagesParams?.(dir) ?? { path: messagesFile };
  const env = { ...process.env };
  delete env[PIPES_CONTEXT_ENV];
  delete env[PIPES_MESSAGES_ENV];
  const extraArgs = options.viaArgv ? ['--dagster-pipes-context', contextParam, '--dagster-pipes-messages', encodePipesParams(messagesParams)] : [];
  if (!options.viaArgv) Object.assign(env, { [PIPES_CONTEXT_ENV]: contextParam, [PIPES_MESSAGES_ENV]: encodePipesParams(messagesParams) });
  const r = spawnSync(command, [...args, ...extraArgs], { env, encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  const source = 'path' in messagesParams ? (existsSync(messagesFile) ? readFileSync(messagesFile, 'utf8') : '') : `${r.stdout}${r.stderr}`;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines: source.split('\n').filter(isPipesMessageLine) };
}

const runTs = (scenario: string, options?: Launch): Outcome => launch(process.execPath, ['--import', 'tsx', FIXTURE, scenario], options);
const runPython = (script: string, options?: Launch): Outcome => launch(UPSTREAM_PYTHON, ['-c', script], options);

function parseAll(lines: string[]): PipesMessage[] {
  return lines.map((line) => {
    const parsed = parsePipesMessageLine(line);
    assert.ok(parsed.ok, `unparseable line: ${parsed.ok ? '' : parsed.reason}: ${line.slice(0, 200)}`);
    return parsed.message;
  });
}


/** The calls of the `parity` scenario of client-fixture.ts, with dagster_pipes. */
const PYTHON_PARITY = `
from dagster_pipes import open_dagster_pipes
with open_dagster_pipes() as pipes:
    pipes.log.info("hello from the parity scenario")
    pipes.log.warning("careful")
    pipes.report_asset_materialization(asset_key="demo/a", data_version="v1", metadata={
        "rows": 7, "ratio": 0.5, "name": "x", "ok": True, "nothing": None, "list": [1, "two"],
        "link": {"raw_value": "https://example.com/a", "type": "url"}})
    pipes.report_asset_materialization(asset_key="demo/b")
    pipes.report_asset_check(asset_key="demo/a", check_name="fine", passed=False, severity="WARN", metadata={"n": 1})
    pipes.report_asset_check(asset_key="demo/b", check_name="ok", passed=True)
    pipes.report_custom_message({"k": [1, "two"], "nested": {"a": None}})
`;

describe('pipes interop: TypeScript client in a child process', () => {
  test('writes only lines the orchestrator parses, through a file channel', () => {
    const r = runTs('parity');
    assert.equal(r.status, 0, r.stderr);
    const messages = parseAll(r.lines);
    assert.deepEqual(messages.map((m) => m.method), ['opened', 'log', 'log', 'report_asset_materialization', 'report_asset_materialization', 'report_asset_check', 'report_asset_check', 'report_custom_message', 'closed']);
  });

  test('reads every context field it was given', () => {
    const r = runTs('context', { context: { ...FULL_CONTEXT, asset_keys: ['demo/a'] } });
    assert.equal(r.status, 0, r.stderr);
    const [custom] = paramsOf(parseAll(r.lines), 'report_custom_message');
    assert.deepEqual(custom?.payload, {
      context: {
        assetKeys: ['demo/a'],
        isAssetStep: true,
        partitionKey: '2001-02',
        partitionKeyRange: FULL_CONTEXT.partition_key_range,
        partitionTimeWindow: FULL_CONTEXT.partition_time_window,
        isPartitionStep: true,
        runId: 'run-interop',
        jobName: 'flights_job',
        retryNumber: 1,
        codeVersionByAssetKey: FULL_CONTEXT.code_version_by_asset_key,
        provenanceByAssetKey: FULL_CONTEXT.provenance_by_asset_key,
        extras: FULL_CONTEXT.extras,
        traceparent: FULL_CONTEXT.extras['traceparent'],
      },
      assetKey: 'demo/a',
      fromExtra: 'prod',
    });
  });

  test('stdout channel: messages and plain output share the stream and are told apart', () => {
    const r = runTs('interleaved', { messagesParams: () => ({ stdio: 'stdout' }) });
    assert.equal(r.status, 0, r.stderr);
    const stdout = r.stdout.split('\n').filter(Boolean);
    assert.deepEqual(stdout.filter((l) => !isPipesMessageLine(l)), ['plain output before', 'plain output after']);
    assert.deepEqual(parseAll(stdout.filter(isPipesMessageLine)).map((m) => m.method), ['opened', 'log', 'report_custom_message', 'closed']);
  });

  test('buffered stderr channel: every message arrives, at the end', () => {
    const r = runTs('interleaved', { messagesParams: () => ({ buffered_stdio: 'stderr' }) });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(parseAll(r.stderr.split('\n').filter(isPipesMessageLine)).map((m) => m.method), ['opened', 'log', 'report_custom_message', 'closed']);
  });

  test('command-line params instead of environment variables', () => {
    const r = runTs('parity', { viaArgv: true });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(parseAll(r.lines).at(-1)?.method, 'closed');
  });

  test('a failing body closes with the exception and its cause; exit code 1', () => {
    const r = runTs('fail');
    assert.equal(r.status, 1, r.stderr);
    const [closed] = paramsOf(parseAll(r.lines), 'closed');
    assert.equal(closed?.exception?.name, 'Error');
    assert.equal(closed?.exception?.message, 'transform failed');
    assert.deepEqual([closed?.exception?.cause?.name, closed?.exception?.cause?.message], ['RangeError', 'month 13 does not exist']);
    assert.ok((closed?.exception?.stack.length ?? 0) > 0);
  });

  test('a crash loses nothing already reported (synchronous writes), and sends no closed', () => {
    const r = runTs('crash');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /uncaught crash/);
    assert.deepEqual(parseAll(r.lines).map((m) => m.method), ['opened', 'report_asset_materialization', 'log']);
  });
});

describe('pipes interop: upstream dagster_pipes in a child process', { skip: skipWithoutUpstream }, () => {
  test('reads every field of a context we encoded (inline data), and writes to stdout lines we parse', () => {
    const script = `
import json
from dagster_pipes import open_dagster_pipes
with open_dagster_pipes() as pipes:
    pipes.report_custom_message({
        "asset_keys": pipes.asset_keys, "code_version_by_asset_key": pipes.code_version_by_asset_key,
        "provenance_by_asset_key": pipes.provenance_by_asset_key, "partition_key": pipes.partition_key,
        "partition_key_range": pipes.partition_key_range, "partition_time_window": pipes.partition_time_window,
        "run_id": pipes.run_id, "job_name": pipes.job_name, "retry_number": pipes.retry_number,
        "extras": pipes.extras, "traceparent": pipes.get_extra("traceparent"),
        "is_asset_step": pipes.is_asset_step, "is_partition_step": pipes.is_partition_step})
    print("plain python output")
`;
    const r = runPython(script, { contextParams: () => ({ data: FULL_CONTEXT }), messagesParams: () => ({ stdio: 'stdout' }) });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes('plain python output\n'));
    const messages = parseAll(r.lines);
    assert.deepEqual(messages.map((m) => m.method), ['opened', 'report_custom_message', 'closed']);
    assert.deepEqual(paramsOf(messages, 'report_custom_message')[0]?.payload, {
      ...FULL_CONTEXT,
      traceparent: FULL_CONTEXT.extras['traceparent'],
      is_asset_step: true,
      is_partition_step: true,
    });
  });

  test('the same calls give the same messages from both clients', () => {
    const ts = runTs('parity');
    const py = runPython(PYTHON_PARITY);
    assert.equal(ts.status, 0, ts.stderr);
    assert.equal(py.status, 0, py.stderr);
    const tsMessages = parseAll(ts.lines);
    const pyMessages = parseAll(py.lines);
    assert.equal(tsMessages.length, 9);
    assert.deepEqual(tsMessages, pyMessages);
    assert.deepEqual(
      ts.lines.map((l) => (JSON.parse(l) as Record<string, unknown>)['__dagster_pipes_version']),
      py.lines.map((l) => (JSON.parse(l) as Record<string, unknown>)['__dagster_pipes_version']),
    );
  });

  test('a failure reaches us as closed with an exception of the same shape from both clients', () => {
    const py = runPython(`
from dagster_pipes import open_dagster_pipes
with open_dagster_pipes() as pipes:
    try:
        raise KeyError("month 13 does not exist")
    except KeyError as e:
        raise ValueError("transform failed") from e
`);
    const ts = runTs('fail');
    assert.notEqual(py.status, 0);
    const [pyClosed] = paramsOf(parseAll(py.lines), 'closed');
    const [tsClosed] = paramsOf(parseAll(ts.lines), 'closed');
    assert.equal(pyClosed?.exception?.name, 'ValueError');
    assert.match(pyClosed?.exception?.message ?? '', /transform failed/);
    assert.equal(pyClosed?.exception?.cause?.name, 'KeyError');
    const shape = (e: object | undefined | null): string[] => Object.keys(e ?? {}).sort();
    assert.deepEqual(shape(tsClosed?.exception), shape(pyClosed?.exception));
    assert.deepEqual(shape(tsClosed?.exception?.cause), shape(pyClosed?.exception?.cause));
  });
});

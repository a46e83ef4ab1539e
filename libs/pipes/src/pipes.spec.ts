import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { decodePipesParams, encodePipesParams, PipesParamsError } from './codec';
import type { PipesContextData } from './context';
import { parsePipesMessageLine, isPipesMessageLine } from './messages';
import { openPipes, PipesClientError } from './client';

const PYTHON = path.resolve(import.meta.dirname, '../../../.gantry/venv/bin/python');

function context(dir: string, extra: Partial<PipesContextData> = {}): string {
  const data: PipesContextData = {
    asset_keys: ['demo/a', 'demo/b'],
    code_version_by_asset_key: null,
    provenance_by_asset_key: null,
    partition_key: '2006-01',
    partition_key_range: null,
    partition_time_window: null,
    run_id: 'run-1',
    job_name: null,
    retry_number: 0,
    extras: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    ...extra,
  };
  const file = path.join(dir, 'context.json');
  writeFileSync(file, JSON.stringify(data));
  return file;
}

describe('pipes codec', () => {
  test('round-trips values', () => {
    const value = { path: '/tmp/x', nested: { n: 1, s: 'ü' } };
    assert.deepEqual(decodePipesParams(encodePipesParams(value)), value);
  });

  test('decodes what the upstream dagster_pipes encode_param produces, and the reverse', () => {
    const fromPython = execFileSync(PYTHON, ['-c', 'from dagster_pipes import encode_param; print(encode_param({"path": "/tmp/ctx.json", "n": [1, 2]}))']).toString().trim();
    assert.deepEqual(decodePipesParams(fromPython), { path: '/tmp/ctx.json', n: [1, 2] });
    const ours = encodePipesParams({ stdio: 'stderr', k: 'ü' });
    const decoded = execFileSync(PYTHON, ['-c', 'import sys, json; from dagster_pipes import decode_param; print(json.dumps(decode_param(sys.argv[1])))', ours]).toString();
    assert.deepEqual(JSON.parse(decoded), { stdio: 'stderr', k: 'ü' });
  });

  test('bad parameters are refused with the failing layer named', () => {
    assert.throws(() => decodePipesParams('not base64 zlib!'), PipesParamsError);
    const notJson = deflateSync(Buffer.from('{nope')).toString('base64');
    assert.throws(() => decodePipesParams(notJson), /not JSON/);
  });
});

describe('pipes message parsing', () => {
  const line = (method: string, params: unknown) => JSON.stringify({ __dagster_pipes_version: '0.1', method, params });

  test('accepts every method with valid params', () => {
    for (const [method, params] of [
      ['opened', { extras: {} }],
      ['log', { message: 'hi', level: 'INFO' }],
      ['report_asset_materialization', { asset_key: 'a', data_version: null, metadata: { n: { raw_value: 1, type: 'int' } } }],
      ['report_asset_check', { asset_key: 'a', check_name: 'c', passed: true, severity: 'WARN', metadata: null }],
      ['report_custom_message', { payload: [1, 2] }],
      ['closed', {}],
    ] as const) {
      const r = parsePipesMessageLine(line(method, params));
      assert.ok(r.ok, `${method}: ${r.ok ? '' : r.reason}`);
    }
    assert.ok(isPipesMessageLine(line('log', { message: 'x', level: 'INFO' })));
    assert.ok(!isPipesMessageLine('plain output'));
  });

  test('each kind of bad line gets its own clear reason', () => {
    const cases: [string, RegExp][] = [
      ['{not json', /malformed pipes message \(not JSON\)/],
      ['[1,2]', /not a JSON object/],
      [JSON.stringify({ method: 'log', params: {} }), /no __dagster_pipes_version/],
      [line('explode', {}), /unknown pipes method "explode"/],
      [line('log', { message: 3, level: 'INFO' }), /log.message must be a string/],
      [line('report_asset_check', { check_name: 'c', passed: 'yes' }), /passed must be a boolean/],
    ];
    for (const [input, reason] of cases) {
      const r = parsePipesMessageLine(input);
      assert.equal(r.ok, false, input);
      assert.match(r.ok ? '' : r.reason, reason);
    }
    const big = line('log', { message: 'x'.repeat(2000), level: 'INFO' });
    const r = parsePipesMessageLine(big, { maxBytes: 1000 });
    assert.match(r.ok ? '' : r.reason, /pipes message of \d+ bytes exceeds the limit of 1000 bytes/);
  });
});

describe('pipes client', () => {
  test('writes every message kind that the orchestrator parses back', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pipes-client-'));
    const messages = path.join(dir, 'messages.jsonl');
    const session = openPipes({
      DAGSTER_PIPES_CONTEXT: encodePipesParams({ path: context(dir) }),
      DAGSTER_PIPES_MESSAGES: encodePipesParams({ path: messages }),
    });
    assert.deepEqual(session.assetKeys, ['demo/a', 'demo/b']);
    assert.equal(session.partitionKey, '2006-01');
    assert.match(session.traceparent ?? '', /^00-0af7651916cd43dd8448eb211c80319c-/);
    session.log.info('starting');
    session.reportAssetMaterialization({ assetKey: 'demo/a', metadata: { row_count: 42, note: 'ok', typed: { raw_value: 'https://x', type: 'url' } } });
    session.reportAssetCheck({ assetKey: 'demo/a', checkName: 'positive', passed: true });
    session.reportCustomMessage({ hello: 'world' });
    assert.throws(() => session.reportAssetMaterialization({ assetKey: 'other/asset' }), /not in this run's selection/);
    assert.throws(() => session.reportAssetMaterialization({}), /pass an assetKey; 2 assets are in scope/);
    session.close(new Error('boom'));
    const parsed = readFileSync(messages, 'utf8').trim().split('\n').map((l) => parsePipesMessageLine(l));
    assert.ok(parsed.every((p) => p.ok));
    assert.deepEqual(parsed.map((p) => (p.ok ? p.message.method : '')), ['opened', 'log', 'report_asset_materialization', 'report_asset_check', 'report_custom_message', 'closed']);
    const mat = parsed[2]!.ok ? parsed[2]!.message : undefined;
    assert.deepEqual(mat?.params, { asset_key: 'demo/a', data_version: null, metadata: { row_count: { raw_value: 42, type: '__infer__' }, note: { raw_value: 'ok', type: '__infer__' }, typed: { raw_value: 'https://x', type: 'url' } } });
    const closed = parsed[5]!.ok ? parsed[5]!.message : undefined;
    assert.equal(closed?.method === 'closed' && closed.params.exception?.message, 'boom');
  });

  test('outside pipes, openPipes says what is missing', () => {
    assert.throws(() => openPipes({}), PipesClientError);
    assert.throws(() => openPipes({}), /DAGSTER_PIPES_CONTEXT and DAGSTER_PIPES_MESSAGES must be set/);
  });

  test('the upstream python dagster_pipes reads a context we encoded and writes messages we parse', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pipes-py-'));
    const messages = path.join(dir, 'messages.jsonl');
    const script = `
from dagster_pipes import open_dagster_pipes
with open_dagster_pipes() as pipes:
    assert pipes.asset_keys == ["demo/a", "demo/b"], pipes.asset_keys
    pipes.log.info("from python " + pipes.partition_key)
    pipes.report_asset_materialization(asset_key="demo/b", metadata={"rows": 7}, data_version="v1")
    pipes.report_asset_check(asset_key="demo/b", check_name="fine", passed=False, severity="WARN")
    pipes.report_custom_message({"k": 1})
`;
    const r = spawnSync(PYTHON, ['-c', script], {
      env: { ...process.env, DAGSTER_PIPES_CONTEXT: encodePipesParams({ path: context(dir) }), DAGSTER_PIPES_MESSAGES: encodePipesParams({ path: messages }) },
    });
    assert.equal(r.status, 0, r.stderr.toString());
    const parsed = readFileSync(messages, 'utf8').trim().split('\n').map((l) => parsePipesMessageLine(l));
    assert.ok(parsed.every((p) => p.ok), JSON.stringify(parsed));
    const methods = parsed.map((p) => (p.ok ? p.message.method : ''));
    assert.deepEqual(methods, ['opened', 'log', 'report_asset_materialization', 'report_asset_check', 'report_custom_message', 'closed']);
  });
});

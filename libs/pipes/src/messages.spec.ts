import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatPipesMessage, isPipesMessageLine, parsePipesMessageLine, PIPES_METHODS, type PipesMessage } from './messages';

const line = (method: unknown, params: unknown): string => JSON.stringify({ __dagster_pipes_version: '0.1', method, params });

/** One valid message per method, in the shapes dagster_pipes writes. */
const VALID: PipesMessage[] = [
  { method: 'opened', params: { extras: {} } },
  { method: 'closed', params: {} },
  { method: 'closed', params: { exception: { message: 'ValueError: boom\n', stack: ['  File "x.py", line 1\n'], name: 'ValueError', cause: null, context: { message: 'KeyError', stack: [], name: 'KeyError', cause: null, context: null } } } },
  { method: 'log', params: { message: 'hi', level: 'INFO' } },
  { method: 'report_asset_materialization', params: { asset_key: 'a/b', data_version: 'v1', metadata: { n: { raw_value: 1, type: 'int' }, t: { raw_value: 'x', type: '__infer__' } } } },
  { method: 'report_asset_materialization', params: { asset_key: null, data_version: null, metadata: null } },
  { method: 'report_asset_check', params: { asset_key: 'a', check_name: 'c', passed: true, severity: 'WARN', metadata: null } },
  { method: 'report_custom_message', params: { payload: [1, 2] } },
  { method: 'log_external_stream', params: { stream: 'stdout', text: 'out\n', extras: {} } },
];

describe('pipes message parsing', () => {
  test('accepts every method in the shapes upstream writes, and round-trips formatPipesMessage', () => {
    assert.deepEqual([...new Set(VALID.map((m) => m.method))].sort(), [...PIPES_METHODS].sort(), 'every method is covered');
    for (const message of VALID) {
      const text = formatPipesMessage(message);
      assert.ok(text.endsWith('\n') && !text.slice(0, -1).includes('\n'), 'one line');
      assert.ok(text.startsWith('{"__dagster_pipes_version":"0.1",'), 'version key first');
      const parsed = parsePipesMessageLine(text.trimEnd());
      assert.ok(parsed.ok, `${message.method}: ${parsed.ok ? '' : parsed.reason}`);
      assert.deepEqual(parsed.message, message);
    }
  });

  test('null params mean no params, as upstream types them', () => {
    const parsed = parsePipesMessageLine(line('closed', null));
    assert.deepEqual(parsed, { ok: true, message: { method: 'closed', params: {} } });
  });

  test('each kind of bad line gets its own clear reason', () => {
    const cases: [string, RegExp][] = [
      ['{not json', /^malformed pipes message \(not JSON\)/],
      ['[1,2]', /not a JSON object/],
      [JSON.stringify({ method: 'log', params: {} }), /no __dagster_pipes_version/],
      [JSON.stringify({ __dagster_pipes_version: 1, method: 'log', params: {} }), /no __dagster_pipes_version string/],
      [line('foo', {}), /^unknown pipes method "foo"$/],
      [line(undefined, {}), /^unknown pipes method undefined$/],
      [line('log', [1]), /log\.params must be an object/],
      [line('log', { message: 3, level: 'INFO' }), /log\.message must be a string/],
      [line('log', { message: 'm' }), /log\.level must be a string/],
      [line('opened', { extras: 'x' }), /opened\.extras must be an object/],
      [line('closed', { exception: { stack: [] } }), /closed\.exception\.message must be a string/],
      [line('closed', { exception: { message: 'm', cause: { message: 1 } } }), /closed\.exception\.cause\.message must be a string/],
      [line('closed', { exception: { message: 'm', stack: [1] } }), /stack must be an array of strings/],
      [line('report_asset_materialization', { asset_key: 1 }), /asset_key must be a string/],
      [line('report_asset_materialization', { asset_key: 'a', data_version: 2 }), /data_version must be a string/],
      [line('report_asset_materialization', { asset_key: 'a', metadata: [] }), /metadata must be an object/],
      [line('report_asset_materialization', { asset_key: 'a', metadata: { n: 5 } }), /metadata\.n must be \{"raw_value": \.\.\., "type": <a pipes metadata type>\}, got 5/],
      [line('report_asset_materialization', { asset_key: 'a', metadata: { n: { raw_value: 5, type: 'integer' } } }), /metadata\.n must be/],
      [line('report_asset_check', { check_name: 'c', passed: 'yes' }), /passed must be a boolean/],
      [line('report_asset_check', { check_name: '', passed: true }), /check_name must be a non-empty string/],
      [line('report_asset_check', { check_name: 'c', passed: true, severity: 'warn' }), /severity must be "WARN" or "ERROR"/],
      [line('report_custom_message', {}), /payload is missing/],
      [line('log_external_stream', { stream: 'stdout' }), /needs string stream and text/],
    ];
    for (const [input, reason] of cases) {
      const r = parsePipesMessageLine(input);
      assert.equal(r.ok, false, input);
      assert.match(r.ok ? '' : r.reason, reason, input);
    }
  });

  test('an oversized line is refused naming its size and the limit, before parsing', () => {
    const big = line('log', { message: 'é'.repeat(600), level: 'INFO' });
    const r = parsePipesMessageLine(big, { maxBytes: 1000 });
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.reason, `pipes message of ${Buffer.byteLength(big)} bytes exceeds the limit of 1000 bytes`);
    assert.ok(Buffer.byteLength(big) > big.length, 'the limit counts UTF-8 bytes, not characters');
    assert.ok(parsePipesMessageLine(big, { maxBytes: 2000 }).ok);
  });

  test('isPipesMessageLine tells messages from plain output without parsing', () => {
    assert.ok(isPipesMessageLine(line('log', { message: 'x', level: 'INFO' })));
    assert.ok(isPipesMessageLine('{"__dagster_pipes_version": "0.1", "method": "log", broken'), 'Python spacing; still a message line (parse reports it)');
    assert.ok(isPipesMessageLine('  { "__dagster_pipes_version": "0.1"}'));
    assert.ok(!isPipesMessageLine('plain output'));
    assert.ok(!isPipesMessageLine('{"level":30,"msg":"a pino line that mentions __dagster_pipes_version"}'));
    assert.ok(!isPipesMessageLine(''));
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { decodePipesParams, encodePipesParams, PipesParamsError } from './codec';
import { skipWithoutUpstream, UPSTREAM_PYTHON } from './testing/upstream-python';

/**
 * Produced by dagster-pipes 1.13.29 with
 * `python -c 'from dagster_pipes import encode_param; print(encode_param(...))'`.
 */
const FROM_UPSTREAM = {
  path: { encoded: 'eJyrVipILMlQslJQ0i/JLdBPT8wrKarUT87PK0mtKNHLKs7PU6oFAOOaDOg=', value: { path: '/tmp/gantry/context.json' } },
  data: {
    encoded: 'eJyrVkpJLElUslKoVkosLk4tic9OrSwGcqOVEvWTlGJ1FJSKSvPiM1OAQkpFSkBuakVJUWIxWEM2SDCm1MAgLVmptrYWAHJLFtE=',
    value: { data: { asset_keys: ['a/b'], run_id: 'r', extras: { k: 'ü' } } },
  },
};

describe('pipes codec', () => {
  test('round-trips objects, unicode included', () => {
    const value = { path: '/tmp/x', nested: { n: 1, s: 'ü ✈', list: [true, null] } };
    assert.deepEqual(decodePipesParams(encodePipesParams(value)), value);
  });

  test('decodes strings the upstream encode_param produced (checked-in vectors)', () => {
    for (const { encoded, value } of Object.values(FROM_UPSTREAM)) assert.deepEqual(decodePipesParams(encoded), value);
    const wrapped = FROM_UPSTREAM.path.encoded.replace(/(.{20})/g, '$1\n');
    assert.deepEqual(decodePipesParams(wrapped), FROM_UPSTREAM.path.value, 'line-wrapped base64 decodes too');
  });

  test('live: upstream decode_param reads ours, and we read upstream encode_param', { skip: skipWithoutUpstream }, () => {
    const value = { stdio: 'stderr', k: 'ü', n: [1, 2.5], deep: { x: null } };
    const decodedByPython = execFileSync(UPSTREAM_PYTHON, ['-c', 'import sys, json; from dagster_pipes import decode_param; print(json.dumps(decode_param(sys.argv[1])))', encodePipesParams(value)]);
    assert.deepEqual(JSON.parse(decodedByPython.toString()), value);
    const encodedByPython = execFileSync(UPSTREAM_PYTHON, ['-c', 'import sys, json; from dagster_pipes import encode_param; print(encode_param(json.loads(sys.argv[1])))', JSON.stringify(value)]);
    assert.deepEqual(decodePipesParams(encodedByPython.toString().trim()), value);
  });

  test('each bad input is refused with the failing layer named', () => {
    const cases: [string, RegExp][] = [
      ['', /is empty/],
      ['not base64 zlib!', /not base64: it has characters outside the base64 alphabet/],
      [Buffer.from('plain text, not deflated').toString('base64'), /base64 but not zlib data/],
      [deflateSync(Buffer.from('{nope')).toString('base64'), /inflates but is not JSON/],
      [deflateSync(Buffer.from('[1,2]')).toString('base64'), /must be a JSON object, got an array/],
      [deflateSync(Buffer.from('"path"')).toString('base64'), /must be a JSON object, got "path"/],
    ];
    for (const [input, reason] of cases) {
      assert.throws(() => decodePipesParams(input), (error: unknown) => error instanceof PipesParamsError && reason.test(error.message), input);
    }
  });

  test('refuses to encode what JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    assert.throws(() => encodePipesParams(cyclic), /not JSON-serializable/);
    assert.throws(() => encodePipesParams({ n: 1n }), PipesParamsError);
  });
});

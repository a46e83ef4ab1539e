import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { assetKeyPath, createPipesContextData, PipesContextError, toRunContext, validatePipesContextData } from './context';
import { skipWithoutUpstream, UPSTREAM_PYTHON } from './testing/upstream-python';

describe('pipes context', () => {
  test('createPipesContextData fills every wire key', () => {
    assert.deepEqual(createPipesContextData({ run_id: 'r1', asset_keys: ['a'] }), {
      asset_keys: ['a'],
      code_version_by_asset_key: null,
      provenance_by_asset_key: null,
      partition_key: null,
      partition_key_range: null,
      partition_time_window: null,
      run_id: 'r1',
      job_name: null,
      retry_number: 0,
      extras: {},
    });
  });

  test('validation completes lean contexts and names the first bad field', () => {
    assert.deepEqual(validatePipesContextData({ run_id: 'r', asset_keys: ['a/b'] }), createPipesContextData({ run_id: 'r', asset_keys: ['a/b'] }));
    const cases: [unknown, RegExp][] = [
      [[], /must be a JSON object/],
      [{}, /run_id must be a non-empty string, got undefined/],
      [{ run_id: 'r', asset_keys: 'a/b' }, /asset_keys must be an array of strings, got "a\/b"/],
      [{ run_id: 'r', partition_key_range: { start: '2001-01' } }, /partition_key_range must be an object with string start and end/],
      [{ run_id: 'r', retry_number: -1 }, /retry_number must be a non-negative integer/],
      [{ run_id: 'r', code_version_by_asset_key: { a: 1 } }, /code_version_by_asset_key must be an object of strings or nulls/],
      [{ run_id: 'r', extras: [] }, /extras must be an object/],
    ];
    for (const [value, reason] of cases) {
      assert.throws(() => validatePipesContextData(value), (e: unknown) => e instanceof PipesContextError && reason.test(e.message), JSON.stringify(value));
    }
  });

  test('the camelCase view: single partitions show as key and range, traceparent comes from extras', () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const view = toRunContext(createPipesContextData({ run_id: 'r', asset_keys: ['a'], partition_key_range: { start: '2001-02', end: '2001-02' }, extras: { traceparent: tp } }));
    assert.equal(view.partitionKey, '2001-02');
    assert.deepEqual(view.partitionKeyRange, { start: '2001-02', end: '2001-02' });
    assert.equal(view.isPartitionStep, true);
    assert.equal(view.traceparent, tp);
    assert.ok(Object.isFrozen(view) && Object.isFrozen(view.assetKeys));
    const bare = toRunContext(createPipesContextData({ run_id: 'r', partition_key: '2001-03' }));
    assert.deepEqual([bare.assetKeys, bare.isAssetStep, bare.partitionKeyRange, bare.traceparent], [[], false, { start: '2001-03', end: '2001-03' }, undefined]);
  });

  test('assetKeyPath splits like upstream to_asset_key_path', () => {
    const keys = ['a/b', 'a/b\\/c/d', 'single', 'x\\\\y/z', 'trailing/'];
    const expected = [['a', 'b'], ['a', 'b/c', 'd'], ['single'], ['x\\y', 'z'], ['trailing']];
    assert.deepEqual(keys.map(assetKeyPath), expected);
  });

  test('live: assetKeyPath agrees with upstream to_asset_key_path', { skip: skipWithoutUpstream }, () => {
    const keys = ['a/b', 'a/b\\/c/d', 'single', 'x\\\\y/z', 'trailing/', '/lead', 'é/ü'];
    const out = execFileSync(UPSTREAM_PYTHON, ['-c', 'import sys, json; from dagster_pipes import to_asset_key_path; print(json.dumps([to_asset_key_path(k) for k in json.loads(sys.argv[1])]))', JSON.stringify(keys)]);
    assert.deepEqual(keys.map(assetKeyPath), JSON.parse(out.toString()));
  });
});

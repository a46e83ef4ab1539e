import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromNano, toNano } from '@gantry/domain';
import { attributionTargets, splitAmount } from './cost-attribution';

const mat = (seq: number, assetId: string, atMs: number) => ({ seq, assetId, partitionKey: null, atMs });

describe('attribution of a run’s measured cost', () => {
  test('by step time: the gap from the run start (or the previous materialization) to each materialization', () => {
    const targets = attributionTargets([mat(7, 'b', 1_000 + 3_000), mat(4, 'a', 1_000 + 1_000)], 1_000, ['a', 'b'], null);
    assert.deepEqual(targets.map((t) => [t.assetId, t.materializationSeq, t.weightMs]), [['a', 4, 1000], ['b', 7, 2000]]);
    assert.deepEqual(splitAmount(toNano('0.000000003'), targets), [1n, 2n]);
  });

  test('evenly when no step times exist; across the selection when nothing was materialized', () => {
    const same = attributionTargets([mat(3, 'a', 5_000), mat(4, 'b', 5_000), mat(5, 'c', 5_000)], 5_000, [], null);
    assert.deepEqual(splitAmount(toNano(1), same).map(fromNano), ['0.333333334', '0.333333333', '0.333333333']);
    const none = attributionTargets([], 0, ['x', 'y'], 'p1');
    assert.deepEqual(none.map((t) => [t.assetId, t.materializationSeq, t.partitionKey]), [['x', 0, 'p1'], ['y', 0, 'p1']]);
  });

  test('shares always sum exactly to the total, including rounding, and clock skew counts as 0', () => {
    const targets = attributionTargets([mat(2, 'a', 900), mat(3, 'b', 1_333), mat(4, 'c', 1_777), mat(5, 'd', 1_500)], 1_000, [], null);
    assert.deepEqual(targets.map((t) => t.weightMs), [0, 333, 444, 0]);
    for (const total of [0n, 1n, 2n, 7n, 999_999_999n, toNano('0.000123457'), toNano(1234.5678)]) {
      assert.equal(splitAmount(total, targets).reduce((a, b) => a + b, 0n), total);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CostAmountError, fromNano, splitExact, toNano } from './cost-amount';

describe('toNano / fromNano', () => {
  test('round-trips decimals exactly, rounding half-up at the 10th digit', () => {
    assert.equal(toNano(0.1), 100_000_000n);
    assert.equal(toNano('12.5'), 12_500_000_000n);
    assert.equal(toNano('0.0000000015'), 2n);
    assert.equal(toNano('0.0000000014'), 1n);
    assert.equal(fromNano(toNano(0.000012345)), '0.000012345');
    assert.equal(fromNano(1n), '0.000000001');
    assert.equal(fromNano(5_000_000_000n), '5.000000000');
  });

  test('refuses negatives, NaN, infinities, exponents and text with a reason', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '1e3', 'abc', '-2', '']) {
      assert.throws(() => toNano(bad), CostAmountError);
    }
  });
});

describe('splitExact', () => {
  test('parts are proportional and sum exactly to the total, leftovers to the largest remainders', () => {
    assert.deepEqual(splitExact(100n, [1n, 1n, 1n]), [34n, 33n, 33n]);
    assert.deepEqual(splitExact(10n, [1n, 2n, 7n]), [1n, 2n, 7n]);
    assert.deepEqual(splitExact(1n, [5n, 5n]), [1n, 0n]);
    assert.deepEqual(splitExact(7n, [0n, 0n, 0n]), [3n, 2n, 2n], 'even when no weights');
  });

  test('never drifts: 10,000 random splits of random totals sum to the total', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 10_000; i++) {
      const total = BigInt(rnd(1_000_000_000)) * BigInt(1 + rnd(1000));
      const weights = Array.from({ length: 1 + rnd(12) }, () => BigInt(rnd(5) === 0 ? 0 : rnd(100_000)));
      const parts = splitExact(total, weights);
      assert.equal(parts.reduce((a, b) => a + b, 0n), total);
      assert.ok(parts.every((p) => p >= 0n));
    }
  });

  test('float arithmetic would drift where this does not: 0.1 USD three ways', () => {
    const parts = splitExact(toNano(0.1), [1n, 1n, 1n]);
    assert.deepEqual(parts.map(fromNano), ['0.033333334', '0.033333333', '0.033333333']);
  });

  test('refuses empty or negative input', () => {
    assert.throws(() => splitExact(1n, []), RangeError);
    assert.throws(() => splitExact(1n, [-1n]), RangeError);
    assert.throws(() => splitExact(-1n, [1n]), RangeError);
  });
});

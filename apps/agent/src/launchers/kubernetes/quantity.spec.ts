import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseQuantity, QuantityError } from './quantity';

describe('parseQuantity', () => {
  const cases: [string | number, number][] = [
    ['500m', 0.5],
    ['250m', 0.25],
    ['2', 2],
    ['0', 0],
    ['0.5', 0.5],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['+2', 2],
    ['100n', 100e-9],
    ['10u', 10e-6],
    ['1k', 1000],
    ['1G', 1e9],
    ['2M', 2e6],
    ['1T', 1e12],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2Ti', 2 * 2 ** 40],
    ['1e3', 1000],
    ['12E-1', 1.2],
    [' 1Gi ', 2 ** 30],
    [4, 4],
    [0.25, 0.25],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => {
      const got = parseQuantity(input);
      assert.ok(Math.abs(got - expected) <= Math.abs(expected) * 1e-12, `${got} ≠ ${expected}`);
    });
  }

  for (const input of ['', 'abc', '1Gb', '1gi', '-1', '-500m', '1.2.3', 'Gi', '1 Gi', '1e', 'm', '0x10']) {
    test(`refuses ${JSON.stringify(input)} with a clear error`, () => {
      assert.throws(() => parseQuantity(input), (error: unknown) => {
        assert.ok(error instanceof QuantityError);
        assert.ok(error.message.startsWith(`invalid Kubernetes quantity ${JSON.stringify(input)}: expected a non-negative number`), error.message);
        return true;
      });
    });
  }

  test('refuses negative or non-finite numbers', () => {
    assert.throws(() => parseQuantity(-1), QuantityError);
    assert.throws(() => parseQuantity(Number.NaN), QuantityError);
  });
});

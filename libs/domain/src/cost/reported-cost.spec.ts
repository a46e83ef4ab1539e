import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseReportedCosts } from './reported-cost';

const f = (raw_value: unknown) => ({ raw_value, type: Number.isInteger(raw_value) ? 'int' : 'float' });
const json = (raw_value: unknown) => ({ raw_value, type: 'json' });

describe('parseReportedCosts', () => {
  test('accepts the flat keys and the structured entry with its unit', () => {
    const r = parseReportedCosts({
      rows: f(12),
      'gantry/cost_usd': f(1.25),
      'gantry/warehouse_credits': f(3),
      'gantry/bytes_scanned': f(1_000_000),
      'gantry/cost': json([{ amount: 2, unit: 'EUR', label: 'spark' }, { amount: 0.5, unit: 'dbu' }]),
    });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.costs.map((c) => [c.metric, c.unit, c.amountNano]),
      [
        ['gantry/cost_usd', 'USD', 1_250_000_000n],
        ['gantry/warehouse_credits', 'credits', 3_000_000_000n],
        ['gantry/bytes_scanned', 'bytes', 1_000_000_000_000_000n],
        ['gantry/cost:spark', 'EUR', 2_000_000_000n],
        ['gantry/cost[1]', 'dbu', 500_000_000n],
      ],
    );
  });

  test('refuses negative, non-numeric, absurd, unknown unit and unknown key, keeping the rest', () => {
    const r = parseReportedCosts({
      'gantry/cost_usd': f(-3),
      'gantry/warehouse_credits': { raw_value: 'lots', type: 'text' },
      'gantry/bytes_scanned': f(1e19),
      'gantry/cost': json([{ amount: 1, unit: 'doubloons' }, { amount: 4, unit: 'USD' }, { amount: 'x', unit: 'USD' }]),
      'gantry/cost_eur': f(1),
    });
    assert.deepEqual(r.costs.map((c) => [c.metric, c.unit, c.amountNano]), [['gantry/cost[1]', 'USD', 4_000_000_000n]]);
    const reasons = Object.fromEntries(r.problems.map((p) => [p.key, p.reason]));
    assert.match(reasons['gantry/cost_usd']!, /negative/);
    assert.match(reasons['gantry/warehouse_credits']!, /not a number/);
    assert.match(reasons['gantry/bytes_scanned']!, /absurd/);
    assert.match(reasons['gantry/cost[0]']!, /unknown unit "doubloons"/);
    assert.match(reasons['gantry/cost[2]']!, /not a number/);
    assert.match(reasons['gantry/cost_eur']!, /unknown key/);
  });

  test('a structured entry that is not json is refused', () => {
    assert.match(parseReportedCosts({ 'gantry/cost': { raw_value: '5 USD', type: 'text' } }).problems[0]!.reason, /expected/);
  });
});

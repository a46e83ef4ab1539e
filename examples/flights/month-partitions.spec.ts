import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { monthKeys, PartitionSelectionError, selectMonths } from './month-partitions';

const DEFINED = monthKeys({ type: 'time', cron: 'monthly', start: '2001-01', end: '2001-06' });

describe('month partitions of the flights pipeline', () => {
  test('expands a monthly definition inclusively, across a year boundary too', () => {
    assert.deepEqual(DEFINED, ['2001-01', '2001-02', '2001-03', '2001-04', '2001-05', '2001-06']);
    assert.deepEqual(monthKeys({ type: 'time', cron: 'monthly', start: '2000-11-01', end: '2001-02' }), ['2000-11', '2000-12', '2001-01', '2001-02']);
  });

  test('rejects definitions it cannot expand', () => {
    assert.throws(() => monthKeys({ type: 'time', cron: 'monthly', start: '2001-01' }), PartitionSelectionError);
    assert.throws(() => monthKeys({ type: 'time', cron: 'daily', start: '2001-01-01', end: '2001-01-31' }), PartitionSelectionError);
    assert.throws(() => monthKeys({ type: 'time', cron: 'monthly', start: '2001-13', end: '2002-01' }), /not a month key/);
  });

  test('selects one key, an inclusive range, or everything', () => {
    assert.deepEqual(selectMonths(DEFINED, '2001-04', null), ['2001-04']);
    assert.deepEqual(selectMonths(DEFINED, '2001-04-01', null), ['2001-04'], 'a day-precision key names its month');
    assert.deepEqual(selectMonths(DEFINED, null, { start: '2001-02', end: '2001-04' }), ['2001-02', '2001-03', '2001-04']);
    assert.deepEqual(selectMonths(DEFINED, null, null), DEFINED);
  });

  test('rejects keys outside the definition and backwards ranges', () => {
    assert.throws(() => selectMonths(DEFINED, '2001-07', null), /not one of 2001-01\.\.2001-06/);
    assert.throws(() => selectMonths(DEFINED, null, { start: '2001-05', end: '2001-02' }), /runs backwards/);
  });
});

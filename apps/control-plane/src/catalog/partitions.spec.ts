import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePartitions, partitionIndex, partitionKeys, samePartitions } from './partitions';

const now = new Date('2024-03-15T12:00:00Z');

test('monthly time partitions run from start to end inclusive, keyed YYYY-MM', () => {
  const spec = parsePartitions({ type: 'time', cron: 'monthly', start: '2001-01', end: '2001-03' });
  assert.ok(spec);
  assert.deepEqual(partitionKeys(spec, now), ['2001-01', '2001-02', '2001-03']);
  assert.deepEqual(partitionIndex(spec, '2001-02', now), { index: 1 });
});

test('without end, time partitions stop at the last complete period', () => {
  const monthly = parsePartitions({ type: 'time', cron: 'monthly', start: '2023-12' });
  assert.ok(monthly);
  assert.deepEqual(partitionKeys(monthly, now), ['2023-12', '2024-01', '2024-02']);
  const daily = parsePartitions({ type: 'time', cron: 'daily', start: '2024-03-12' });
  assert.ok(daily);
  assert.deepEqual(partitionKeys(daily, now), ['2024-03-12', '2024-03-13', '2024-03-14']);
});

test('a start inside a month begins at the next whole month', () => {
  const spec = parsePartitions({ type: 'time', cron: 'monthly', start: '2001-01-15', end: '2001-03' });
  assert.ok(spec);
  assert.deepEqual(partitionKeys(spec, now), ['2001-02', '2001-03']);
});

test('malformed, misaligned and out-of-range keys are refused with a reason', () => {
  const spec = parsePartitions({ type: 'time', cron: 'monthly', start: '2001-01', end: '2001-03' });
  assert.ok(spec);
  assert.match(JSON.stringify(partitionIndex(spec, '2001-1', now)), /not a monthly partition key \(YYYY-MM\)/);
  assert.match(JSON.stringify(partitionIndex(spec, '2001-01-01', now)), /not a monthly partition key/);
  assert.match(JSON.stringify(partitionIndex(spec, '2001-04', now)), /outside the partitions 2001-01…2001-03/);
  assert.match(JSON.stringify(partitionIndex(spec, '2001-02-30', now)), /not a monthly/);
});

test('static partitions are their listed keys', () => {
  const spec = parsePartitions({ type: 'static', keys: ['eu', 'us'] });
  assert.ok(spec);
  assert.deepEqual(partitionKeys(spec), ['eu', 'us']);
  assert.deepEqual(partitionIndex(spec, 'us'), { index: 1 });
  assert.match(JSON.stringify(partitionIndex(spec, 'asia')), /not one of the keys eu, us/);
});

test('definitions compare by meaning; unreadable JSON is no definition', () => {
  const a = parsePartitions({ type: 'time', start: '2001-01' });
  const b = parsePartitions({ type: 'time', cron: 'monthly', start: '2001-01' });
  assert.ok(a && b);
  assert.equal(samePartitions(a, b), true);
  assert.equal(samePartitions(a, { type: 'static', keys: ['x'] }), false);
  assert.equal(parsePartitions({ type: 'hourly' }), null);
  assert.equal(parsePartitions(null), null);
});

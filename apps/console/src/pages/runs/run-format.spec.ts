import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventAsset } from './run-events';
import { formatDuration, formatPartition, isTerminal, runDurationMs } from './run-format';

describe('run formatting', () => {
  test('durations read as ms, seconds, minutes or hours', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(12_340), '12.3 s');
    assert.equal(formatDuration(245_000), '4 min 05 s');
    assert.equal(formatDuration(7_380_000), '2 h 03 min');
  });

  test('a run’s duration runs from its start to its end, or to now while it runs; none before it started', () => {
    const created = '2026-01-01T00:00:00Z';
    assert.equal(runDurationMs({ createdAt: created, startedAt: '2026-01-01T00:00:02Z', endedAt: '2026-01-01T00:00:12Z' }, 0), 10_000);
    assert.equal(runDurationMs({ createdAt: created, startedAt: '2026-01-01T00:00:02Z' }, Date.parse('2026-01-01T00:00:05Z')), 3_000);
    assert.equal(runDurationMs({ createdAt: created }, Date.now()), null);
    // Canceled while queued: never started, ended; counted from creation.
    assert.equal(runDurationMs({ createdAt: created, endedAt: '2026-01-01T00:00:01Z' }, 0), 1_000);
  });

  test('partitions and terminal statuses', () => {
    assert.equal(formatPartition({ partitionKey: '2001-03' }), '2001-03');
    assert.equal(formatPartition({ partitionRange: { start: '2001-01', end: '2001-06' } }), '2001-01 … 2001-06');
    assert.equal(formatPartition({}), '—');
    assert.deepEqual(['QUEUED', 'STARTED', 'CANCELING', 'SUCCESS', 'FAILURE', 'CANCELED'].map(isTerminal), [false, false, false, true, true, true]);
  });

  test('log lines without an asset key belong to the run asset their message starts with', () => {
    const base = { seq: 1, type: 'LOG', timestamp: '2026-01-01T00:00:00Z', payload: {} };
    const keys = ['flights/raw_flights', 'flights/airports'];
    assert.equal(eventAsset({ ...base, message: 'flights/airports: computing' }, keys), 'flights/airports');
    assert.equal(eventAsset({ ...base, message: 'flights: done in 6513 ms' }, keys), null);
    assert.equal(eventAsset({ ...base, type: 'ASSET_MATERIALIZATION', assetKey: 'flights/raw_flights' }, keys), 'flights/raw_flights');
  });
});

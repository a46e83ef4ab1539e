import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { partitionStates, type PartitionStatusData } from './partition-states';

const KEYS = ['2001-01', '2001-02', '2001-03', '2001-04'];
const run = (id: string, status: string, at: string, partition: { partitionKey?: string; partitionRange?: { start: string; end: string } }) => ({
  node: { id, status, createdAt: at, endedAt: status === 'STARTED' ? null : at, ...partition },
});

describe('partitionStates', () => {
  test('a range run’s materialization without a partition key covers every key of the range; other keys are missing', () => {
    const data: PartitionStatusData = {
      assetMaterializations: { edges: [{ node: { runId: 'r1', createdAt: '2026-01-01T00:00:05Z', partitionKey: null } }] },
      runs: { edges: [run('r1', 'SUCCESS', '2026-01-01T00:00:06Z', { partitionRange: { start: '2001-01', end: '2001-03' } })] },
    };
    const cells = partitionStates(KEYS, data);
    assert.deepEqual([...cells.values()].map((c) => c.state), ['materialized', 'materialized', 'materialized', 'missing']);
    assert.equal(cells.get('2001-02')?.runId, 'r1');
  });

  test('the newest fact wins: a later failure overrides an earlier materialization, a later materialization a failure', () => {
    const data: PartitionStatusData = {
      assetMaterializations: {
        edges: [
          { node: { runId: 'r3', createdAt: '2026-01-03T00:00:00Z', partitionKey: '2001-02' } },
          { node: { runId: 'r1', createdAt: '2026-01-01T00:00:00Z', partitionKey: '2001-01' } },
        ],
      },
      runs: {
        edges: [
          run('r4', 'STARTED', '2026-01-04T00:00:00Z', { partitionKey: '2001-04' }),
          run('r3', 'SUCCESS', '2026-01-03T00:00:00Z', { partitionKey: '2001-02' }),
          run('r2', 'FAILURE', '2026-01-02T00:00:00Z', { partitionRange: { start: '2001-01', end: '2001-02' } }),
          run('r1', 'SUCCESS', '2026-01-01T00:00:00Z', { partitionKey: '2001-01' }),
        ],
      },
    };
    const cells = partitionStates(KEYS, data);
    assert.deepEqual(Object.fromEntries([...cells].map(([k, c]) => [k, c.state])), { '2001-01': 'failed', '2001-02': 'materialized', '2001-03': 'missing', '2001-04': 'running' });
  });

  test('a failed run that materialized a key before failing leaves that key materialized', () => {
    const data: PartitionStatusData = {
      assetMaterializations: { edges: [{ node: { runId: 'r1', createdAt: '2026-01-01T00:00:00Z', partitionKey: '2001-01' } }] },
      runs: { edges: [run('r1', 'FAILURE', '2026-01-01T00:00:09Z', { partitionRange: { start: '2001-01', end: '2001-02' } })] },
    };
    const cells = partitionStates(KEYS, data);
    assert.equal(cells.get('2001-01')?.state, 'materialized');
    assert.equal(cells.get('2001-02')?.state, 'failed');
  });
});

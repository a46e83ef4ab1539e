import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RUN_STATUSES } from '@gantry/domain';
import { toAsset } from '../catalog/catalog.mappers';
import { planCancel, resolveRunPartition } from './run-rules';
import { PartitionInvalidError } from './runs.errors';

test('planCancel: queued ends at once, held runs go through the agent, finished runs are refused', () => {
  const plans = Object.fromEntries(RUN_STATUSES.map((s) => [s, planCancel(s)]));
  assert.deepEqual(plans, {
    QUEUED: { kind: 'set', status: 'CANCELED', notifyAgent: false },
    STARTING: { kind: 'set', status: 'CANCELING', notifyAgent: true },
    STARTED: { kind: 'set', status: 'CANCELING', notifyAgent: true },
    CANCELING: { kind: 'renotify' },
    SUCCESS: { kind: 'refuse' },
    FAILURE: { kind: 'refuse' },
    CANCELED: { kind: 'refuse' },
  });
});

function asset(key: string, partitions: unknown) {
  const now = new Date();
  return toAsset({
    id: key,
    orgId: 'o',
    deploymentId: 'd',
    codeLocationId: 'c',
    key,
    keyPath: key.split('/'),
    groupName: 'default',
    owners: [],
    tags: {},
    kinds: [],
    description: null,
    codeVersion: null,
    partitionsDefinition: partitions as never,
    active: true,
    createdAt: now,
    updatedAt: now,
  });
}

test('resolveRunPartition stores a key or a range, and nothing for unpartitioned selections', () => {
  const daily = { type: 'time', cron: 'daily', start: '2024-01-01', end: '2024-01-31' };
  assert.deepEqual(resolveRunPartition([asset('a', daily)], '2024-01-05', null), { partitionKey: '2024-01-05', partitionRangeStart: null, partitionRangeEnd: null });
  assert.deepEqual(resolveRunPartition([asset('a', daily), asset('b', null)], null, { start: '2024-01-02', end: '2024-01-02' }), {
    partitionKey: null,
    partitionRangeStart: '2024-01-02',
    partitionRangeEnd: '2024-01-02',
  });
  assert.deepEqual(resolveRunPartition([asset('b', null)], undefined, undefined), { partitionKey: null, partitionRangeStart: null, partitionRangeEnd: null });
  assert.throws(() => resolveRunPartition([asset('a', daily)], '2024-02-01', null), PartitionInvalidError);
});

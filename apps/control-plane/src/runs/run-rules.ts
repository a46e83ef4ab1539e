import type { RunStatus } from '@gantry/domain';
import type { AssetView } from '../catalog/catalog.mappers';
import { partitionIndex, samePartitions } from '../catalog/partitions';
import { PartitionInvalidError } from './runs.errors';
import type { CancelStep } from './runs.repository';

/** The partition columns of a new run. */
export interface RunPartition {
  partitionKey: string | null;
  partitionRangeStart: string | null;
  partitionRangeEnd: string | null;
}

/**
 * Checks the partition of a launch against the selected assets:
 * - no selected asset partitioned: no key and no range allowed;
 * - some partitioned: exactly one of key or range, valid for their (shared)
 *   definition; unpartitioned assets of the selection run once, as in Dagster;
 * - partitioned assets with different definitions cannot share a run.
 * Errors: PartitionInvalidError with the reason.
 */
export function resolveRunPartition(
  assets: readonly AssetView[],
  partitionKey: string | null | undefined,
  range: { start: string; end: string } | null | undefined,
  now: Date = new Date(),
): RunPartition {
  const hasKey = partitionKey !== null && partitionKey !== undefined;
  const hasRange = range !== null && range !== undefined;
  if (hasKey && hasRange) throw new PartitionInvalidError('give partitionKey or partitionRange, not both');
  const partitioned = assets.filter((a) => a.partitionsSpec);
  const first = partitioned[0];
  if (!first?.partitionsSpec) {
    if (hasKey || hasRange) throw new PartitionInvalidError(`the selected assets are not partitioned; launch without partitionKey or partitionRange`);
    return { partitionKey: null, partitionRangeStart: null, partitionRangeEnd: null };
  }
  const spec = first.partitionsSpec;
  const different = partitioned.filter((a) => a.partitionsSpec && !samePartitions(spec, a.partitionsSpec));
  if (different.length) {
    throw new PartitionInvalidError(`assets ${first.key} and ${different.map((a) => a.key).join(', ')} have different partitions; launch them in separate runs`);
  }
  if (!hasKey && !hasRange) throw new PartitionInvalidError(`asset ${first.key} is partitioned: give partitionKey or partitionRange`);
  if (hasKey) {
    const at = partitionIndex(spec, partitionKey, now);
    if ('reason' in at) throw new PartitionInvalidError(at.reason);
    return { partitionKey, partitionRangeStart: null, partitionRangeEnd: null };
  }
  const start = partitionIndex(spec, range!.start, now);
  if ('reason' in start) throw new PartitionInvalidError(`range start: ${start.reason}`);
  const end = partitionIndex(spec, range!.end, now);
  if ('reason' in end) throw new PartitionInvalidError(`range end: ${end.reason}`);
  if (start.index > end.index) throw new PartitionInvalidError(`range start ${range!.start} comes after its end ${range!.end}`);
  return { partitionKey: null, partitionRangeStart: range!.start, partitionRangeEnd: range!.end };
}

/**
 * What cancel does per status: QUEUED → CANCELED at once (no agent holds it);
 * STARTING/STARTED → CANCELING and the holding agent is told (it reports
 * RUN_CANCELED later); CANCELING → tell the agent again (idempotent);
 * SUCCESS/FAILURE/CANCELED → refused.
 */
export function planCancel(status: RunStatus): CancelStep {
  switch (status) {
    case 'QUEUED':
      return { kind: 'set', status: 'CANCELED', notifyAgent: false };
    case 'STARTING':
    case 'STARTED':
      return { kind: 'set', status: 'CANCELING', notifyAgent: true };
    case 'CANCELING':
      return { kind: 'renotify' };
    case 'SUCCESS':
    case 'FAILURE':
    case 'CANCELED':
      return { kind: 'refuse' };
    default: {
      const unhandled: never = status;
      throw new Error(`unknown run status ${String(unhandled)}`);
    }
  }
}

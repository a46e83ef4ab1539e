import type { RunAssignment } from '@gantry/proto';
import type { ClaimedRunRow } from './dispatch.repository';

/** Builds the RunAssignment message of a claimed run; absent optional strings become "". */
export function toRunAssignment(row: ClaimedRunRow): RunAssignment {
  return {
    runId: row.id,
    deployment: row.deployment_name,
    codeLocation: row.code_location_name ?? '',
    codeLocationVersion: row.code_location_version,
    assetKeys: row.asset_keys ?? [],
    partitionKey: row.partition_key ?? '',
    partitionRangeStart: row.partition_range_start ?? '',
    partitionRangeEnd: row.partition_range_end ?? '',
    traceparent: row.traceparent ?? '',
    leaseExpiresAtMs: row.lease_expires_at.getTime(),
    tagsJson: JSON.stringify(row.tags ?? {}),
    storedSeq: row.stored_seq,
  };
}

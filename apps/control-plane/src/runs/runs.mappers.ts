import type { RunModel } from '@gantry/db';
import type { JsonValue } from '../api/scalars/json.scalar';
import { tagsFromJson } from '../catalog/models/tag.model';
import type { RunEvent } from './models/run-event.model';
import type { Run } from './models/run.model';
import type { RunEventRow } from './runs.repository';

export function toRun(row: RunModel): Run {
  return {
    id: row.id,
    status: row.status,
    assetKeys: row.assetKeys,
    partitionKey: row.partitionKey,
    partitionRange: row.partitionRangeStart !== null && row.partitionRangeEnd !== null ? { start: row.partitionRangeStart, end: row.partitionRangeEnd } : null,
    tags: tagsFromJson(row.tags),
    codeLocationVersion: row.codeLocationVersion,
    failureReason: row.failureReason,
    launchedBy: row.launchedBy,
    traceparent: row.traceparent,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    deploymentId: row.deploymentId,
    codeLocationId: row.codeLocationId,
    agentId: row.agentId,
  };
}

export function toRunEvent(row: RunEventRow): RunEvent {
  return {
    runId: row.runId,
    seq: row.seq,
    type: row.type,
    level: row.level,
    message: row.message,
    assetKey: row.assetKey,
    payload: row.payload as JsonValue,
    timestamp: row.timestamp,
  };
}

/** Cursor of a run event: its seq in decimal. */
export function eventCursor(seq: number): string {
  return String(seq);
}

/**
 * Types of run events. Events are appended by the agent with a per-run `seq`
 * starting at 1; the control plane stores each `(runId, seq)` once and derives
 * run status, materializations and check evaluations from them.
 */
export const RUN_EVENT_TYPES = [
  /** The agent accepted the run and is launching it. payload: {} */
  'RUN_STARTING',
  /** The customer process started. payload: { pid?: number, launcher: string } */
  'RUN_STARTED',
  /** The run ended well. payload: {} */
  'RUN_SUCCESS',
  /** The run failed. message: the reason. payload: { exitCode?: number, signal?: string } */
  'RUN_FAILURE',
  /** The run was canceled. payload: {} */
  'RUN_CANCELED',
  /** A pipes `log` message. level and message set. payload: {} */
  'LOG',
  /** A chunk of the process's stdout or stderr. message: the text. payload: { stream: 'stdout' | 'stderr' } */
  'COMPUTE_LOG',
  /** Pipes `opened`. payload: { extras?: object } */
  'PIPES_OPENED',
  /** Pipes `closed`. payload: { exception?: object } */
  'PIPES_CLOSED',
  /** A pipes message that was refused (malformed, unknown method, oversized, outside selection). message: why. payload: { line?: string (truncated) } */
  'PIPES_ERROR',
  /** Pipes `report_asset_materialization`. assetKey set. payload: MaterializationPayload */
  'ASSET_MATERIALIZATION',
  /** Pipes `report_asset_check`. assetKey set. payload: AssetCheckPayload */
  'ASSET_CHECK_EVALUATION',
  /** Pipes `report_custom_message`. payload: { payload: unknown } */
  'CUSTOM_MESSAGE',
  /** Resources the run used and their price, sent once just before the terminal event. payload: ResourceUsagePayload (cost/resource-usage.ts) */
  'RUN_RESOURCE_USAGE',
] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** Payload of an ASSET_MATERIALIZATION event (fields of Dagster Pipes' `report_asset_materialization`). */
export interface MaterializationPayload {
  metadata: Record<string, MetadataEntry>;
  dataVersion?: string | null;
  partitionKey?: string | null;
}

/** Payload of an ASSET_CHECK_EVALUATION event (fields of Dagster Pipes' `report_asset_check`). */
export interface AssetCheckPayload {
  checkName: string;
  passed: boolean;
  severity: 'WARN' | 'ERROR';
  metadata: Record<string, MetadataEntry>;
}

/**
 * A metadata value in Dagster Pipes' normalized shape
 * (`{"raw_value": ..., "type": "int" | "float" | "text" | "json" | "url" | "path" | "md" | "bool" | "null" | "table" | ...}`).
 */
export interface MetadataEntry {
  raw_value: unknown;
  type: string;
}

/** A run event as the domain sees it, independent of wire or storage. */
export interface RunEventRecord {
  runId: string;
  seq: number;
  type: RunEventType;
  /** Milliseconds since the Unix epoch at the source. */
  timestampMs: number;
  level?: string | null;
  message?: string | null;
  assetKey?: string | null;
  payload: Record<string, unknown>;
}

export function isRunEventType(value: string): value is RunEventType {
  return (RUN_EVENT_TYPES as readonly string[]).includes(value);
}

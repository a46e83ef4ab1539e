/**
 * The run context the orchestrator hands to the customer process, in Dagster
 * Pipes' wire shape (`PipesContextData` in dagster_pipes/__init__.py),
 * snake_case as on the wire. Every key is present; absent values are `null`.
 */
export interface PipesContextData {
  /** Asset keys in scope, in their user-string form (`"a/b"`, `/` inside a part escaped as `\/`); null when the step targets no assets. */
  asset_keys: string[] | null;
  /** Code version of each asset in scope (null when it declares none). */
  code_version_by_asset_key: Record<string, string | null> | null;
  /** Provenance of each asset's current data version. */
  provenance_by_asset_key: Record<string, PipesDataProvenance | null> | null;
  /** The one partition of the step, when it targets exactly one. */
  partition_key: string | null;
  /** Inclusive range of partition keys in scope (start = end for one partition); null when unpartitioned. */
  partition_key_range: PipesPartitionKeyRange | null;
  /** Time window of time-partitioned steps (ISO timestamps); null otherwise. */
  partition_time_window: PipesTimeWindow | null;
  run_id: string;
  job_name: string | null;
  /** 0 for a first attempt. */
  retry_number: number;
  /** Free-form extras; Gantry sets `gantry_run_id`, `deployment`, `code_location` and `traceparent`. */
  extras: Record<string, unknown>;
}

/** Inclusive range of partition keys (upstream `PipesPartitionKeyRange`). */
export interface PipesPartitionKeyRange {
  start: string;
  end: string;
}

/** Span of time of time-based partitions, ISO-8601 timestamps, end exclusive (upstream `PipesTimeWindow`). */
export interface PipesTimeWindow {
  start: string;
  end: string;
}

/** Provenance of an asset's current data version (upstream `PipesDataProvenance`). */
export interface PipesDataProvenance {
  code_version: string;
  input_data_versions: Record<string, string>;
  is_user_provided: boolean;
}

/** The extras key under which Gantry passes the W3C `traceparent` of the run's span. */
export const TRACEPARENT_EXTRA = 'traceparent';

/** Raised when a context is not in the `PipesContextData` shape; the message names the field. */
export class PipesContextError extends Error {
  override readonly name = 'PipesContextError';
  readonly code = 'PIPES_CONTEXT_INVALID';
}

/**
 * A complete context from the fields a caller knows: `run_id` is required,
 * everything else defaults to `null` (`retry_number` to 0, `extras` to `{}`).
 * Used by orchestrator code and tests that write context files.
 */
export function createPipesContextData(fields: Partial<PipesContextData> & { run_id: string }): PipesContextData {
  return {
    asset_keys: null,
    code_version_by_asset_key: null,
    provenance_by_asset_key: null,
    partition_key: null,
    partition_key_range: null,
    partition_time_window: null,
    job_name: null,
    retry_number: 0,
    extras: {},
    ...fields,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function field<T>(data: Record<string, unknown>, key: string, ok: (v: unknown) => v is T, expected: string): T | null {
  const value = data[key];
  if (value === undefined || value === null) return null;
  if (!ok(value)) throw new PipesContextError(`pipes context field ${key} must be ${expected}, got ${JSON.stringify(value)}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isStringRange = (v: unknown): v is PipesPartitionKeyRange => isObject(v) && isString(v['start']) && isString(v['end']);
const isRecordOf =
  <T>(ok: (v: unknown) => boolean) =>
  (v: unknown): v is Record<string, T> =>
    isObject(v) && Object.values(v).every(ok);
const isCodeVersions = isRecordOf<string | null>((v) => v === null || isString(v));
const isProvenances = isRecordOf<PipesDataProvenance | null>((v) => v === null || isObject(v));
const isExtras = isRecordOf<unknown>(() => true);
const isRetry = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/**
 * Checks a decoded context (from the context file or the `data` param) and
 * returns it with every key present. Missing optional keys become `null`
 * (`retry_number` 0, `extras` `{}`), so contexts written by older or leaner
 * orchestrators load too. Errors: PipesContextError naming the first field of
 * the wrong type; `run_id` must be a non-empty string.
 */
export function validatePipesContextData(value: unknown): PipesContextData {
  if (!isObject(value)) throw new PipesContextError(`pipes context must be a JSON object, got ${JSON.stringify(value)}`);
  const runId = value['run_id'];
  if (typeof runId !== 'string' || runId === '') throw new PipesContextError(`pipes context field run_id must be a non-empty string, got ${JSON.stringify(runId)}`);
  return {
    asset_keys: field(value, 'asset_keys', isStringArray, 'an array of strings'),
    code_version_by_asset_key: field(value, 'code_version_by_asset_key', isCodeVersions, 'an object of strings or nulls'),
    provenance_by_asset_key: field(value, 'provenance_by_asset_key', isProvenances, 'an object of objects or nulls'),
    partition_key: field(value, 'partition_key', isString, 'a string'),
    partition_key_range: field(value, 'partition_key_range', isStringRange, 'an object with string start and end'),
    partition_time_window: field(value, 'partition_time_window', isStringRange, 'an object with string start and end'),
    run_id: runId,
    job_name: field(value, 'job_name', isString, 'a string'),
    retry_number: field(value, 'retry_number', isRetry, 'a non-negative integer') ?? 0,
    extras: field(value, 'extras', isExtras, 'an object') ?? {},
  };
}

/**
 * Splits an asset key's user string into its parts like dagster_pipes'
 * `to_asset_key_path`: `/` separates parts, `\X` stands for a literal `X`
 * (`"a/b\/c"` → `["a", "b/c"]`).
 */
export function assetKeyPath(assetKey: string): string[] {
  const parts: string[] = [];
  let current = '';
  let escaped = false;
  for (const char of assetKey) {
    if (escaped) {
      current += char;
      escaped = false;
    } else if (char === '\\') {
      escaped = true;
    } else if (char === '/') {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current !== '') parts.push(current);
  return parts;
}

/** The `traceparent` extra, when the orchestrator sent a string one. */
export function contextTraceparent(data: Pick<PipesContextData, 'extras'>): string | undefined {
  const value = data.extras[TRACEPARENT_EXTRA];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The context as customer code reads it (camelCase, never null where an empty
 * value will do). Built by {@link toRunContext}; `PipesSession.context` holds one.
 */
export interface PipesRunContext {
  /** Asset keys in scope (`"a/b"`); empty when the step targets no assets. */
  readonly assetKeys: readonly string[];
  /** Whether the step targets assets (upstream `is_asset_step`). */
  readonly isAssetStep: boolean;
  /** The one partition in scope, or null (several partitions, or none). */
  readonly partitionKey: string | null;
  /** Inclusive partition range in scope, or null when unpartitioned. */
  readonly partitionKeyRange: PipesPartitionKeyRange | null;
  /** Time window of time partitions, or null. */
  readonly partitionTimeWindow: PipesTimeWindow | null;
  /** Whether the step is scoped to partitions (upstream `is_partition_step`). */
  readonly isPartitionStep: boolean;
  readonly runId: string;
  readonly jobName: string | null;
  readonly retryNumber: number;
  /** Code version per asset key; empty when the orchestrator sent none. */
  readonly codeVersionByAssetKey: Readonly<Record<string, string | null>>;
  /** Provenance per asset key; empty when the orchestrator sent none. */
  readonly provenanceByAssetKey: Readonly<Record<string, PipesDataProvenance | null>>;
  readonly extras: Readonly<Record<string, unknown>>;
  /** W3C traceparent of the run's span (from `extras.traceparent`), to parent the process's own spans. */
  readonly traceparent: string | undefined;
}

/** The camelCase view of a wire context (see {@link PipesRunContext}); frozen. */
export function toRunContext(data: PipesContextData): PipesRunContext {
  return Object.freeze({
    assetKeys: Object.freeze([...(data.asset_keys ?? [])]),
    isAssetStep: data.asset_keys !== null,
    // Dagster also sets partition_key_range for a single partition; expose the key then too.
    partitionKey: data.partition_key ?? (data.partition_key_range && data.partition_key_range.start === data.partition_key_range.end ? data.partition_key_range.start : null),
    partitionKeyRange: data.partition_key_range ?? (data.partition_key !== null ? { start: data.partition_key, end: data.partition_key } : null),
    partitionTimeWindow: data.partition_time_window,
    isPartitionStep: data.partition_key_range !== null || data.partition_key !== null,
    runId: data.run_id,
    jobName: data.job_name,
    retryNumber: data.retry_number,
    codeVersionByAssetKey: Object.freeze({ ...(data.code_version_by_asset_key ?? {}) }),
    provenanceByAssetKey: Object.freeze({ ...(data.provenance_by_asset_key ?? {}) }),
    extras: Object.freeze({ ...data.extras }),
    traceparent: contextTraceparent(data),
  });
}

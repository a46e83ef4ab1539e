/**
 * Metadata values as Dagster Pipes carries them: `{ raw_value, type }`
 * (`PipesMetadataValue` in dagster_pipes/__init__.py). `__infer__` lets the
 * orchestrator pick the type from the raw value (Dagster's
 * `normalize_metadata_value`); the raw shapes of the structured types follow
 * Dagster's `metadata_value_from_external`.
 */

/** Every metadata type of the protocol (upstream `PipesMetadataType`). */
export const PIPES_METADATA_TYPES = [
  '__infer__', 'text', 'url', 'path', 'notebook', 'json', 'md', 'float', 'int', 'bool',
  'dagster_run', 'asset', 'null', 'table', 'table_schema', 'table_column_lineage', 'timestamp',
] as const;
export type PipesMetadataType = (typeof PIPES_METADATA_TYPES)[number];

/** A metadata value on the wire. */
export interface PipesMetadataValue {
  raw_value: unknown;
  type: PipesMetadataType;
}

/**
 * What customer code may pass as a metadata value: a typed value (see
 * {@link PipesMetadata}) or a raw one — string, number, boolean, null, array,
 * plain object, `bigint` (safe integers only) or `Date`.
 */
export type PipesMetadataInput =
  | PipesMetadataValue
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | Date
  | readonly unknown[]
  | Readonly<Record<string, unknown>>;

/** Raised for a metadata value that cannot travel: unknown type, non-finite number, unsafe bigint, function. */
export class PipesMetadataError extends Error {
  override readonly name = 'PipesMetadataError';
  readonly code = 'PIPES_METADATA_INVALID';
}

const TYPES: ReadonlySet<string> = new Set(PIPES_METADATA_TYPES);

/** Whether `value` is a wire metadata value: exactly the keys `raw_value` and `type`, with a known type. */
export function isPipesMetadataValue(value: unknown): value is PipesMetadataValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && 'raw_value' in value && 'type' in value && typeof value.type === 'string' && TYPES.has(value.type);
}

/** A column of a `table` or `table_schema` value (Dagster's `TableColumn`). */
export interface PipesTableColumn {
  name: string;
  /** Free-form type name, e.g. `VARCHAR`, `int`. */
  type: string;
  description?: string;
  tags?: Record<string, string>;
  constraints?: { nullable?: boolean; unique?: boolean; other?: string[] };
}

/** One upstream column a column depends on (Dagster's `TableColumnDep`). */
export interface PipesTableColumnDep {
  /** Asset key user string, e.g. `"flights/raw_flights"`. */
  asset_key: string;
  column_name: string;
}

const typed = (type: PipesMetadataType, raw_value: unknown): PipesMetadataValue => ({ raw_value, type });

/**
 * Constructors of explicitly typed metadata values, the TypeScript
 * counterpart of Dagster's `MetadataValue.*`. Each returns `{ raw_value, type }`.
 */
export const PipesMetadata = {
  text: (value: string) => typed('text', value),
  url: (value: string) => typed('url', value),
  path: (value: string) => typed('path', value),
  notebook: (path: string) => typed('notebook', path),
  /** Any JSON value (object or array). */
  json: (value: unknown) => typed('json', value),
  /** Markdown text. */
  md: (value: string) => typed('md', value),
  /** Errors: PipesMetadataError for NaN or ±Infinity (JSON cannot carry them). */
  float: (value: number) => typed('float', finite(value)),
  /** Errors: PipesMetadataError for a non-integer or an integer beyond ±2^53. */
  int: (value: number | bigint) => typed('int', safeInteger(value)),
  bool: (value: boolean) => typed('bool', value),
  null: () => typed('null', null),
  /** A point in time; on the wire, seconds since the Unix epoch (float). */
  timestamp: (value: Date | number) => typed('timestamp', value instanceof Date ? value.getTime() / 1000 : finite(value)),
  /** Another asset, by key user string (`"a/b"`). */
  asset: (assetKey: string) => typed('asset', assetKey),
  /** A run, by id. */
  dagsterRun: (runId: string) => typed('dagster_run', runId),
  /** Rows with their schema: raw value `{ records, schema }`. */
  table: (records: readonly Record<string, unknown>[], schema: readonly PipesTableColumn[]) => typed('table', { records, schema }),
  /** A column schema: raw value `{ columns }`. */
  tableSchema: (columns: readonly PipesTableColumn[]) => typed('table_schema', { columns }),
  /** Column-level lineage: raw value `{ deps_by_column }`. */
  columnLineage: (depsByColumn: Readonly<Record<string, readonly PipesTableColumnDep[]>>) => typed('table_column_lineage', { deps_by_column: depsByColumn }),
} as const;

function finite(value: number): number {
  if (!Number.isFinite(value)) throw new PipesMetadataError(`metadata number ${value} is not finite; JSON cannot carry it`);
  return value;
}

function safeInteger(value: number | bigint): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (!Number.isSafeInteger(n) || (typeof value === 'bigint' && BigInt(n) !== value)) {
    throw new PipesMetadataError(`metadata integer ${String(value)} is not a safe integer (|n| <= 2^53 - 1); pass it as text`);
  }
  return n;
}

/** Normalizes one value; `key` only names it in errors. */
function normalizeValue(key: string, value: PipesMetadataInput): PipesMetadataValue {
  if (value === null || value === undefined) return typed('__infer__', null);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return typed('__infer__', value);
    case 'number':
      return typed('__infer__', finite(value));
    case 'bigint':
      return typed('int', safeInteger(value));
    case 'object':
      break;
    default:
      throw new PipesMetadataError(`metadata ${key}: a ${typeof value} is not a metadata value`);
  }
  if (value instanceof Date) return PipesMetadata.timestamp(value);
  if (Array.isArray(value)) return typed('__infer__', value);
  const keys = Object.keys(value);
  if (keys.length === 2 && 'raw_value' in value && 'type' in value) {
    if (!TYPES.has(String(value.type))) {
      throw new PipesMetadataError(`metadata ${key}: unknown type ${JSON.stringify(value.type)}; expected one of ${PIPES_METADATA_TYPES.join(', ')}`);
    }
    return value as PipesMetadataValue;
  }
  return typed('json', value);
}

/**
 * Normalizes user metadata to the wire shape like dagster_pipes'
 * `_normalize_param_metadata`: typed `{raw_value, type}` values are kept
 * (their type checked), raw strings, numbers, booleans, nulls and arrays become
 * `{raw_value, type: "__infer__"}`. Beyond upstream, which accepts only those:
 * a plain object becomes `json`, a `Date` `timestamp`, a `bigint` `int`, and
 * `undefined` is sent as null.
 * Errors: PipesMetadataError naming the key, for an unknown explicit type, a
 * non-finite number, an unsafe bigint, or a function/symbol.
 */
export function normalizeMetadata(metadata: Readonly<Record<string, PipesMetadataInput>> | undefined): Record<string, PipesMetadataValue> {
  const out: Record<string, PipesMetadataValue> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) out[key] = normalizeValue(key, value);
  return out;
}

/**
 * The concrete type Dagster infers for an `__infer__` raw value
 * (`normalize_metadata_value`): null → null, boolean → bool, integer → int,
 * other number → float, string → text, array or object → json.
 */
export function inferMetadataType(raw: unknown): Exclude<PipesMetadataType, '__infer__'> {
  if (raw === null || raw === undefined) return 'null';
  if (typeof raw === 'boolean') return 'bool';
  if (typeof raw === 'number') return Number.isInteger(raw) ? 'int' : 'float';
  if (typeof raw === 'string') return 'text';
  return 'json';
}

/** Replaces every `__infer__` type by the inferred one (what the control plane stores). Null or undefined gives `{}`. */
export function resolveMetadataTypes(metadata: Readonly<Record<string, PipesMetadataValue>> | null | undefined): Record<string, PipesMetadataValue> {
  const out: Record<string, PipesMetadataValue> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    out[key] = value.type === '__infer__' ? { raw_value: value.raw_value, type: inferMetadataType(value.raw_value) } : value;
  }
  return out;
}

/** Metadata types of Dagster Pipes (`PipesMetadataType`); `__infer__` lets the orchestrator decide. */
export const PIPES_METADATA_TYPES = [
  '__infer__', 'text', 'url', 'path', 'notebook', 'json', 'md', 'float', 'int', 'bool',
  'dagster_run', 'asset', 'null', 'table', 'table_schema', 'table_column_lineage', 'timestamp',
] as const;
export type PipesMetadataType = (typeof PIPES_METADATA_TYPES)[number];

/** A metadata value on the wire: `{ raw_value, type }`. */
export interface PipesMetadataValue {
  raw_value: unknown;
  type: PipesMetadataType;
}

/** What customer code may pass as a metadata value: a raw value or an explicit `{ raw_value, type }`. */
export type PipesMetadataInput = string | number | boolean | null | readonly unknown[] | Record<string, unknown> | PipesMetadataValue;

function isTyped(value: unknown): value is PipesMetadataValue {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && keys.includes('raw_value') && keys.includes('type');
}

/** Infers a type for a raw value, as Dagster does when it receives `__infer__`. */
export function inferMetadataType(raw: unknown): PipesMetadataType {
  if (raw === null || raw === undefined) return 'null';
  if (typeof raw === 'boolean') return 'bool';
  if (typeof raw === 'number') return Number.isInteger(raw) ? 'int' : 'float';
  if (typeof raw === 'string') return 'text';
  return 'json';
}

/**
 * Normalizes user metadata to the wire shape, like dagster_pipes'
 * `_normalize_param_metadata`: raw values become `{raw_value, type: "__infer__"}`,
 * typed values are kept. Errors: throws for an unknown explicit type.
 */
export function normalizeMetadata(metadata: Record<string, PipesMetadataInput> | undefined): Record<string, PipesMetadataValue> {
  const out: Record<string, PipesMetadataValue> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (isTyped(value)) {
      if (!(PIPES_METADATA_TYPES as readonly string[]).includes(value.type)) throw new Error(`metadata ${key}: unknown type ${JSON.stringify(value.type)}`);
      out[key] = value;
    } else {
      out[key] = { raw_value: value, type: '__infer__' };
    }
  }
  return out;
}

/** Resolves `__infer__` types to concrete ones (what the control plane stores). */
export function resolveMetadataTypes(metadata: Record<string, PipesMetadataValue> | null | undefined): Record<string, PipesMetadataValue> {
  const out: Record<string, PipesMetadataValue> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    out[key] = value.type === '__infer__' ? { raw_value: value.raw_value, type: inferMetadataType(value.raw_value) } : value;
  }
  return out;
}

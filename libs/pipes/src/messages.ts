/**
 * Messages from the customer process to the orchestrator, one JSON object per
 * line: `{"__dagster_pipes_version": "0.1", "method": ..., "params": ...}`
 * (`PipesMessage` and `_make_message` in dagster_pipes/__init__.py).
 */
import { isPipesMetadataValue, type PipesMetadataValue } from './metadata';

/** Protocol version written in every message (upstream `PIPES_PROTOCOL_VERSION`). */
export const PIPES_PROTOCOL_VERSION = '0.1';
/** Key of the version field, always the first key of a message (upstream `PIPES_PROTOCOL_VERSION_FIELD`). */
export const PIPES_VERSION_FIELD = '__dagster_pipes_version';

/** An exception as the `closed` message reports it (upstream `PipesException`). */
export interface PipesException {
  /** Python: `format_exception_only` text, e.g. `"ValueError: boom\n"`; TypeScript client: `error.message`. */
  message: string;
  /** Stack frames, innermost last (Python) or as in `error.stack` (TypeScript). */
  stack: string[];
  /** Exception class name. */
  name: string | null;
  /** The exception that explicitly caused this one (`raise ... from`, `{ cause }`). */
  cause: PipesException | null;
  /** The exception being handled when this one was raised (Python only). */
  context: PipesException | null;
}

/** Check severities (upstream `PipesAssetCheckSeverity`). */
export type PipesAssetCheckSeverity = 'WARN' | 'ERROR';

/** Params of each method, as dagster_pipes writes them. */
export interface PipesMethodParams {
  /** First message; `extras` describe the writer (always `{}` for the default writers). */
  opened: { extras?: Record<string, unknown> };
  /** Last message; with `exception` when the process failed. */
  closed: { exception?: PipesException };
  /** `level` is a Python logging level name: DEBUG, INFO, WARNING, ERROR, CRITICAL. */
  log: { message: string; level: string };
  report_asset_materialization: { asset_key: string | null; data_version: string | null; metadata: Record<string, PipesMetadataValue> | null };
  report_asset_check: {
    asset_key: string | null;
    check_name: string;
    passed: boolean;
    severity: PipesAssetCheckSeverity;
    metadata: Record<string, PipesMetadataValue> | null;
  };
  report_custom_message: { payload: unknown };
  /** Captured stdout/stderr text (upstream's `include_stdio_in_messages` log writer). */
  log_external_stream: { stream: string; text: string; extras?: Record<string, unknown> };
}
export type PipesMethod = keyof PipesMethodParams;
/** Every method of the protocol (upstream `Method`). */
export const PIPES_METHODS = [
  'opened',
  'closed',
  'log',
  'report_asset_materialization',
  'report_asset_check',
  'report_custom_message',
  'log_external_stream',
] as const satisfies readonly PipesMethod[];

/** One message, discriminated by `method`. */
export type PipesMessage = { [M in PipesMethod]: { method: M; params: PipesMethodParams[M] } }[PipesMethod];

/** Outcome of parsing one line of a message channel. */
export type ParsedLine = { ok: true; message: PipesMessage } | { ok: false; reason: string };

/** Options of {@link parsePipesMessageLine}. */
export interface ParsePipesMessageOptions {
  /** Largest accepted line, UTF-8 bytes; default {@link DEFAULT_MAX_MESSAGE_BYTES}. */
  maxBytes?: number;
}

/** Default largest accepted message line: 1 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

const MESSAGE_PREFIX = new RegExp(`^\\s*\\{\\s*"${PIPES_VERSION_FIELD}"`);

/**
 * Quick test, without parsing, for a stdout/stderr line that carries a Pipes
 * message rather than plain output: it starts with `{"__dagster_pipes_version"`
 * (whitespace allowed before and after the brace). Every client writes the
 * version key first.
 */
export function isPipesMessageLine(line: string): boolean {
  return MESSAGE_PREFIX.test(line);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOptStr = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const isOptObj = (v: unknown): boolean => v === undefined || v === null || isObj(v);

function exceptionProblem(value: unknown, path: string, depth = 0): string | undefined {
  if (!isObj(value)) return `${path} must be an object`;
  if (depth > 32) return `${path} nests more than 32 causes`;
  if (typeof value['message'] !== 'string') return `${path}.message must be a string`;
  if (value['stack'] !== undefined && value['stack'] !== null && !(Array.isArray(value['stack']) && value['stack'].every((s) => typeof s === 'string'))) {
    return `${path}.stack must be an array of strings`;
  }
  if (!isOptStr(value['name'])) return `${path}.name must be a string`;
  for (const link of ['cause', 'context'] as const) {
    const next = value[link];
    if (next !== undefined && next !== null) {
      const problem = exceptionProblem(next, `${path}.${link}`, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

function metadataProblem(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObj(value)) return `${path} must be an object`;
  for (const [key, entry] of Object.entries(value)) {
    if (!isPipesMetadataValue(entry)) return `${path}.${key} must be {"raw_value": ..., "type": <a pipes metadata type>}, got ${JSON.stringify(entry)?.slice(0, 120)}`;
  }
  return undefined;
}

function paramsProblem(method: PipesMethod, p: Record<string, unknown>): string | undefined {
  switch (method) {
    case 'opened':
      return isOptObj(p['extras']) ? undefined : 'opened.extras must be an object';
    case 'closed':
      return p['exception'] === undefined || p['exception'] === null ? undefined : exceptionProblem(p['exception'], 'closed.exception');
    case 'log':
      if (typeof p['message'] !== 'string') return 'log.message must be a string';
      return typeof p['level'] === 'string' ? undefined : 'log.level must be a string';
    case 'report_asset_materialization':
      if (!isOptStr(p['asset_key'])) return 'report_asset_materialization.asset_key must be a string';
      if (!isOptStr(p['data_version'])) return 'report_asset_materialization.data_version must be a string';
      return metadataProblem(p['metadata'], 'report_asset_materialization.metadata');
    case 'report_asset_check':
      if (!isOptStr(p['asset_key'])) return 'report_asset_check.asset_key must be a string';
      if (typeof p['check_name'] !== 'string' || p['check_name'] === '') return 'report_asset_check.check_name must be a non-empty string';
      if (typeof p['passed'] !== 'boolean') return 'report_asset_check.passed must be a boolean';
      if (p['severity'] !== undefined && p['severity'] !== 'WARN' && p['severity'] !== 'ERROR') return 'report_asset_check.severity must be "WARN" or "ERROR"';
      return metadataProblem(p['metadata'], 'report_asset_check.metadata');
    case 'report_custom_message':
      return 'payload' in p ? undefined : 'report_custom_message.payload is missing';
    case 'log_external_stream':
      if (typeof p['stream'] !== 'string' || typeof p['text'] !== 'string') return 'log_external_stream needs string stream and text';
      return isOptObj(p['extras']) ? undefined : 'log_external_stream.extras must be an object';
  }
}

/**
 * Parses and validates one line of a Pipes message channel (file, stdout or
 * stderr). Never throws. Each failure comes back as `{ ok: false, reason }`:
 * a line over `maxBytes` (reason names its size and the limit), text that is
 * not JSON, JSON that is not an object, a missing or non-string
 * `__dagster_pipes_version`, an unknown method (`unknown pipes method "foo"`),
 * params that are not an object, or params of the wrong shape for the method
 * (including metadata entries that are not `{raw_value, type}`).
 * Any protocol version string is accepted: 0.1 is the only one so far.
 */
export function parsePipesMessageLine(line: string, options: ParsePipesMessageOptions = {}): ParsedLine {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const size = Buffer.byteLength(line, 'utf8');
  if (size > maxBytes) return { ok: false, reason: `pipes message of ${size} bytes exceeds the limit of ${maxBytes} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `malformed pipes message (not JSON): ${(error as Error).message}` };
  }
  if (!isObj(value)) return { ok: false, reason: 'malformed pipes message: not a JSON object' };
  if (typeof value[PIPES_VERSION_FIELD] !== 'string') return { ok: false, reason: `malformed pipes message: no ${PIPES_VERSION_FIELD} string` };
  const method = value['method'];
  if (typeof method !== 'string' || !(PIPES_METHODS as readonly string[]).includes(method)) {
    return { ok: false, reason: `unknown pipes method ${JSON.stringify(method) ?? 'undefined'}` };
  }
  // Upstream types params as optional (`params: Mapping | None`): null means no params.
  const params = value['params'] ?? {};
  if (!isObj(params)) return { ok: false, reason: `invalid pipes message: ${method}.params must be an object` };
  const problem = paramsProblem(method as PipesMethod, params);
  if (problem) return { ok: false, reason: `invalid pipes message: ${problem}` };
  return { ok: true, message: { method, params } as PipesMessage };
}

/**
 * Serializes a message as one JSON line with its trailing newline, version key
 * first, as dagster_pipes writes it. Errors: TypeError from JSON.stringify for
 * values JSON cannot carry (bigint, cycles).
 */
export function formatPipesMessage(message: PipesMessage): string {
  return `${JSON.stringify({ [PIPES_VERSION_FIELD]: PIPES_PROTOCOL_VERSION, method: message.method, params: message.params })}\n`;
}

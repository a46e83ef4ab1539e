import type { PipesMetadataValue } from './metadata';

/** Protocol version written in every message (`PIPES_PROTOCOL_VERSION` of dagster_pipes). */
export const PIPES_PROTOCOL_VERSION = '0.1';
/** Key of the version field in every message. */
export const PIPES_VERSION_FIELD = '__dagster_pipes_version';

/** An exception as Dagster Pipes reports it in `closed` (`PipesException`). */
export interface PipesException {
  message: string;
  stack: string[];
  name: string | null;
  cause: PipesException | null;
  context: PipesException | null;
}

/** Params of each method, as dagster_pipes writes them. */
export interface PipesMethodParams {
  opened: { extras?: Record<string, unknown> };
  closed: { exception?: PipesException };
  log: { message: string; level: string };
  report_asset_materialization: { asset_key: string | null; data_version: string | null; metadata: Record<string, PipesMetadataValue> | null };
  report_asset_check: { asset_key: string | null; check_name: string; passed: boolean; severity: 'WARN' | 'ERROR'; metadata: Record<string, PipesMetadataValue> | null };
  report_custom_message: { payload: unknown };
  log_external_stream: { stream: string; text: string; extras?: Record<string, unknown> };
}
export type PipesMethod = keyof PipesMethodParams;
export const PIPES_METHODS = ['opened', 'closed', 'log', 'report_asset_materialization', 'report_asset_check', 'report_custom_message', 'log_external_stream'] as const satisfies readonly PipesMethod[];

/** One message: `{"__dagster_pipes_version": "0.1", "method": ..., "params": ...}`. */
export type PipesMessage = { [M in PipesMethod]: { method: M; params: PipesMethodParams[M] } }[PipesMethod];

/** Outcome of parsing one line of a message channel. */
export type ParsedLine = { ok: true; message: PipesMessage } | { ok: false; reason: string };

/** Default largest accepted message line, bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** Quick test for stdout/stderr lines that carry a pipes message rather than plain output. */
export function isPipesMessageLine(line: string): boolean {
  return line.startsWith('{') && line.includes(`"${PIPES_VERSION_FIELD}"`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optStr = (v: unknown) => v === undefined || v === null || typeof v === 'string';
const optObj = (v: unknown) => v === undefined || v === null || isObj(v);

function checkParams(method: PipesMethod, p: Record<string, unknown>): string | undefined {
  switch (method) {
    case 'opened':
      return optObj(p['extras']) ? undefined : 'opened.extras must be an object';
    case 'closed':
      return optObj(p['exception']) ? undefined : 'closed.exception must be an object';
    case 'log':
      if (typeof p['message'] !== 'string') return 'log.message must be a string';
      return typeof p['level'] === 'string' ? undefined : 'log.level must be a string';
    case 'report_asset_materialization':
      if (!optStr(p['asset_key'])) return 'report_asset_materialization.asset_key must be a string';
      if (!optStr(p['data_version'])) return 'report_asset_materialization.data_version must be a string';
      return optObj(p['metadata']) ? undefined : 'report_asset_materialization.metadata must be an object';
    case 'report_asset_check':
      if (!optStr(p['asset_key'])) return 'report_asset_check.asset_key must be a string';
      if (typeof p['check_name'] !== 'string' || p['check_name'] === '') return 'report_asset_check.check_name must be a non-empty string';
      if (typeof p['passed'] !== 'boolean') return 'report_asset_check.passed must be a boolean';
      if (p['severity'] !== undefined && p['severity'] !== 'WARN' && p['severity'] !== 'ERROR') return 'report_asset_check.severity must be "WARN" or "ERROR"';
      return optObj(p['metadata']) ? undefined : 'report_asset_check.metadata must be an object';
    case 'report_custom_message':
      return 'payload' in p ? undefined : 'report_custom_message.payload is missing';
    case 'log_external_stream':
      return typeof p['stream'] === 'string' && typeof p['text'] === 'string' ? undefined : 'log_external_stream needs string stream and text';
  }
}

/**
 * Parses and validates one line of a Pipes message channel. Never throws:
 * malformed JSON, a missing version, an unknown method, params of the wrong
 * shape or a line over `maxBytes` each come back as `{ ok: false, reason }`.
 */
export function parsePipesMessageLine(line: string, options: { maxBytes?: number } = {}): ParsedLine {
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
  if (typeof value[PIPES_VERSION_FIELD] !== 'string') return { ok: false, reason: `malformed pipes message: no ${PIPES_VERSION_FIELD}` };
  const method = value['method'];
  if (typeof method !== 'string' || !(PIPES_METHODS as readonly string[]).includes(method)) {
    return { ok: false, reason: `unknown pipes method ${JSON.stringify(method)}` };
  }
  const params = value['params'] ?? {};
  if (!isObj(params)) return { ok: false, reason: `pipes ${method}: params must be an object` };
  const problem = checkParams(method as PipesMethod, params);
  if (problem) return { ok: false, reason: `invalid pipes message: ${problem}` };
  return { ok: true, message: { method, params } as PipesMessage };
}

/** Serializes a message as one JSON line (with the trailing newline). */
export function formatPipesMessage(message: PipesMessage): string {
  return `${JSON.stringify({ [PIPES_VERSION_FIELD]: PIPES_PROTOCOL_VERSION, method: message.method, params: message.params })}\n`;
}

import { deflateSync, inflateSync } from 'node:zlib';

/**
 * Bootstrap parameters of a Pipes process: the JSON object the orchestrator
 * hands to the context loader (`{"path": ...}` or `{"data": ...}`) or to the
 * message writer (`{"path": ...}`, `{"stdio": "stdout" | "stderr"}`,
 * `{"buffered_stdio": ...}`). Upstream: `PipesParams` in dagster_pipes/__init__.py.
 */
export type PipesParams = Record<string, unknown>;

/** Environment variable holding the context loader's params (upstream `DAGSTER_PIPES_CONTEXT_ENV_VAR`). */
export const PIPES_CONTEXT_ENV = 'DAGSTER_PIPES_CONTEXT';
/** Environment variable holding the message writer's params (upstream `DAGSTER_PIPES_MESSAGES_ENV_VAR`). */
export const PIPES_MESSAGES_ENV = 'DAGSTER_PIPES_MESSAGES';
/** Command-line flag carrying the context params when they are not in the environment (upstream `PipesCliArgsParamsLoader`). */
export const PIPES_CONTEXT_CLI_ARG = '--dagster-pipes-context';
/** Command-line flag carrying the message writer params when they are not in the environment. */
export const PIPES_MESSAGES_CLI_ARG = '--dagster-pipes-messages';

/** Raised when a Pipes parameter cannot be encoded, or is not base64 of zlib-compressed JSON of an object. */
export class PipesParamsError extends Error {
  override readonly name = 'PipesParamsError';
  readonly code = 'PIPES_PARAMS_INVALID';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Encodes bootstrap params as `base64(zlib(JSON))`, byte-compatible in meaning
 * with dagster_pipes' `encode_param` (zlib stream, standard base64 alphabet
 * with padding; JSON spacing differs but decodes identically).
 * Errors: PipesParamsError when `params` is not JSON-serializable (bigint, cycles).
 */
export function encodePipesParams(params: Readonly<PipesParams>): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(params);
  } catch (error) {
    throw new PipesParamsError(`pipes params are not JSON-serializable: ${(error as Error).message}`);
  }
  if (json === undefined || !json.startsWith('{')) throw new PipesParamsError('pipes params must be a JSON object');
  return deflateSync(Buffer.from(json, 'utf8')).toString('base64');
}

/**
 * Decodes `base64(zlib(JSON))` as written by dagster_pipes' `encode_param` or
 * {@link encodePipesParams}. Whitespace (line wrapping) is ignored.
 * Errors: PipesParamsError naming the failing layer — empty input, characters
 * outside the base64 alphabet, data that does not inflate, text that is not
 * JSON, or JSON that is not an object.
 */
export function decodePipesParams(encoded: string): PipesParams {
  if (typeof encoded !== 'string' || encoded.trim() === '') throw new PipesParamsError('pipes parameter is empty');
  const compact = encoded.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw new PipesParamsError('pipes parameter is not base64: it has characters outside the base64 alphabet');
  let inflated: Buffer;
  try {
    inflated = inflateSync(Buffer.from(compact, 'base64'));
  } catch (error) {
    throw new PipesParamsError(`pipes parameter is base64 but not zlib data: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(inflated.toString('utf8'));
  } catch (error) {
    throw new PipesParamsError(`pipes parameter inflates but is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PipesParamsError(`pipes parameter must be a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  return value as PipesParams;
}

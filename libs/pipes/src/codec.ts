import { deflateSync, inflateSync } from 'node:zlib';

/**
 * Pipes bootstrap parameters travel in environment variables as
 * `base64(zlib(JSON))` — Dagster Pipes' `encode_param` / `decode_param`
 * (dagster_pipes/__init__.py).
 */
export function encodePipesParams(value: unknown): string {
  return deflateSync(Buffer.from(JSON.stringify(value), 'utf8')).toString('base64');
}

/** Raised when a Pipes parameter is not base64 of zlib-compressed JSON. */
export class PipesParamsError extends Error {
  readonly code = 'PIPES_PARAMS_INVALID';
}

/** Decodes `base64(zlib(JSON))`. Errors: PipesParamsError naming the failing layer. */
export function decodePipesParams(encoded: string): unknown {
  let inflated: Buffer;
  try {
    inflated = inflateSync(Buffer.from(encoded, 'base64'));
  } catch (error) {
    throw new PipesParamsError(`pipes parameter is not base64 of zlib data: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(inflated.toString('utf8')) as unknown;
  } catch (error) {
    throw new PipesParamsError(`pipes parameter is not JSON: ${(error as Error).message}`);
  }
}

/** Environment variable holding the context loader's params (`{"path": ...}` or `{"data": ...}`). */
export const PIPES_CONTEXT_ENV = 'DAGSTER_PIPES_CONTEXT';
/** Environment variable holding the message writer's params (`{"path": ...}` or `{"stdio": "stdout" | "stderr"}`). */
export const PIPES_MESSAGES_ENV = 'DAGSTER_PIPES_MESSAGES';

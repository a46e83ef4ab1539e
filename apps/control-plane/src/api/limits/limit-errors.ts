import { GraphQLError } from 'graphql';

/**
 * Codes of the edge limits, as `extensions.code`, with the HTTP status each
 * implies. Every limit error also carries `extensions.limit` (the configured
 * maximum), `extensions.actual` (the measured value, when known) and
 * `extensions.setting` (the env variable that sets the limit).
 */
export const LIMIT_ERROR_STATUS = {
  /** The operation nests fields deeper than GANTRY_GRAPHQL_MAX_DEPTH. */
  QUERY_TOO_DEEP: 400,
  /** The operation's estimated cost exceeds GANTRY_GRAPHQL_MAX_COST. */
  QUERY_TOO_COSTLY: 400,
  /** The query text is longer than GANTRY_GRAPHQL_MAX_QUERY_CHARS. */
  QUERY_TOO_LONG: 413,
  /** The HTTP body is larger than GANTRY_MAX_REQUEST_BYTES. */
  REQUEST_TOO_LARGE: 413,
  /** Too many operations in the window; retry after `extensions.retryAfterSeconds` (HTTP `Retry-After`). */
  RATE_LIMITED: 429,
} as const;

/** A code of {@link LIMIT_ERROR_STATUS}. */
export type LimitErrorCode = keyof typeof LIMIT_ERROR_STATUS;

/** Fields of a limit error's `extensions` besides `code`. */
export interface LimitErrorDetails {
  /** Env variable that sets the limit, e.g. `GANTRY_GRAPHQL_MAX_DEPTH`. */
  setting: string;
  /** The configured maximum, in the limit's unit (levels, cost points, characters, bytes, operations per window). */
  limit: number;
  /** The measured value in the same unit, when known. */
  actual?: number;
  /** Seconds until a retry can succeed (RATE_LIMITED only). */
  retryAfterSeconds?: number;
  /** Anything else a script may need, e.g. `{ scope: 'actor' }`. */
  [key: string]: unknown;
}

/**
 * A GraphQL error for a refused request: `extensions.code`, the details, and
 * `extensions.http` (status, plus `Retry-After` for RATE_LIMITED) which Apollo
 * applies to the HTTP response and strips from the body.
 */
export function limitError(code: LimitErrorCode, message: string, details: LimitErrorDetails): GraphQLError {
  const headers = new Map<string, string>();
  if (details.retryAfterSeconds !== undefined) headers.set('retry-after', String(details.retryAfterSeconds));
  return new GraphQLError(message, {
    extensions: { code, ...details, http: { status: LIMIT_ERROR_STATUS[code], headers } },
  });
}

/** The error without `extensions.http` (for transports other than HTTP, where Apollo strips it itself). */
export function withoutHttp(error: GraphQLError): GraphQLError {
  if (!('http' in error.extensions)) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
}

/** True when `error` is one of the limit errors above. */
export function isLimitError(error: GraphQLError): boolean {
  const code = error.extensions['code'];
  return typeof code === 'string' && code in LIMIT_ERROR_STATUS;
}

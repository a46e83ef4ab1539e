import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { ApiLimitsConfig } from '../api/limits/api-limits.config';
import { LIMIT_ERROR_STATUS, limitError, type LimitErrorCode } from '../api/limits/limit-errors';
import { queryLengthError } from '../api/limits/operation-limits';

type Next = (error?: unknown) => void;

/** A body-parser failure (http-errors shape). */
interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  length?: number;
  received?: number;
  message?: string;
}

/** Writes a GraphQL-shaped JSON error (`{ errors: [{ message, extensions }] }`) with the status of its code. */
export function sendGraphqlError(res: ServerResponse, status: number, error: GraphQLError): void {
  const { http: _http, ...extensions } = error.extensions;
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message: error.message, extensions }] }));
}

/**
 * Express error handler placed right after the JSON body parser: a body over
 * GANTRY_MAX_REQUEST_BYTES becomes 413 REQUEST_TOO_LARGE (with the limit and
 * the size, when the client declared it), malformed JSON a 400 BAD_REQUEST,
 * both as GraphQL-shaped JSON instead of Express's HTML error page.
 */
export function bodyParserErrors(maxRequestBytes: number) {
  return (error: unknown, _req: IncomingMessage, res: ServerResponse, next: Next): void => {
    const e = (typeof error === 'object' && error !== null ? error : {}) as BodyParserError;
    if (e.type === 'entity.too.large') {
      const actual = e.length ?? e.received;
      const size = e.length !== undefined ? `is ${e.length} bytes` : 'is larger than that';
      const code: LimitErrorCode = 'REQUEST_TOO_LARGE';
      sendGraphqlError(
        res,
        LIMIT_ERROR_STATUS[code],
        limitError(code, `request body ${size}; the limit is ${maxRequestBytes} bytes (GANTRY_MAX_REQUEST_BYTES)`, {
          setting: 'GANTRY_MAX_REQUEST_BYTES',
          limit: maxRequestBytes,
          ...(actual !== undefined ? { actual } : {}),
        }),
      );
      return;
    }
    if (e.type === 'entity.parse.failed') {
      sendGraphqlError(res, 400, new GraphQLError(`request body is not valid JSON: ${e.message ?? 'parse error'}`, { extensions: { code: 'BAD_REQUEST' } }));
      return;
    }
    next(error);
  };
}

/**
 * Middleware on the GraphQL path: a query text (JSON body `query`, or the
 * `query` URL parameter of a GET) longer than GANTRY_GRAPHQL_MAX_QUERY_CHARS is
 * refused with 413 QUERY_TOO_LONG before it is parsed.
 */
export function queryLengthLimit(limits: ApiLimitsConfig) {
  return (req: IncomingMessage & { body?: unknown; query?: unknown }, res: ServerResponse, next: Next): void => {
    const body = req.body as { query?: unknown } | undefined;
    const params = req.query as { query?: unknown } | undefined;
    const error = queryLengthError(limits, body?.query) ?? queryLengthError(limits, params?.query);
    if (error) {
      sendGraphqlError(res, LIMIT_ERROR_STATUS.QUERY_TOO_LONG, error);
      return;
    }
    next();
  };
}

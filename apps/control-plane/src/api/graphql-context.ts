/**
 * The GraphQL context object as app.module builds it: `{ req, extra }`.
 * Over HTTP, `req` is the Express request. Over graphql-ws, Nest's Apollo
 * driver sets `req` to the graphql-ws connection context, which holds the
 * client's `connectionParams` (the payload of `connection_init`); `extra` is
 * `{ socket, request }`. A future `connectionParams` key on the context itself
 * is read first.
 */
export interface GraphqlContext {
  req?: unknown;
  extra?: unknown;
  connectionParams?: unknown;
}

/** Where the credentials of a request came from. */
export type Transport = 'http' | 'ws';

/** The `Authorization` value of a request and its transport; `credentials` is undefined when absent. */
export interface RequestCredentials {
  transport: Transport;
  credentials: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function authorizationOf(params: Record<string, unknown>): string | undefined {
  const value = params['authorization'] ?? params['Authorization'];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads the credentials: `Authorization` header on HTTP,
 * `connectionParams.authorization` on graphql-ws. Never throws.
 */
export function credentialsOf(ctx: GraphqlContext): RequestCredentials {
  if (isRecord(ctx.connectionParams)) return { transport: 'ws', credentials: authorizationOf(ctx.connectionParams) };
  const req = ctx.req;
  if (isRecord(req) && ('connectionInitReceived' in req || 'connectionParams' in req)) {
    return { transport: 'ws', credentials: isRecord(req['connectionParams']) ? authorizationOf(req['connectionParams']) : undefined };
  }
  if (isRecord(req) && isRecord(req['headers'])) {
    const header = req['headers']['authorization'];
    return { transport: 'http', credentials: typeof header === 'string' ? header : undefined };
  }
  return { transport: 'http', credentials: undefined };
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The organization a request names: header `X-Gantry-Organization` on HTTP
 * (the `/orgs/<slug>/graphql` path is rewritten to it), `organization` in the
 * graphql-ws connection params. Undefined when absent; a value that is not a
 * slug is returned as given, so the caller refuses it like an unknown one.
 */
export function organizationSlugOf(ctx: GraphqlContext): string | undefined {
  const pick = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : undefined);
  if (isRecord(ctx.connectionParams)) return pick(ctx.connectionParams['organization']);
  const req = ctx.req;
  if (isRecord(req) && ('connectionInitReceived' in req || 'connectionParams' in req)) {
    return isRecord(req['connectionParams']) ? pick(req['connectionParams']['organization']) : undefined;
  }
  if (isRecord(req) && isRecord(req['headers'])) return pick(req['headers']['x-gantry-organization']);
  return undefined;
}

/** True when `value` is a valid organization slug (lowercase letters, digits, dashes; 1–63 characters). */
export function isOrganizationSlug(value: string): boolean {
  return SLUG.test(value);
}

const requestCaches = new WeakMap<object, Map<unknown, unknown>>();

/**
 * A value created once per GraphQL request (HTTP request or graphql-ws
 * operation): the request's auth context, its DataLoaders. Keyed by the
 * context object, so it is collected with the request.
 */
export function perRequest<T>(ctx: object, key: unknown, create: () => T): T {
  let cache = requestCaches.get(ctx);
  if (!cache) requestCaches.set(ctx, (cache = new Map()));
  if (cache.has(key)) return cache.get(key) as T;
  const value = create();
  cache.set(key, value);
  return value;
}

import { ConfigError, int } from '../../config/control-plane.config';

/**
 * Limits of the public API's edge: GraphQL depth, cost and query length, and
 * the rate limits. Counters live in memory per replica (see rate-limiter.ts):
 * with N replicas behind a balancer a client can get up to N times the limits.
 */
export interface ApiLimitsConfig {
  /** Deepest field nesting of an operation (introspection fields not counted). Env: GANTRY_GRAPHQL_MAX_DEPTH. Default 12. */
  graphqlMaxDepth: number;
  /** Highest estimated cost of an operation, in cost points (see query-cost.estimator.ts). Env: GANTRY_GRAPHQL_MAX_COST. Default 10000. */
  graphqlMaxCost: number;
  /** Longest GraphQL query text, characters. Env: GANTRY_GRAPHQL_MAX_QUERY_CHARS. Default 32768. */
  graphqlMaxQueryChars: number;
  /** Length of every rate-limit window, ms. Env: GANTRY_RATE_LIMIT_WINDOW_MS. Default 60000. */
  rateLimitWindowMs: number;
  /** GraphQL operations per window per authenticated actor (API token, user, agent). Env: GANTRY_RATE_LIMIT_PER_ACTOR. Default 1200. */
  rateLimitPerActor: number;
  /** GraphQL operations per window per client IP without credentials. Env: GANTRY_RATE_LIMIT_ANONYMOUS_PER_IP. Default 120. */
  rateLimitAnonymousPerIp: number;
  /** Failed authentications per window per client IP before the IP is blocked. Env: GANTRY_AUTH_FAILURES_PER_IP. Default 20. */
  authFailuresPerIp: number;
  /** How long an IP stays blocked after too many failed authentications, ms. Env: GANTRY_AUTH_FAILURE_BLOCK_MS. Default 300000. */
  authFailureBlockMs: number;
}

/** Reads {@link ApiLimitsConfig} from environment variables. Errors: ConfigError naming the variable. */
export function loadApiLimitsConfig(env: Record<string, string | undefined>): ApiLimitsConfig {
  const limits: ApiLimitsConfig = {
    graphqlMaxDepth: int(env, 'GANTRY_GRAPHQL_MAX_DEPTH', 12, 1),
    graphqlMaxCost: int(env, 'GANTRY_GRAPHQL_MAX_COST', 10_000, 1),
    graphqlMaxQueryChars: int(env, 'GANTRY_GRAPHQL_MAX_QUERY_CHARS', 32_768, 64),
    rateLimitWindowMs: int(env, 'GANTRY_RATE_LIMIT_WINDOW_MS', 60_000, 1000),
    rateLimitPerActor: int(env, 'GANTRY_RATE_LIMIT_PER_ACTOR', 1200, 1),
    rateLimitAnonymousPerIp: int(env, 'GANTRY_RATE_LIMIT_ANONYMOUS_PER_IP', 120, 1),
    authFailuresPerIp: int(env, 'GANTRY_AUTH_FAILURES_PER_IP', 20, 1),
    authFailureBlockMs: int(env, 'GANTRY_AUTH_FAILURE_BLOCK_MS', 300_000, 1000),
  };
  if (limits.authFailureBlockMs < limits.rateLimitWindowMs) {
    throw new ConfigError(`GANTRY_AUTH_FAILURE_BLOCK_MS (${limits.authFailureBlockMs}) must be >= GANTRY_RATE_LIMIT_WINDOW_MS (${limits.rateLimitWindowMs})`);
  }
  return limits;
}

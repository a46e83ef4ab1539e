import path from 'node:path';
import { loadApiLimitsConfig, type ApiLimitsConfig } from '../api/limits/api-limits.config';
import { loadHttpSecurityConfig, type HttpSecurityConfig } from '../security/http-security.config';

/**
 * Typed configuration of the control plane, validated at boot. One env variable
 * per field; nothing else in the control plane reads `process.env`.
 */
export interface ControlPlaneConfig {
  /** Connection string of the runtime role. Env: DATABASE_URL (required). Secret. */
  databaseUrl: string;
  /** HTTP port for GraphQL, health and metrics; 0 picks a free port. Env: GANTRY_HTTP_PORT. Default 4000. */
  httpPort: number;
  /** Interface to bind HTTP and gRPC to. Env: GANTRY_BIND_HOST. Default 127.0.0.1. */
  bindHost: string;
  /** gRPC port for AgentService; 0 picks a free port. Env: GANTRY_GRPC_PORT. Default 4001. */
  grpcPort: number;
  /**
   * TLS of the gRPC AgentService: PEM files of the server certificate chain and
   * its key. Env: GANTRY_GRPC_TLS_CERT_FILE and GANTRY_GRPC_TLS_KEY_FILE (both
   * or neither). Unset: plaintext (loopback, or TLS terminated by an ingress).
   */
  grpcTls: { certFile: string; keyFile: string } | undefined;
  /**
   * `host:port` agents dial to reach the gRPC AgentService, as the console shows
   * it in install commands (e.g. `agents.gantry.example.com:443` behind an
   * ingress). Env: GANTRY_AGENT_ENDPOINT. Unset: the host and port gRPC bound.
   */
  agentEndpoint: string | undefined;
  /** Lease duration of a dispatched run, ms. Env: GANTRY_LEASE_TTL_MS. Default 30000. */
  leaseTtlMs: number;
  /** Heartbeat interval suggested to agents, ms. Env: GANTRY_HEARTBEAT_INTERVAL_MS. Default leaseTtlMs / 3. */
  heartbeatIntervalMs: number;
  /** Pool size of the database connection pool. Env: GANTRY_DB_POOL_SIZE. Default 20. */
  dbPoolSize: number;
  /** Largest accepted GraphQL request: HTTP JSON body and graphql-ws message, bytes. Env: GANTRY_MAX_REQUEST_BYTES. Default 1 MiB. */
  maxRequestBytes: number;
  /** pino level. Env: GANTRY_LOG_LEVEL. Default info. */
  logLevel: string;
  /** Time in-flight streams get to finish on shutdown, ms. Env: GANTRY_SHUTDOWN_GRACE_MS. Default 10000. */
  shutdownGraceMs: number;
  /**
   * OIDC issuer whose access tokens sign users in (a Keycloak realm, e.g.
   * `https://sso.example.com/realms/gantry`), exactly as its discovery document
   * states it. Env: GANTRY_OIDC_ISSUER. Unset: the built-in development issuer
   * at `<httpUrl>/realms/gantry` is served and trusted (refused in production).
   */
  oidcIssuer: string | undefined;
  /** Required `aud` of access tokens. Env: GANTRY_OIDC_AUDIENCE. Default `gantry-api`. */
  oidcAudience: string;
  /** Env: NODE_ENV. Default `development`. `production` refuses the development issuer. */
  nodeEnv: string;
  /** GraphQL depth, cost and query length limits; rate limits. See api/limits/api-limits.config.ts. */
  limits: ApiLimitsConfig;
  /** CORS, security headers, trusted proxies. See security/http-security.config.ts. */
  httpSecurity: HttpSecurityConfig;
  /**
   * Folder of the built console (`vite build` output). Served at `/` with
   * single-page-app fallback when it holds an index.html; otherwise `/` says
   * how to build it. Env: GANTRY_CONSOLE_DIR. Default `apps/console/dist`.
   */
  consoleDir: string;
  /** OIDC client id the console signs in with (public, PKCE). Env: GANTRY_CONSOLE_CLIENT_ID. Default `gantry-console`. */
  consoleClientId: string;
}

/** Raised at boot for a missing or invalid setting; names the variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** The integer setting `name` of `env`, `fallback` when unset. Errors: ConfigError naming the variable. */
export function int(env: Record<string, string | undefined>, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

/** Builds the config from environment variables (default `process.env`), with overrides for embedding. */
export function loadControlPlaneConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<ControlPlaneConfig> = {},
): ControlPlaneConfig {
  const databaseUrl = overrides.databaseUrl ?? env['DATABASE_URL'];
  if (!databaseUrl) throw new ConfigError('DATABASE_URL is required (the connection string of the runtime role)');
  const leaseTtlMs = overrides.leaseTtlMs ?? int(env, 'GANTRY_LEASE_TTL_MS', 30_000, 500);
  return {
    databaseUrl,
    httpPort: int(env, 'GANTRY_HTTP_PORT', 4000),
    bindHost: env['GANTRY_BIND_HOST'] ?? '127.0.0.1',
    grpcPort: int(env, 'GANTRY_GRPC_PORT', 4001),
    grpcTls: grpcTls(env),
    agentEndpoint: agentEndpoint(env),
    leaseTtlMs,
    heartbeatIntervalMs: int(env, 'GANTRY_HEARTBEAT_INTERVAL_MS', Math.floor(leaseTtlMs / 3), 100),
    dbPoolSize: int(env, 'GANTRY_DB_POOL_SIZE', 20, 2),
    maxRequestBytes: int(env, 'GANTRY_MAX_REQUEST_BYTES', 1024 * 1024, 1024),
    logLevel: env['GANTRY_LOG_LEVEL'] ?? 'info',
    shutdownGraceMs: int(env, 'GANTRY_SHUTDOWN_GRACE_MS', 10_000),
    oidcIssuer: oidcIssuer(env),
    oidcAudience: env['GANTRY_OIDC_AUDIENCE'] || 'gantry-api',
    nodeEnv: env['NODE_ENV'] || 'development',
    limits: loadApiLimitsConfig(env),
    httpSecurity: loadHttpSecurityConfig(env),
    consoleDir: env['GANTRY_CONSOLE_DIR'] || path.resolve(import.meta.dirname, '../../../console/dist'),
    consoleClientId: env['GANTRY_CONSOLE_CLIENT_ID'] || 'gantry-console',
    ...overrides,
  };
}

function grpcTls(env: Record<string, string | undefined>): ControlPlaneConfig['grpcTls'] {
  const certFile = env['GANTRY_GRPC_TLS_CERT_FILE']?.trim();
  const keyFile = env['GANTRY_GRPC_TLS_KEY_FILE']?.trim();
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new ConfigError('GANTRY_GRPC_TLS_CERT_FILE and GANTRY_GRPC_TLS_KEY_FILE go together: set both for TLS, or neither');
  return { certFile, keyFile };
}

function agentEndpoint(env: Record<string, string | undefined>): string | undefined {
  const raw = env['GANTRY_AGENT_ENDPOINT']?.trim();
  if (!raw) return undefined;
  // The agent chart's values schema accepts exactly this shape (controlPlane.grpcAddress).
  if (!/^([^\s:/]+|\[[0-9a-fA-F:]+\]):[0-9]{1,5}$/.test(raw)) throw new ConfigError(`GANTRY_AGENT_ENDPOINT must be host:port, got ${JSON.stringify(raw)}`);
  return raw;
}

function oidcIssuer(env: Record<string, string | undefined>): string | undefined {
  const raw = env['GANTRY_OIDC_ISSUER'];
  if (!raw) {
    if (env['NODE_ENV'] === 'production') {
      throw new ConfigError('GANTRY_OIDC_ISSUER is required when NODE_ENV=production (the built-in development issuer is refused in production)');
    }
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`GANTRY_OIDC_ISSUER must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`GANTRY_OIDC_ISSUER must be an http(s) URL, got ${JSON.stringify(raw)}`);
  return raw;
}

/** DI token under which the config is provided. */
export const CONTROL_PLANE_CONFIG = Symbol('ControlPlaneConfig');

import { ConfigError, int } from '../config/control-plane.config';

/** CORS, security headers and proxy trust of the HTTP server. */
export interface HttpSecurityConfig {
  /**
   * Origins (`scheme://host[:port]`) allowed to call the API from a browser
   * (the console). Empty means same-origin only: the console served by this
   * server. Env: GANTRY_CONSOLE_ORIGIN (comma-separated). Default empty.
   */
  consoleOrigins: string[];
  /**
   * `Strict-Transport-Security` max-age, seconds; 0 sends no HSTS header. Set it
   * (e.g. 31536000) only when clients reach the server over TLS. Env:
   * GANTRY_HSTS_MAX_AGE_S. Default 0.
   */
  hstsMaxAgeS: number;
  /**
   * Extra origins the console may connect to (the OIDC issuer, e.g.
   * `https://keycloak.example.com`), added to the CSP `connect-src`. Env:
   * GANTRY_CSP_CONNECT_SRC (comma-separated). Default empty.
   */
  cspConnectSources: string[];
  /**
   * Reverse proxies in front of the server that append to `X-Forwarded-For`;
   * the client IP (rate limits, audit) is the address that many hops back.
   * 0 trusts no header and uses the socket's peer. Env: GANTRY_TRUST_PROXY_HOPS. Default 0.
   */
  trustProxyHops: number;
}

function origins(env: Record<string, string | undefined>, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of list) {
    let parsed: URL;
    try {
      parsed = new URL(o);
    } catch {
      throw new ConfigError(`${name} must list origins like https://console.example.com, got ${JSON.stringify(o)}`);
    }
    if (parsed.origin !== o.replace(/\/$/, '')) throw new ConfigError(`${name} must list origins only (scheme://host[:port]), got ${JSON.stringify(o)}`);
  }
  return list.map((o) => o.replace(/\/$/, ''));
}

/** Reads {@link HttpSecurityConfig} from environment variables. Errors: ConfigError naming the variable. */
export function loadHttpSecurityConfig(env: Record<string, string | undefined>): HttpSecurityConfig {
  return {
    consoleOrigins: origins(env, 'GANTRY_CONSOLE_ORIGIN'),
    hstsMaxAgeS: int(env, 'GANTRY_HSTS_MAX_AGE_S', 0),
    cspConnectSources: origins(env, 'GANTRY_CSP_CONNECT_SRC'),
    trustProxyHops: int(env, 'GANTRY_TRUST_PROXY_HOPS', 0),
  };
}

/** A client the development issuer knows (mirroring `deploy/keycloak/gantry-realm.json`). */
export interface DevClient {
  clientId: string;
  /** Public (PKCE, no secret) or confidential (client credentials with `secret`). */
  kind: 'public' | 'confidential';
  /** Confidential clients only. Secret: never logged. */
  secret?: string;
}

/** The console's public client id (authorization code + PKCE S256). */
export const DEV_CONSOLE_CLIENT_ID = 'gantry-console';
/** The automation client's id (client credentials). */
export const DEV_AUTOMATION_CLIENT_ID = 'gantry-automation';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether `uri` may receive codes: `http://localhost:<any port>/…`,
 * `http://127.0.0.1:<any port>/…` or `http://[::1]:<any port>/…` without a
 * fragment (the realm registers `http://localhost:*` and `http://127.0.0.1:*`).
 */
export function isAllowedRedirectUri(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && url.hash === '' && url.username === '' && url.password === '';
}

/** Whether a browser origin may call the token, userinfo and certs endpoints (CORS): loopback http origins on any port. */
export function isAllowedOrigin(origin: string): boolean {
  return isAllowedRedirectUri(`${origin}/`) && new URL(origin).origin === origin;
}

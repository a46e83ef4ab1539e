import Keycloak from 'keycloak-js';
import type { ConsoleConfig } from '../config';

/** The signed-in session the rest of the console uses. */
export interface Auth {
  /** A valid access token (refreshed first when it expires within 30 s). Errors: when the session ended (the user is sent to sign in). */
  token(): Promise<string>;
  /** Subject, email and name from the ID token. */
  user: { subject: string; email: string | null; name: string | null };
  /** Ends the session at the issuer and comes back to the console's root. */
  signOut(): Promise<void>;
}

/** Seconds of validity left below which a token is refreshed before use. */
const MIN_VALIDITY_S = 30;

/**
 * Signs in with keycloak-js (authorization code + PKCE S256) against Keycloak
 * or the control plane's development issuer, which serves the same paths.
 * Refreshes silently with the refresh token before expiry; no login iframe
 * (third-party cookies are blocked by most browsers and it is not needed).
 * Errors: rejects when the issuer cannot be reached.
 */
export async function signIn(config: ConsoleConfig): Promise<Auth> {
  const keycloak = new Keycloak({ url: config.oidc.url, realm: config.oidc.realm, clientId: config.oidc.clientId });
  // Set before init: keycloak-js arms its expiry timer only when a token is stored and this handler already exists.
  keycloak.onTokenExpired = () => {
    keycloak.updateToken(MIN_VALIDITY_S).catch(() => keycloak.login());
  };
  await keycloak.init({ onLoad: 'login-required', pkceMethod: 'S256', checkLoginIframe: false, responseMode: 'fragment' });
  const claims = (keycloak.idTokenParsed ?? keycloak.tokenParsed ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    async token() {
      try {
        await keycloak.updateToken(MIN_VALIDITY_S);
      } catch {
        await keycloak.login();
        throw new Error('the session ended; signing in again');
      }
      if (!keycloak.token) throw new Error('no access token');
      return keycloak.token;
    },
    user: { subject: str(claims['sub']) ?? '', email: str(claims['email']), name: str(claims['name']) ?? str(claims['preferred_username']) },
    signOut: () => keycloak.logout({ redirectUri: `${window.location.origin}/` }),
  };
}

/**
 * What the console fetches from `/console-config.json` before it signs in:
 * where Keycloak is (`url`, the issuer without `/realms/<realm>`), the realm
 * and the console's public client id, and the server version.
 */
export interface ConsoleConfigDocument {
  oidc: { url: string; realm: string; clientId: string };
  version: string;
}

/** Raised when the issuer is not Keycloak-shaped (`<base>/realms/<realm>`), which keycloak-js needs. */
export class ConsoleIssuerError extends Error {
  readonly code = 'CONSOLE_ISSUER_UNSUPPORTED';
}

/**
 * Splits a Keycloak issuer (`https://sso.example.com/auth/realms/gantry`) into
 * keycloak-js's `url` (`https://sso.example.com/auth`) and `realm` (`gantry`).
 * Errors: ConsoleIssuerError for any other issuer shape.
 */
export function consoleConfigOf(issuer: string, clientId: string, version: string): ConsoleConfigDocument {
  const match = /^(https?:\/\/[^?#]+?)\/realms\/([^/?#]+)\/?$/.exec(issuer);
  if (!match?.[1] || !match[2]) throw new ConsoleIssuerError(`the console signs in with keycloak-js, which needs a Keycloak issuer like https://sso.example.com/realms/<realm>; GANTRY_OIDC_ISSUER is ${JSON.stringify(issuer)}`);
  return { oidc: { url: match[1], realm: decodeURIComponent(match[2]), clientId }, version };
}

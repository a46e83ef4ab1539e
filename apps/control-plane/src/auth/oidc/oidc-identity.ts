import type { JWTPayload } from 'jose';

/**
 * Who an OIDC access token speaks for, from its claims (OIDC Core 1.0 §5.1,
 * RFC 7519 §4.1). Keycloak puts the profile claims in access tokens through its
 * `profile`, `email` and `basic` scopes; the development issuer does the same.
 */
export interface OidcIdentity {
  /** `sub`: the user's (or service account's) stable id at the issuer. */
  subject: string;
  /** `iss`. */
  issuer: string;
  /** `email`, absent for service accounts. */
  email?: string;
  /** `email_verified`; false when absent. */
  emailVerified: boolean;
  /** `name` (display name). */
  name?: string;
  /** `preferred_username`. */
  preferredUsername?: string;
  /** `azp` (authorized party: the client the token was issued to), else Keycloak's `client_id`. */
  clientId?: string;
  /**
   * True for a client credentials token: Keycloak names a client's service
   * account user `service-account-<clientId in lower case>`, so
   * `preferred_username` must be exactly that for the token's own client (a
   * user cannot take that name: it belongs to the service account user).
   */
  isServiceAccount: boolean;
  /** `exp` as a Date. */
  expiresAt: Date;
}

/** Prefix Keycloak gives the username of a client's service account user. */
export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'service-account-';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Builds the identity from a verified claims set (`sub`, `iss` and `exp` already checked present). */
export function identityFromClaims(claims: JWTPayload): OidcIdentity {
  const preferredUsername = str(claims['preferred_username']);
  const clientId = str(claims['azp']) ?? str(claims['client_id']);
  return {
    subject: claims.sub as string,
    issuer: claims.iss as string,
    email: str(claims['email']),
    emailVerified: claims['email_verified'] === true,
    name: str(claims['name']),
    preferredUsername,
    clientId,
    isServiceAccount: clientId !== undefined && preferredUsername === `${SERVICE_ACCOUNT_USERNAME_PREFIX}${clientId.toLowerCase()}`,
    expiresAt: new Date((claims.exp as number) * 1000),
  };
}

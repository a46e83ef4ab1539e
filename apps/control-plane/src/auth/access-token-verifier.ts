/**
 * The identity in a verified OIDC access token (Keycloak or the development
 * issuer). Claims per OpenID Connect Core 1.0 §5.1; `clientId` is `azp`.
 */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  preferredUsername: string | null;
  clientId: string | null;
  /** A client-credentials token of a service account (for scripts), not a person. */
  isServiceAccount: boolean;
}

/**
 * Verifies an access token (signature against the issuer's JWKS, issuer,
 * audience, expiry). Errors: any thrown error means "refuse with 401"; its
 * message is for the server log only.
 */
export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifiedIdentity>;
}

/** DI token of the configured {@link AccessTokenVerifier}; its value is null when no issuer is configured. */
export const ACCESS_TOKEN_VERIFIER = Symbol('AccessTokenVerifier');

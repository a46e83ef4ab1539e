import type { AccessTokenVerifier, VerifiedIdentity } from '../access-token-verifier';
import { OidcVerifier } from './oidc-verifier';

/**
 * Where the issuer URL is known: from configuration (Keycloak) at boot, or —
 * for the built-in development issuer, whose port is picked at listen time —
 * set by `startControlPlane` right after listen. Read at the first verification.
 */
export class OidcIssuerRef {
  current = '';
}

/** The {@link AccessTokenVerifier} of the request pipeline, backed by {@link OidcVerifier} (jose, discovery, remote JWKS). */
export class OidcAccessTokenVerifier implements AccessTokenVerifier {
  private readonly verifier: OidcVerifier;

  constructor(issuer: OidcIssuerRef, audience: string) {
    this.verifier = new OidcVerifier({ issuer: () => issuer.current, audience });
  }

  /** Errors: InvalidTokenError (message "invalid token"; its reason is for logs). */
  async verify(token: string): Promise<VerifiedIdentity> {
    const id = await this.verifier.verify(token);
    return {
      issuer: id.issuer,
      subject: id.subject,
      email: id.email ?? null,
      emailVerified: id.emailVerified,
      name: id.name ?? null,
      preferredUsername: id.preferredUsername ?? null,
      clientId: id.clientId ?? null,
      isServiceAccount: id.isServiceAccount,
    };
  }
}

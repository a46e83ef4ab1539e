import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { InvalidTokenError, type InvalidTokenReason } from './invalid-token.error';
import { discoverOidcProvider, type OidcProviderMetadata } from './oidc-discovery';
import { identityFromClaims, type OidcIdentity } from './oidc-identity';

/** Signature algorithms an access token may use (RFC 7518 §3.1). Never `none` nor HS*: the verifier holds no shared secret. */
export type OidcSigningAlgorithm = 'RS256' | 'ES256';

/** Options of {@link OidcVerifier}. */
export interface OidcVerifierOptions {
  /**
   * The issuer (`iss`), exactly as the provider states it, e.g.
   * `https://sso.example.com/realms/gantry`. A function when it is only known
   * later (the built-in development issuer on a port picked at listen time);
   * it is called once, at discovery. Env: GANTRY_OIDC_ISSUER.
   */
  issuer: string | (() => string);
  /** Required `aud` value. Env: GANTRY_OIDC_AUDIENCE. Default `gantry-api`. */
  audience?: string;
  /** Accepted `alg` values. Default `['RS256', 'ES256']`. */
  algorithms?: OidcSigningAlgorithm[];
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, seconds. Default 30. */
  clockToleranceSec?: number;
  /**
   * Least time between two JWKS fetches, ms: a token with an unknown `kid`
   * refetches the JWKS (so a key rotation needs no restart) unless the last
   * fetch is younger than this. Default 30000 (jose's default).
   */
  jwksCooldownMs?: number;
  /** Age after which the cached JWKS is refetched even for a known `kid`, ms. Default 600000 (so a removed key stops verifying within 10 min). */
  jwksCacheMaxAgeMs?: number;
  /** Timeout of the discovery and JWKS requests, ms. Default 5000. */
  httpTimeoutMs?: number;
  /** The verification time; default the system clock. Tests move it to check expiry. */
  clock?: () => Date;
}

/** Longest token accepted before any parsing, characters (Keycloak tokens are 1–3 KB). */
const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * Verifies OIDC access tokens (JWTs, RFC 7519) of one issuer: discovers the
 * provider (OIDC Discovery 1.0; the discovered `issuer` must equal the
 * configured one), then checks each token's signature against the provider's
 * JWKS (RFC 7517, fetched from `jwks_uri` and refetched for an unknown `kid`),
 * the allowed algorithms, `iss`, `aud`, `exp`/`nbf` (with a small clock
 * tolerance), the presence of `sub`, `exp` and `iat`, and `typ` = `Bearer`
 * when present (Keycloak marks ID tokens `ID`). Discovery happens on the first
 * {@link verify} (or {@link ready}) and is retried after a failure.
 */
export class OidcVerifier {
  private readonly audience: string;
  private readonly algorithms: OidcSigningAlgorithm[];
  private discovered: Promise<{ metadata: OidcProviderMetadata; jwks: JWTVerifyGetKey }> | undefined;

  constructor(private readonly options: OidcVerifierOptions) {
    this.audience = options.audience ?? 'gantry-api';
    this.algorithms = options.algorithms ?? ['RS256', 'ES256'];
  }

  /** Performs discovery now (e.g. at boot). Errors: InvalidTokenError with reason `issuer_unavailable`. */
  async ready(): Promise<OidcProviderMetadata> {
    return (await this.provider()).metadata;
  }

  /**
   * The identity of a valid access token (the JWT itself, without `Bearer `).
   * Errors: InvalidTokenError (its `reason` says why; log it, answer 401).
   */
  async verify(token: string): Promise<OidcIdentity> {
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('malformed', `token of ${token.length} characters`);
    const { metadata, jwks } = await this.provider();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: metadata.issuer,
        audience: this.audience,
        algorithms: this.algorithms,
        clockTolerance: this.options.clockToleranceSec ?? 30,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: this.options.clock?.(),
      });
      if (payload['typ'] !== undefined && payload['typ'] !== 'Bearer') throw new InvalidTokenError('claims', `typ ${JSON.stringify(payload['typ'])} is not Bearer`);
      return identityFromClaims(payload);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      throw toInvalidToken(error);
    }
  }

  private provider(): Promise<{ metadata: OidcProviderMetadata; jwks: JWTVerifyGetKey }> {
    this.discovered ??= (async () => {
      const issuer = typeof this.options.issuer === 'function' ? this.options.issuer() : this.options.issuer;
      const timeoutMs = this.options.httpTimeoutMs ?? 5000;
      try {
        const metadata = await discoverOidcProvider(issuer, { timeoutMs });
        const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri), {
          cooldownDuration: this.options.jwksCooldownMs ?? 30_000,
          cacheMaxAge: this.options.jwksCacheMaxAgeMs ?? 600_000,
          timeoutDuration: timeoutMs,
        });
        return { metadata, jwks };
      } catch (error) {
        this.discovered = undefined;
        throw new InvalidTokenError('issuer_unavailable', (error as Error).message, { cause: error });
      }
    })();
    return this.discovered;
  }
}

/**
 * Maps jose's error codes to a refusal reason. jose's error is not kept as
 * `cause`: its claim errors carry the token's claims set, which has no place in
 * a log line.
 */
function toInvalidToken(error: unknown): InvalidTokenError {
  const detail = error instanceof errors.JOSEError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  const reason = ((): InvalidTokenReason => {
    if (!(error instanceof errors.JOSEError)) return 'issuer_unavailable'; // fetch of the JWKS failed
    switch (error.code) {
      case 'ERR_JOSE_ALG_NOT_ALLOWED':
      case 'ERR_JOSE_NOT_SUPPORTED':
        return 'algorithm';
      case 'ERR_JWKS_NO_MATCHING_KEY':
        return 'unknown_key';
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
        return 'signature';
      case 'ERR_JWT_EXPIRED':
        return 'expired';
      case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
        const claim = (error as errors.JWTClaimValidationFailed).claim;
        return claim === 'iss' ? 'issuer' : claim === 'aud' ? 'audience' : 'claims';
      }
      case 'ERR_JWKS_TIMEOUT':
      case 'ERR_JWKS_INVALID':
      case 'ERR_JWK_INVALID':
        return 'issuer_unavailable';
      default:
        return 'malformed';
    }
  })();
  return new InvalidTokenError(reason, detail);
}

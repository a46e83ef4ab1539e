/**
 * Why a token was refused. For the server log only: a response never says
 * which (a probe learns nothing).
 * - `malformed`: not a compact JWS with a JSON claims set
 * - `algorithm`: `alg` outside the allowed list (`none`, HS*, …)
 * - `unknown_key`: no key with the token's `kid` in the issuer's JWKS, even after a refetch
 * - `signature`: the signature does not verify (tampered, or another issuer's key)
 * - `expired`: `exp` is past (beyond the clock tolerance)
 * - `issuer`, `audience`: `iss` / `aud` are not the configured ones
 * - `claims`: another claim is missing or invalid (`sub`, `nbf`, `iat`, `typ`)
 * - `issuer_unavailable`: discovery or the JWKS could not be fetched
 */
export type InvalidTokenReason =
  | 'malformed'
  | 'algorithm'
  | 'unknown_key'
  | 'signature'
  | 'expired'
  | 'issuer'
  | 'audience'
  | 'claims'
  | 'issuer_unavailable';

/**
 * An OIDC access token was refused. `reason` and `detail` are internal (for
 * logs; `detail` never contains the token); map this error to a bare 401.
 */
export class InvalidTokenError extends Error {
  readonly code = 'INVALID_TOKEN';

  constructor(
    readonly reason: InvalidTokenReason,
    /** Human-readable detail for the log, e.g. the mismatching claim's name. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super('invalid token', options);
  }
}

/**
 * The fields of an OpenID Provider Metadata document (OpenID Connect Discovery
 * 1.0 §3) the control plane uses.
 */
export interface OidcProviderMetadata {
  /** Must equal the issuer the document was fetched for (Discovery §4.3). */
  issuer: string;
  /** JWK Set document (RFC 7517 §5) with the issuer's signing keys. */
  jwks_uri: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  id_token_signing_alg_values_supported?: string[];
}

/** Discovery failed: unreachable, not JSON, missing `jwks_uri`, or an `issuer` that differs from the configured one. */
export class OidcDiscoveryError extends Error {}

/**
 * Fetches `<issuer>/.well-known/openid-configuration` (Discovery §4) and checks
 * that its `issuer` is exactly the configured one and that `jwks_uri` is an
 * http(s) URL. A trailing slash of `issuer` is not added or removed: OIDC
 * compares issuers as exact strings.
 * Errors: OidcDiscoveryError.
 */
export async function discoverOidcProvider(issuer: string, options: { timeoutMs?: number } = {}): Promise<OidcProviderMetadata> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
  } catch (error) {
    throw new OidcDiscoveryError(`GET ${url} failed: ${(error as Error).message}`, { cause: error });
  }
  if (!res.ok) throw new OidcDiscoveryError(`GET ${url} answered ${res.status}`);
  let doc: Partial<OidcProviderMetadata>;
  try {
    doc = (await res.json()) as Partial<OidcProviderMetadata>;
  } catch (error) {
    throw new OidcDiscoveryError(`GET ${url} is not JSON`, { cause: error });
  }
  if (doc.issuer !== issuer) throw new OidcDiscoveryError(`discovered issuer ${JSON.stringify(doc.issuer)} is not the configured ${JSON.stringify(issuer)}`);
  if (typeof doc.jwks_uri !== 'string' || !/^https?:\/\//.test(doc.jwks_uri)) throw new OidcDiscoveryError(`${url} has no http(s) jwks_uri`);
  return doc as OidcProviderMetadata;
}

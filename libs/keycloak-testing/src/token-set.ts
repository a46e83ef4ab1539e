/** Tokens from an OAuth 2.0 token endpoint (RFC 6749 §5.1; `id_token` from OIDC Core §3.1.3.3). */
export interface TokenSet {
  /** The access token: a JWT (RFC 7519) signed by the realm's active key. */
  accessToken: string;
  /** OIDC ID token, when the `openid` scope was requested. */
  idToken?: string;
  refreshToken?: string;
  /** Lifetime of the access token, seconds. */
  expiresIn: number;
}

/** Parses a token endpoint answer. Errors: throws with the OAuth `error` code (never the body's tokens) on a non-2xx status. */
export async function readTokenResponse(res: Response): Promise<TokenSet> {
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok || typeof json['access_token'] !== 'string') {
    throw new Error(`token endpoint answered ${res.status}: ${String(json['error'])} ${String(json['error_description'] ?? '')}`);
  }
  return {
    accessToken: json['access_token'],
    idToken: typeof json['id_token'] === 'string' ? json['id_token'] : undefined,
    refreshToken: typeof json['refresh_token'] === 'string' ? json['refresh_token'] : undefined,
    expiresIn: Number(json['expires_in']),
  };
}

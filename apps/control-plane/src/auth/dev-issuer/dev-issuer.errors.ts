/** The built-in development issuer was asked to start with NODE_ENV=production. */
export class DevIssuerInProductionError extends Error {
  readonly code = 'DEV_ISSUER_IN_PRODUCTION';
  constructor() {
    super('the built-in development OIDC issuer refuses to run with NODE_ENV=production: set GANTRY_OIDC_ISSUER to your Keycloak realm (e.g. https://sso.example.com/realms/gantry)');
  }
}

/** An OAuth 2.0 error answer (RFC 6749 §4.1.2.1, §5.2): `error` is the standard code, `description` is safe to show. */
export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope' | 'unsupported_response_type' | 'invalid_token',
    readonly description: string,
    /** HTTP status: 400, or 401 for `invalid_client` / `invalid_token`. */
    readonly status = error === 'invalid_client' || error === 'invalid_token' ? 401 : 400,
  ) {
    super(`${error}: ${description}`);
  }
}

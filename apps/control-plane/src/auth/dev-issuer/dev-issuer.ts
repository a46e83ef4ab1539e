import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify } from 'jose';
import type { Logger } from 'pino';
import { DEV_AUTOMATION_CLIENT_ID, DEV_CONSOLE_CLIENT_ID, isAllowedRedirectUri, type DevClient } from './dev-issuer-clients';
import { DevIssuerInProductionError, OAuthError } from './dev-issuer.errors';
import { cors, type Middleware, readForm, redirect, sendHtml, sendJson, sendThirdPartyCookiesProbe } from './dev-issuer-http';
import { generateDevSigningKey, type DevSigningKey } from './dev-issuer-keys';
import { errorPage, signedOutPage, signInPage } from './dev-issuer-sign-in-page';
import {
  DEV_TOKEN_LIFETIMES,
  personSubject,
  serviceAccountSubject,
  signAccessToken,
  signIdToken,
  signRefreshToken,
  type DevSubject,
  type TokenContext,
} from './dev-issuer-tokens';

/** The realm name in the development issuer's URLs (Keycloak's layout: `<base>/realms/gantry`). */
export const DEV_REALM = 'gantry';

/** Options of {@link DevIssuer.create}. */
export interface DevIssuerOptions {
  /** NODE_ENV; `production` is refused. */
  nodeEnv: string;
  /** `aud` of access tokens. Default `gantry-api`. */
  audience?: string;
  /** Secret of the `gantry-automation` client (client credentials). Default: random per start, see {@link DevIssuer.automationClient}. */
  automationClientSecret?: string;
  logger?: Logger;
}

interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  scope: string;
  codeChallenge: string;
  responseMode: 'query' | 'fragment';
  expiresAt: number;
}

interface IssuedCode {
  request: PendingAuthorization;
  subject: DevSubject;
  sid: string;
  authTime: number;
  expiresAt: number;
}

const PENDING_TTL_MS = 10 * 60_000;
const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * A built-in OIDC issuer for local development, shaped like the Keycloak realm
 * of `deploy/keycloak/gantry-realm.json` so keycloak-js and the control plane's
 * verifier work against it unchanged. Keycloak's URL layout under
 * `<base>/realms/gantry`: `/.well-known/openid-configuration` (OIDC Discovery
 * 1.0), `/protocol/openid-connect/{auth,token,certs,userinfo,logout}`.
 * Authorization code + PKCE (S256 required, RFC 7636) for `gantry-console`
 * with a form that asks only for a name and an email; refresh tokens
 * (single use, rotated); client credentials for `gantry-automation`. Tokens
 * are ES256-signed with a key generated at start. State (codes, sessions,
 * refresh tokens) lives in memory. Refuses NODE_ENV=production.
 */
export class DevIssuer {
  private baseUrl: string | undefined;
  private readonly pending = new Map<string, PendingAuthorization>();
  private readonly codes = new Map<string, IssuedCode>();
  /** Signed-in sessions: `sid` → who; logout ends one (its refresh tokens stop working). */
  private readonly sessions = new Map<string, DevSubject>();
  /** Refresh token `jti` → expiry (ms); a used or logged-out one is gone. */
  private readonly refreshTokens = new Map<string, number>();
  private readonly clients: Map<string, DevClient>;
  private readonly audience: string;
  private readonly log: Logger | undefined;

  private constructor(
    private readonly key: DevSigningKey,
    options: DevIssuerOptions,
  ) {
    this.audience = options.audience ?? 'gantry-api';
    this.log = options.logger?.child({ module: 'dev-issuer' });
    this.clients = new Map([
      [DEV_CONSOLE_CLIENT_ID, { clientId: DEV_CONSOLE_CLIENT_ID, kind: 'public' }],
      [DEV_AUTOMATION_CLIENT_ID, { clientId: DEV_AUTOMATION_CLIENT_ID, kind: 'confidential', secret: options.automationClientSecret ?? randomBytes(24).toString('base64url') }],
    ]);
  }

  /** Generates the signing key. Errors: DevIssuerInProductionError when `nodeEnv` is `production`. */
  static async create(options: DevIssuerOptions): Promise<DevIssuer> {
    if (options.nodeEnv === 'production') throw new DevIssuerInProductionError();
    return new DevIssuer(await generateDevSigningKey(), options);
  }

  /** Sets the public base URL of the HTTP server (e.g. `http://127.0.0.1:4000`) once it listens. */
  setBaseUrl(baseUrl: string): void {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  /** The issuer (`iss`): `<base>/realms/gantry`. Errors: throws before {@link setBaseUrl}. */
  get issuer(): string {
    if (!this.baseUrl) throw new Error('the development issuer has no base URL yet (setBaseUrl after listen)');
    return `${this.baseUrl}/realms/${DEV_REALM}`;
  }

  /** The confidential client for scripts: id and secret (a secret: hand it to the developer, never log it). */
  get automationClient(): { clientId: string; clientSecret: string } {
    const c = this.clients.get(DEV_AUTOMATION_CLIENT_ID);
    return { clientId: DEV_AUTOMATION_CLIENT_ID, clientSecret: c?.secret ?? '' };
  }

  /** Connect/Express middleware serving `/realms/gantry/…`; passes every other path to `next`. Mount at the root. */
  readonly middleware: Middleware = (req, res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const prefix = `/realms/${DEV_REALM}`;
    if (path !== prefix && !path.startsWith(`${prefix}/`)) {
      next();
      return;
    }
    this.handle(req, res, path.slice(prefix.length)).catch((error: unknown) => {
      if (error instanceof OAuthError) {
        sendJson(res, error.status, { error: error.error, error_description: error.description }, error.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
        return;
      }
      this.log?.error({ err: error }, 'development issuer failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!this.baseUrl) {
      sendJson(res, 503, { error: 'temporarily_unavailable' });
      return;
    }
    const method = req.method ?? 'GET';
    const oidc = '/protocol/openid-connect';
    switch (path) {
      case '/.well-known/openid-configuration':
        if (cors(req, res)) return;
        return sendJson(res, 200, this.discoveryDocument());
      case `${oidc}/certs`:
        if (cors(req, res)) return;
        return sendJson(res, 200, { keys: [this.key.publicJwk] });
      case `${oidc}/auth`:
        if (method === 'GET') return this.authorize(req, res);
        break;
      case '/login-actions/authenticate':
        if (method === 'POST') return this.authenticate(req, res);
        break;
      case `${oidc}/token`:
        if (cors(req, res)) return;
        if (method === 'POST') return this.token(req, res);
        break;
      case `${oidc}/userinfo`:
        if (cors(req, res)) return;
        return this.userinfo(req, res);
      case `${oidc}/logout`:
        return this.logout(req, res);
      case `${oidc}/3p-cookies/step1.html`:
        return sendThirdPartyCookiesProbe(res);
      default:
        break;
    }
    sendJson(res, 404, { error: 'not_found' });
  }

  /** OpenID Provider Metadata (Discovery §3) with Keycloak's endpoint paths. */
  discoveryDocument(): Record<string, unknown> {
    const oidc = `${this.issuer}/protocol/openid-connect`;
    return {
      issuer: this.issuer,
      authorization_endpoint: `${oidc}/auth`,
      token_endpoint: `${oidc}/token`,
      userinfo_endpoint: `${oidc}/userinfo`,
      end_session_endpoint: `${oidc}/logout`,
      jwks_uri: `${oidc}/certs`,
      check_session_iframe: `${oidc}/login-status-iframe.html`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid', 'profile', 'email'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'azp', 'email', 'email_verified', 'name', 'given_name', 'family_name', 'preferred_username'],
    };
  }

  private authorize(req: IncomingMessage, res: ServerResponse): void {
    const q = new URL(req.url ?? '', 'http://x').searchParams;
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    const client = this.clients.get(clientId);
    // Without a known client and an allowed redirect URI, errors are shown, never redirected (RFC 6749 §4.1.2.1).
    if (!client || client.kind !== 'public') return sendHtml(res, 400, errorPage(`unknown client ${clientId}`));
    if (!isAllowedRedirectUri(redirectUri)) return sendHtml(res, 400, errorPage('redirect_uri is not allowed for this client'));
    const responseMode = q.get('response_mode') === 'fragment' ? 'fragment' : 'query';
    const state = q.get('state') ?? undefined;
    const fail = (error: string, description: string): void =>
      redirect(res, withParams(redirectUri, responseMode, { error, error_description: description, state, iss: this.issuer }));
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'only response_type=code');
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return fail('invalid_request', 'PKCE with code_challenge_method=S256 is required');
    // No browser session is kept, so a silent check (keycloak-js `check-sso`) always needs a sign-in (OIDC Core §3.1.2.6).
    if (q.get('prompt') === 'none') return fail('login_required', 'sign in first');
    const id = randomBytes(24).toString('base64url');
    this.sweep();
    this.pending.set(id, {
      clientId,
      redirectUri,
      state,
      nonce: q.get('nonce') ?? undefined,
      scope: q.get('scope') ?? 'openid',
      codeChallenge: q.get('code_challenge') ?? '',
      responseMode,
      expiresAt: Date.now() + PENDING_TTL_MS,
    });
    sendHtml(res, 200, signInPage(`${this.issuer}/login-actions/authenticate`, id, clientId));
  }

  private async authenticate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const id = form['request'] ?? '';
    const request = this.pending.get(id);
    if (!request || request.expiresAt < Date.now()) return sendHtml(res, 400, errorPage('this sign-in has expired: start again from the application'));
    const name = (form['name'] ?? '').trim();
    const email = (form['email'] ?? '').trim();
    if (!name || name.length > 200 || !EMAIL.test(email) || email.length > 254) {
      return sendHtml(res, 400, signInPage(`${this.issuer}/login-actions/authenticate`, id, request.clientId, 'Enter a name and a valid email.'));
    }
    this.pending.delete(id);
    const subject = personSubject(name, email);
    const sid = randomBytes(16).toString('base64url');
    this.sessions.set(sid, subject);
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { request, subject, sid, authTime: Math.floor(Date.now() / 1000), expiresAt: Date.now() + DEV_TOKEN_LIFETIMES.codeSec * 1000 });
    this.log?.info({ sub: subject.sub, email: subject.email, clientId: request.clientId }, 'development sign-in');
    redirect(res, withParams(request.redirectUri, request.responseMode, { state: request.state, session_state: sid, iss: this.issuer, code }));
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    switch (form['grant_type']) {
      case 'authorization_code':
        return sendJson(res, 200, await this.exchangeCode(form));
      case 'refresh_token':
        return sendJson(res, 200, await this.refresh(form));
      case 'client_credentials':
        return sendJson(res, 200, await this.clientCredentials(req, form));
      default:
        throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code, refresh_token or client_credentials');
    }
  }

  private async exchangeCode(form: Record<string, string>): Promise<Record<string, unknown>> {
    const issued = this.codes.get(form['code'] ?? '');
    // Single use, even when the exchange fails (RFC 6749 §4.1.2).
    this.codes.delete(form['code'] ?? '');
    if (!issued || issued.expiresAt < Date.now()) throw new OAuthError('invalid_grant', 'code not valid');
    const { request } = issued;
    if (form['client_id'] !== request.clientId) throw new OAuthError('invalid_grant', 'code was issued to another client');
    if (form['redirect_uri'] !== request.redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri differs from the authorization request');
    const verifier = form['code_verifier'] ?? '';
    if (!PKCE_VERIFIER.test(verifier)) throw new OAuthError('invalid_grant', 'PKCE verification failed');
    const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
    const expected = Buffer.from(request.codeChallenge);
    if (computed.length !== expected.length || !timingSafeEqual(computed, expected)) throw new OAuthError('invalid_grant', 'PKCE verification failed');
    const context: TokenContext = { issuer: this.issuer, audience: this.audience, clientId: request.clientId, subject: issued.subject, sid: issued.sid, scope: request.scope, authTime: issued.authTime };
    return this.tokenResponse(context, request.nonce);
  }

  private async refresh(form: Record<string, string>): Promise<Record<string, unknown>> {
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(form['refresh_token'] ?? '', { ...this.key.publicJwk }, { issuer: this.issuer, audience: this.issuer, algorithms: ['ES256'] }));
    } catch {
      throw new OAuthError('invalid_grant', 'refresh token not valid');
    }
    const jti = claims.jti ?? '';
    const sid = typeof claims['sid'] === 'string' ? claims['sid'] : '';
    const known = this.refreshTokens.get(jti);
    this.refreshTokens.delete(jti);
    const subject = this.sessions.get(sid);
    if (claims['typ'] !== 'Refresh' || known === undefined || !subject) throw new OAuthError('invalid_grant', 'refresh token not valid');
    if (claims['azp'] !== form['client_id']) throw new OAuthError('invalid_grant', 'refresh token was issued to another client');
    const context: TokenContext = { issuer: this.issuer, audience: this.audience, clientId: String(claims['azp']), subject, sid, scope: String(claims['scope'] ?? 'openid'), authTime: Number(claims['auth_time'] ?? claims.iat) };
    return this.tokenResponse(context, undefined);
  }

  private async clientCredentials(req: IncomingMessage, form: Record<string, string>): Promise<Record<string, unknown>> {
    const { clientId, secret } = clientAuthentication(req, form);
    const client = this.clients.get(clientId);
    const expected = Buffer.from(client?.secret ?? '');
    const given = Buffer.from(secret);
    if (!client || client.kind !== 'confidential' || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new OAuthError('invalid_client', 'client authentication failed');
    }
    const context: TokenContext = { issuer: this.issuer, audience: this.audience, clientId, subject: serviceAccountSubject(clientId), scope: 'profile email', authTime: Math.floor(Date.now() / 1000) };
    return { access_token: await signAccessToken(this.key, context), token_type: 'Bearer', expires_in: DEV_TOKEN_LIFETIMES.accessSec, scope: context.scope };
  }

  private async tokenResponse(context: TokenContext, nonce: string | undefined): Promise<Record<string, unknown>> {
    const refresh = await signRefreshToken(this.key, context);
    this.refreshTokens.set(refresh.jti, Date.now() + DEV_TOKEN_LIFETIMES.refreshSec * 1000);
    return {
      access_token: await signAccessToken(this.key, context),
      token_type: 'Bearer',
      expires_in: DEV_TOKEN_LIFETIMES.accessSec,
      refresh_token: refresh.token,
      refresh_expires_in: DEV_TOKEN_LIFETIMES.refreshSec,
      ...(context.scope.split(' ').includes('openid') ? { id_token: await signIdToken(this.key, context, nonce) } : {}),
      session_state: context.sid,
      scope: context.scope,
    };
  }

  private async userinfo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    try {
      const { payload } = await jwtVerify(token, { ...this.key.publicJwk }, { issuer: this.issuer, audience: this.audience, algorithms: ['ES256'] });
      if (payload['typ'] !== 'Bearer') throw new Error('not an access token');
      const { sub, email, email_verified, name, given_name, family_name, preferred_username } = payload;
      sendJson(res, 200, { sub, email, email_verified, name, given_name, family_name, preferred_username });
    } catch {
      throw new OAuthError('invalid_token', 'access token not valid');
    }
  }

  private async logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = req.method === 'POST' ? new URLSearchParams(await readForm(req)) : new URL(req.url ?? '', 'http://x').searchParams;
    const hint = params.get('id_token_hint');
    if (hint) {
      try {
        const { payload } = await jwtVerify(hint, { ...this.key.publicJwk }, { issuer: this.issuer, algorithms: ['ES256'], clockTolerance: 24 * 3600 });
        if (typeof payload['sid'] === 'string') this.sessions.delete(payload['sid']);
      } catch {
        // An unknown hint ends no session.
      }
    }
    const target = params.get('post_logout_redirect_uri');
    if (target && isAllowedRedirectUri(target)) {
      const state = params.get('state');
      return redirect(res, withParams(target, 'query', { state: state ?? undefined }));
    }
    sendHtml(res, 200, signedOutPage());
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, v] of this.pending) if (v.expiresAt < now) this.pending.delete(k);
    for (const [k, v] of this.codes) if (v.expiresAt < now) this.codes.delete(k);
    for (const [k, v] of this.refreshTokens) if (v < now) this.refreshTokens.delete(k);
  }
}

/** Client id and secret from `Authorization: Basic` (RFC 6749 §2.3.1, form-encoded parts) or the form body. */
function clientAuthentication(req: IncomingMessage, form: Record<string, string>): { clientId: string; secret: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'client authentication failed');
    try {
      return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
    } catch {
      throw new OAuthError('invalid_client', 'client authentication failed');
    }
  }
  return { clientId: form['client_id'] ?? '', secret: form['client_secret'] ?? '' };
}

/** `uri` with `params` (undefined ones left out) added to its query or, for response_mode=fragment, its fragment. */
function withParams(uri: string, mode: 'query' | 'fragment', params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  if (mode === 'fragment') {
    url.hash = new URLSearchParams(entries).toString();
  } else {
    for (const [k, v] of entries) url.searchParams.set(k, v);
  }
  return url.toString();
}

import { randomBytes } from 'node:crypto';
import { createPkce } from './pkce';
import { readTokenResponse, type TokenSet } from './token-set';

/** Options of {@link signInWithPkce}. */
export interface PkceSignInOptions {
  /** Realm issuer, e.g. `http://127.0.0.1:43121/realms/gantry`. */
  issuer: string;
  /** Public client. Default `gantry-console`. */
  clientId?: string;
  /** Redirect URI registered for the client. Default `http://127.0.0.1:5173/callback` (nothing needs to listen there). */
  redirectUri?: string;
  username: string;
  /** Secret: never logged. */
  password: string;
}

/** The sign-in did not end with a code: wrong credentials, or the login page asked for something else. */
export class SignInError extends Error {}

/**
 * A real authorization-code + PKCE (S256) sign-in against Keycloak's own login
 * page, over plain HTTP with a cookie jar (no browser): GET the authorization
 * endpoint, read the `kc-form-login` form's action, POST the credentials,
 * take the code from the redirect to `redirectUri`, check `state`, and exchange
 * the code with the `code_verifier` at the token endpoint.
 * Errors: SignInError when Keycloak does not redirect with a code.
 */
export async function signInWithPkce(options: PkceSignInOptions): Promise<TokenSet> {
  const clientId = options.clientId ?? 'gantry-console';
  const redirectUri = options.redirectUri ?? 'http://127.0.0.1:5173/callback';
  const pkce = createPkce();
  const state = randomBytes(16).toString('base64url');
  const cookies = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  };

  const auth = new URL(`${options.issuer}/protocol/openid-connect/auth`);
  auth.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    response_mode: 'query',
    scope: 'openid',
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
  }).toString();
  const page = await send(auth.toString());
  const html = await page.text();
  const action = loginFormAction(html);
  if (!action) throw new SignInError(`no login form on the authorization page (status ${page.status})`);

  const posted = await send(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: options.username, password: options.password, credentialId: '' }).toString(),
  });
  const location = posted.headers.get('location');
  if (posted.status !== 302 || !location?.startsWith(redirectUri)) {
    throw new SignInError(`sign-in of ${options.username} did not redirect to the client (status ${posted.status})`);
  }
  const params = new URL(location).searchParams;
  const code = params.get('code');
  if (!code) throw new SignInError(`the redirect carries no code: ${params.get('error') ?? 'unknown error'}`);
  if (params.get('state') !== state) throw new SignInError('the redirect carries another state');

  const token = await fetch(`${options.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, code_verifier: pkce.verifier }),
  });
  return readTokenResponse(token);
}

/** The `action` of Keycloak's `<form id="kc-form-login" … action="…">`, HTML entities decoded; undefined when absent. */
export function loginFormAction(html: string): string | undefined {
  const form = /<form\b[^>]*\bid="kc-form-login"[^>]*>/i.exec(html)?.[0];
  const action = form && /\baction="([^"]*)"/i.exec(form)?.[1];
  return action?.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

import { createHash, randomBytes } from 'node:crypto';

/** One step of {@link devSignIn} that a test may want to look at. */
export interface DevSignInResult {
  /** The token endpoint's answer (RFC 6749 §5.1) and status. */
  status: number;
  body: Record<string, unknown>;
  /** The code the issuer redirected with. */
  code: string;
}

/**
 * A complete authorization-code + PKCE sign-in against the development issuer
 * over HTTP (no browser): GET the authorization endpoint, POST the sign-in form
 * (name, email), take the code from the redirect, exchange it. `codeVerifier`
 * overrides the verifier sent to the token endpoint (to test a wrong one).
 * Errors: throws when a step does not answer as a working issuer would.
 */
export async function devSignIn(
  issuer: string,
  person: { name: string; email: string },
  options: { redirectUri?: string; codeVerifier?: string } = {},
): Promise<DevSignInResult> {
  const redirectUri = options.redirectUri ?? 'http://localhost:5173/callback';
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const auth = new URL(`${issuer}/protocol/openid-connect/auth`);
  auth.search = new URLSearchParams({
    client_id: 'gantry-console',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    state,
    nonce: 'n-1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const page = await fetch(auth);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`authorization page answered ${page.status}`);
  const action = /<form id="dev-sign-in" method="post" action="([^"]+)"/.exec(html)?.[1];
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !request) throw new Error('no sign-in form');
  const posted = await fetch(action.replace(/&amp;/g, '&'), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, name: person.name, email: person.email }).toString(),
  });
  const location = posted.headers.get('location') ?? '';
  if (posted.status !== 302 || !location.startsWith(redirectUri)) throw new Error(`sign-in answered ${posted.status} ${location}`);
  const params = new URL(location).searchParams;
  if (params.get('state') !== state) throw new Error('state differs');
  const code = params.get('code') ?? '';
  const res = await fetch(`${issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'gantry-console', code, redirect_uri: redirectUri, code_verifier: options.codeVerifier ?? verifier }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, code };
}

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createTestDatabase, type TestDatabase } from '@gantry/db';
import { ConfigError, loadControlPlaneConfig } from '../../config/control-plane.config';
import { startControlPlane, type RunningControlPlane } from '../../server';
import { InvalidTokenError } from '../oidc/invalid-token.error';
import { OidcVerifier } from '../oidc/oidc-verifier';
import { DevIssuer } from './dev-issuer';
import { DevIssuerInProductionError } from './dev-issuer.errors';
import { devSignIn } from './testing/dev-sign-in';

describe('the built-in development issuer, served by the control plane', () => {
  let db: TestDatabase;
  let cp: RunningControlPlane;
  let issuer: string;
  before(async () => {
    db = await createTestDatabase();
    cp = await startControlPlane(loadControlPlaneConfig({}, { databaseUrl: db.url, httpPort: 0, grpcPort: 0, logLevel: 'fatal' }));
    issuer = cp.oidcIssuer;
  });
  after(async () => {
    await cp.close();
    await db.drop();
  });

  test('is served at <httpUrl>/realms/gantry when GANTRY_OIDC_ISSUER is unset, with a Keycloak-shaped discovery document', async () => {
    assert.equal(issuer, `${cp.httpUrl}/realms/gantry`);
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as Record<string, unknown>;
    const oidc = `${issuer}/protocol/openid-connect`;
    assert.equal(doc['issuer'], issuer);
    assert.equal(doc['authorization_endpoint'], `${oidc}/auth`);
    assert.equal(doc['token_endpoint'], `${oidc}/token`);
    assert.equal(doc['jwks_uri'], `${oidc}/certs`);
    assert.equal(doc['userinfo_endpoint'], `${oidc}/userinfo`);
    assert.equal(doc['end_session_endpoint'], `${oidc}/logout`);
    assert.deepEqual(doc['code_challenge_methods_supported'], ['S256']);
    assert.deepEqual(doc['response_types_supported'], ['code']);

    const jwks = (await (await fetch(`${oidc}/certs`)).json()) as { keys: Record<string, unknown>[] };
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]?.['alg'], 'ES256');
    assert.equal(typeof jwks.keys[0]?.['kid'], 'string');
    assert.equal(jwks.keys[0]?.['d'], undefined, 'no private key material');
  });

  test("keycloak-js's third-party cookie probe answers unsupported, so it skips the session iframe", async () => {
    const res = await fetch(`${issuer}/protocol/openid-connect/3p-cookies/step1.html`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-frame-options'), null, 'it is loaded in an iframe');
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'sha256-/);
    assert.match(await res.text(), /postMessage\("unsupported"/);
  });

  test('a full authorization code + PKCE flow over HTTP yields Keycloak-shaped tokens', async () => {
    const { status, body } = await devSignIn(issuer, { name: 'Grace Hopper', email: 'Grace@Example.test' });
    assert.equal(status, 200);
    assert.equal(body['token_type'], 'Bearer');
    const access = decodeJwt(String(body['access_token']));
    assert.equal(decodeProtectedHeader(String(body['access_token'])).alg, 'ES256');
    assert.equal(access.iss, issuer);
    assert.deepEqual(access.aud, 'gantry-api');
    assert.equal(access['azp'], 'gantry-console');
    assert.equal(access['typ'], 'Bearer');
    assert.equal(access['email'], 'grace@example.test');
    assert.equal(access['name'], 'Grace Hopper');
    assert.equal(access['preferred_username'], 'grace@example.test');
    const id = decodeJwt(String(body['id_token']));
    assert.equal(id.aud, 'gantry-console');
    assert.equal(id['nonce'], 'n-1');
    assert.equal(decodeJwt(String(body['refresh_token']))['typ'], 'Refresh');

    const again = await devSignIn(issuer, { name: 'Grace Hopper', email: 'grace@example.test' });
    assert.equal(decodeJwt(String(again.body['access_token'])).sub, access.sub, 'the same email is the same subject');
  });

  test("the OIDC verifier accepts the issuer's tokens", async () => {
    const verifier = new OidcVerifier({ issuer: () => cp.oidcIssuer });
    const { body } = await devSignIn(issuer, { name: 'Alan Turing', email: 'alan@example.test' });
    const identity = await verifier.verify(String(body['access_token']));
    assert.equal(identity.issuer, issuer);
    assert.equal(identity.email, 'alan@example.test');
    assert.equal(identity.emailVerified, true);
    assert.equal(identity.name, 'Alan Turing');
    assert.equal(identity.preferredUsername, 'alan@example.test');
    assert.equal(identity.clientId, 'gantry-console');
    assert.equal(identity.isServiceAccount, false);
    assert.match(identity.subject, /^[0-9a-f-]{36}$/);

    await assert.rejects(verifier.verify(String(body['id_token'])), (e: unknown) => e instanceof InvalidTokenError && e.reason === 'audience', 'an ID token is no access token');
    await assert.rejects(verifier.verify(String(body['refresh_token'])), InvalidTokenError, 'nor is a refresh token');
  });

  test('a wrong code_verifier is refused, and the code is spent', async () => {
    const wrong = await devSignIn(issuer, { name: 'Eve', email: 'eve@example.test' }, { codeVerifier: 'x'.repeat(43) });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body['error'], 'invalid_grant');
    assert.equal(wrong.body['access_token'], undefined);
  });

  test('PKCE S256 is required and unregistered redirect URIs get no redirect', async () => {
    const base = { client_id: 'gantry-console', redirect_uri: 'http://localhost:5173/cb', response_type: 'code', state: 's' };
    const noPkce = await fetch(`${issuer}/protocol/openid-connect/auth?${new URLSearchParams(base)}`, { redirect: 'manual' });
    assert.equal(noPkce.status, 302);
    assert.equal(new URL(noPkce.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request');
    const plain = await fetch(`${issuer}/protocol/openid-connect/auth?${new URLSearchParams({ ...base, code_challenge: 'abc', code_challenge_method: 'plain' })}`, { redirect: 'manual' });
    assert.equal(new URL(plain.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request');
    const silent = await fetch(`${issuer}/protocol/openid-connect/auth?${new URLSearchParams({ ...base, code_challenge: 'abc', code_challenge_method: 'S256', prompt: 'none', response_mode: 'fragment' })}`, { redirect: 'manual' });
    assert.equal(new URLSearchParams(new URL(silent.headers.get('location') ?? '').hash.slice(1)).get('error'), 'login_required', 'check-sso returns at once, in the fragment');
    const evil = await fetch(`${issuer}/protocol/openid-connect/auth?${new URLSearchParams({ ...base, redirect_uri: 'https://evil.test/cb', code_challenge: 'abc', code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    assert.equal(evil.status, 400);
    assert.equal(evil.headers.get('location'), null);
  });

  test('refresh tokens rotate: the new access token verifies, the used refresh token is refused', async () => {
    const { body } = await devSignIn(issuer, { name: 'Ada', email: 'ada@example.test' });
    const refresh = async (token: unknown): Promise<Response> =>
      fetch(`${issuer}/protocol/openid-connect/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'gantry-console', refresh_token: String(token) }) });
    const first = await refresh(body['refresh_token']);
    assert.equal(first.status, 200);
    const renewed = (await first.json()) as Record<string, unknown>;
    const identity = await new OidcVerifier({ issuer }).verify(String(renewed['access_token']));
    assert.equal(identity.email, 'ada@example.test');
    const reused = await refresh(body['refresh_token']);
    assert.equal(reused.status, 400);
    assert.equal(((await reused.json()) as Record<string, unknown>)['error'], 'invalid_grant');
  });

  test('client credentials for gantry-automation yield a service-account token; a wrong secret is 401', async () => {
    const { clientId, clientSecret } = cp.devIssuer?.automationClient ?? { clientId: '', clientSecret: '' };
    const token = async (secret: string): Promise<Response> =>
      fetch(`${issuer}/protocol/openid-connect/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
    const ok = await token(clientSecret);
    assert.equal(ok.status, 200);
    const identity = await new OidcVerifier({ issuer }).verify(String(((await ok.json()) as Record<string, unknown>)['access_token']));
    assert.equal(identity.isServiceAccount, true);
    assert.equal(identity.clientId, 'gantry-automation');
    assert.equal(identity.preferredUsername, 'service-account-gantry-automation');
    const bad = await token('not-the-secret');
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as Record<string, unknown>)['error'], 'invalid_client');
  });

  test('logout ends the session: its refresh token is refused, and the browser returns to the console', async () => {
    const { body } = await devSignIn(issuer, { name: 'Barbara', email: 'barbara@example.test' });
    const logout = new URL(`${issuer}/protocol/openid-connect/logout`);
    logout.search = new URLSearchParams({ id_token_hint: String(body['id_token']), post_logout_redirect_uri: 'http://localhost:5173/', state: 'bye' }).toString();
    const res = await fetch(logout, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'http://localhost:5173/?state=bye');
    const refresh = await fetch(`${issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'gantry-console', refresh_token: String(body['refresh_token']) }),
    });
    assert.equal(refresh.status, 400);
  });

  test('userinfo answers for an access token and refuses anything else', async () => {
    const { body } = await devSignIn(issuer, { name: 'Linus', email: 'linus@example.test' });
    const ok = await fetch(`${issuer}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${String(body['access_token'])}` } });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as Record<string, unknown>)['email'], 'linus@example.test');
    const bad = await fetch(`${issuer}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${String(body['id_token'])}` } });
    assert.equal(bad.status, 401);
  });
});

describe('the development issuer in production', () => {
  test('refuses to start with NODE_ENV=production', async () => {
    await assert.rejects(DevIssuer.create({ nodeEnv: 'production' }), DevIssuerInProductionError);
    await assert.rejects(
      startControlPlane(loadControlPlaneConfig({}, { databaseUrl: 'postgres://unused@127.0.0.1:1/x', nodeEnv: 'production', oidcIssuer: undefined, logLevel: 'silent' })),
      (e: unknown) => e instanceof DevIssuerInProductionError && /GANTRY_OIDC_ISSUER/.test(e.message),
    );
  });

  test('the config demands GANTRY_OIDC_ISSUER in production, and takes it', () => {
    assert.throws(() => loadControlPlaneConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@h/d' }), (e: unknown) => e instanceof ConfigError && /GANTRY_OIDC_ISSUER is required/.test(e.message));
    const config = loadControlPlaneConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@h/d', GANTRY_OIDC_ISSUER: 'https://sso.example.com/realms/gantry' });
    assert.equal(config.oidcIssuer, 'https://sso.example.com/realms/gantry');
    assert.equal(config.oidcAudience, 'gantry-api');
    assert.throws(() => loadControlPlaneConfig({ DATABASE_URL: 'postgres://x@h/d', GANTRY_OIDC_ISSUER: 'not a url' }), ConfigError);
  });
});

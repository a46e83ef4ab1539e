/**
 * The control plane serves the console (the `vite build` output) from its own
 * origin: configuration for keycloak-js, hashed files with long caching, the
 * single-page app for deep links, and never over the API's own paths.
 * Real HTTP against a real control plane; the build folder is a temporary one
 * written here, so these tests do not depend on a console build.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startApiHarness, type ApiHarness } from '../api/testing/api-test-kit';
import { consoleConfigOf, ConsoleIssuerError } from './console-config';

function fakeBuild(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-console-dist-'));
  mkdirSync(path.join(dir, '_console'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Gantry</title><div id="root"></div>');
  writeFileSync(path.join(dir, '_console/index-abc123.js'), 'console.log("console")');
  return dir;
}

describe('consoleConfigOf', () => {
  test('splits a Keycloak issuer into keycloak-js url and realm, with or without a path prefix', () => {
    assert.deepEqual(consoleConfigOf('https://sso.example.com/realms/gantry', 'gantry-console', '1.2.3'), {
      oidc: { url: 'https://sso.example.com', realm: 'gantry', clientId: 'gantry-console' },
      version: '1.2.3',
    });
    assert.equal(consoleConfigOf('http://127.0.0.1:8080/auth/realms/acme%20corp/', 'c', 'v').oidc.url, 'http://127.0.0.1:8080/auth');
    assert.equal(consoleConfigOf('http://127.0.0.1:8080/auth/realms/acme%20corp/', 'c', 'v').oidc.realm, 'acme corp');
  });

  test('refuses an issuer keycloak-js cannot use, naming the variable', () => {
    assert.throws(() => consoleConfigOf('https://accounts.example.com', 'c', 'v'), (e: unknown) => e instanceof ConsoleIssuerError && /GANTRY_OIDC_ISSUER/.test(e.message));
  });
});

describe('the control plane serves the console', () => {
  let h: ApiHarness;
  let unbuilt: ApiHarness;
  let keycloak: ApiHarness;
  const ISSUER = 'http://127.0.0.1:9/auth/realms/acme';

  before(async () => {
    [h, unbuilt, keycloak] = await Promise.all([
      startApiHarness({ env: { GANTRY_CONSOLE_DIR: fakeBuild() } }),
      startApiHarness({ env: { GANTRY_CONSOLE_DIR: path.join(os.tmpdir(), 'gantry-no-such-console-build') } }),
      startApiHarness({ env: { GANTRY_CONSOLE_DIR: fakeBuild(), GANTRY_OIDC_ISSUER: ISSUER, GANTRY_CONSOLE_CLIENT_ID: 'acme-console' } }),
    ]);
  });
  after(async () => {
    await Promise.all([h?.close(), unbuilt?.close(), keycloak?.close()]);
  });

  test("with Keycloak configured, the console gets its realm and client, and the CSP lets it reach Keycloak's origin", async () => {
    const res = await fetch(`${keycloak.server.httpUrl}/console-config.json`);
    assert.deepEqual(((await res.json()) as { oidc: unknown }).oidc, { url: 'http://127.0.0.1:9/auth', realm: 'acme', clientId: 'acme-console' });
    const page = await fetch(`${keycloak.server.httpUrl}/acme/prod/assets`, { headers: { accept: 'text/html' } });
    assert.match(page.headers.get('content-security-policy') ?? '', /connect-src 'self' http:\/\/127\.0\.0\.1:9[;\s]/);
  });

  test('/console-config.json points keycloak-js at the development issuer on embedded defaults', async () => {
    const res = await fetch(`${h.server.httpUrl}/console-config.json`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), { oidc: { url: h.server.httpUrl, realm: 'gantry', clientId: 'gantry-console' }, version: '0.1.0' });
  });

  test('a deep link gets index.html, not cached, under the strict CSP', async () => {
    const res = await fetch(`${h.server.httpUrl}/acme/prod/runs/4b7c`, { headers: { accept: 'text/html' } });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<div id="root">/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });

  test('hashed build files are cached for a year; a missing one is 404, never index.html', async () => {
    const js = await fetch(`${h.server.httpUrl}/_console/index-abc123.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
    const missing = await fetch(`${h.server.httpUrl}/_console/gone-000.js`, { headers: { accept: 'text/html' } });
    assert.equal(missing.status, 404);
    assert.doesNotMatch(await missing.text(), /<div id="root">/);
  });

  test("the API's own paths are never answered with the console", async () => {
    const health = await fetch(`${h.server.httpUrl}/healthz`, { headers: { accept: 'text/html' } });
    assert.doesNotMatch(await health.text(), /<div id="root">/);
    const discovery = await fetch(`${h.server.httpUrl}/realms/gantry/.well-known/openid-configuration`, { headers: { accept: 'text/html' } });
    assert.equal(((await discovery.json()) as { issuer: string }).issuer, `${h.server.httpUrl}/realms/gantry`);
    const gql = await fetch(`${h.server.httpUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ serverInfo { version } }' }) });
    assert.deepEqual(await gql.json(), { data: { serverInfo: { version: '0.1.0' } } });
    const json = await fetch(`${h.server.httpUrl}/acme/prod/assets`, { headers: { accept: 'application/json' } });
    assert.equal(json.status, 404, 'a non-HTML request to an unknown path is not the console');
  });

  test('without a build, a page request says how to build the console (503)', async () => {
    const res = await fetch(`${unbuilt.server.httpUrl}/acme/prod/assets`, { headers: { accept: 'text/html' } });
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build:console/);
  });
});

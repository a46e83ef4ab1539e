import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadControlPlaneConfig } from '../config/control-plane.config';
import { startApiHarness, type ApiHarness } from '../api/testing/api-test-kit';

const CONSOLE = 'https://console.example.com';

async function preflight(h: ApiHarness, origin: string): Promise<Response> {
  return fetch(`${h.server.httpUrl}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
}

function corsHeaders(res: Response): string[] {
  return [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));
}

describe('CORS and security headers with a console origin and HSTS configured', () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApiHarness({ env: { GANTRY_CONSOLE_ORIGIN: CONSOLE, GANTRY_HSTS_MAX_AGE_S: '31536000', GANTRY_CSP_CONNECT_SRC: 'https://sso.example.com' } });
  });
  after(async () => {
    await h.close();
  });

  test('a preflight from the console origin succeeds with the allowed origin, methods, headers and max-age', async () => {
    const res = await preflight(h, CONSOLE);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), CONSOLE);
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET,POST');
    assert.equal(res.headers.get('access-control-allow-headers'), 'authorization,content-type,x-gantry-organization');
    assert.equal(res.headers.get('access-control-max-age'), '600');
    assert.equal(res.headers.get('access-control-allow-credentials'), null, 'bearer tokens, no cookies');
    assert.match(res.headers.get('vary') ?? '', /Origin/);
  });

  test('the actual request from the console origin carries Access-Control-Allow-Origin', async () => {
    const res = await fetch(`${h.server.httpUrl}/graphql`, { method: 'POST', headers: { origin: CONSOLE, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ serverInfo { version } }' }) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), CONSOLE);
  });

  test('another origin gets no CORS header at all, on the preflight and on the request', async () => {
    const res = await preflight(h, 'https://evil.example.net');
    assert.deepEqual(corsHeaders(res), []);
    const post = await fetch(`${h.server.httpUrl}/graphql`, { method: 'POST', headers: { origin: 'https://evil.example.net', 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ serverInfo { version } }' }) });
    assert.deepEqual(corsHeaders(post), []);
    const lookalike = await preflight(h, `${CONSOLE}.evil.example.net`);
    assert.deepEqual(corsHeaders(lookalike), []);
  });

  for (const path of ['/graphql', '/healthz']) {
    test(`security headers on ${path}: CSP for the API and the console, HSTS, nosniff, no referrer, never framed`, async () => {
      const res = path === '/graphql'
        ? await fetch(`${h.server.httpUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ serverInfo { version } }' }) })
        : await fetch(`${h.server.httpUrl}${path}`);
      assert.equal(res.status, 200);
      const csp = Object.fromEntries((res.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
      assert.equal(csp['default-src'], "'self'");
      assert.equal(csp['script-src'], "'self'");
      assert.equal(csp['connect-src'], "'self' https://sso.example.com");
      assert.equal(csp['frame-ancestors'], "'none'");
      assert.equal(csp['object-src'], "'none'");
      assert.equal(csp['upgrade-insecure-requests'], '', 'behind TLS, subresources are upgraded');
      assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-powered-by'), null);
    });
  }
});

describe('CORS and security headers on defaults (development)', () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApiHarness();
  });
  after(async () => {
    await h.close();
  });

  test('without GANTRY_CONSOLE_ORIGIN only the server\'s own origin is allowed', async () => {
    const own = await preflight(h, h.server.httpUrl);
    assert.equal(own.status, 204);
    assert.equal(own.headers.get('access-control-allow-origin'), h.server.httpUrl);
    const other = await preflight(h, 'http://localhost:5173');
    assert.deepEqual(corsHeaders(other), []);
  });

  test('no HSTS and no upgrade-insecure-requests over plain HTTP; the rest of the headers stay', async () => {
    const res = await fetch(`${h.server.httpUrl}/healthz`);
    assert.equal(res.headers.get('strict-transport-security'), null);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.doesNotMatch(csp, /upgrade-insecure-requests/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });
});

test('config: GANTRY_CONSOLE_ORIGIN must list origins', () => {
  assert.throws(() => loadControlPlaneConfig({ DATABASE_URL: 'postgres://x', GANTRY_CONSOLE_ORIGIN: 'https://console.example.com/app' }), /GANTRY_CONSOLE_ORIGIN must list origins only/);
  assert.throws(() => loadControlPlaneConfig({ DATABASE_URL: 'postgres://x', GANTRY_CONSOLE_ORIGIN: 'console' }), /GANTRY_CONSOLE_ORIGIN must list origins like/);
  assert.deepEqual(loadControlPlaneConfig({ DATABASE_URL: 'postgres://x', GANTRY_CONSOLE_ORIGIN: 'https://a.example.com, http://localhost:5173/' }).httpSecurity.consoleOrigins, ['https://a.example.com', 'http://localhost:5173']);
});

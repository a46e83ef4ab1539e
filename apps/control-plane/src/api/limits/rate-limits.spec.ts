import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mintToken } from '@gantry/domain';
import { createApiToken, createTenant, startApiHarness, type ApiHarness, type Tenant } from '../testing/api-test-kit';

type WireError = { message: string; extensions?: Record<string, unknown> };

const PER_ACTOR = 5;
const ANONYMOUS_PER_IP = 3;
const AUTH_FAILURES = 3;
const BLOCK_S = 120;

/**
 * Rate limits on the real server. The server trusts one proxy hop, so each
 * test plays a different client IP through `X-Forwarded-For` and the tests do
 * not share counters; windows are long (60 s) so nothing here depends on time.
 */
describe('rate limits', () => {
  let h: ApiHarness;
  let tenant: Tenant;
  before(async () => {
    h = await startApiHarness({
      env: {
        GANTRY_TRUST_PROXY_HOPS: '1',
        GANTRY_RATE_LIMIT_WINDOW_MS: '60000',
        GANTRY_RATE_LIMIT_PER_ACTOR: String(PER_ACTOR),
        GANTRY_RATE_LIMIT_ANONYMOUS_PER_IP: String(ANONYMOUS_PER_IP),
        GANTRY_AUTH_FAILURES_PER_IP: String(AUTH_FAILURES),
        GANTRY_AUTH_FAILURE_BLOCK_MS: String(BLOCK_S * 1000),
      },
    });
    tenant = await createTenant(h.prisma);
  });
  after(async () => {
    await h.close();
  });

  async function post(ip: string, token: string | undefined, query = '{ deployments { name } }'): Promise<{ status: number; retryAfter: string | null; errors?: WireError[] }> {
    const res = await fetch(`${h.server.httpUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { errors?: WireError[] };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), errors: body.errors };
  }

  /** One operation over graphql-ws from `ip`; resolves to its errors, or to [] when it ran. */
  async function overWs(ip: string, token: string): Promise<WireError[]> {
    class FromIp extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { 'x-forwarded-for': ip } });
      }
    }
    const client = createClient({ url: `${h.server.httpUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: FromIp, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
    try {
      return await new Promise<WireError[]>((resolve, reject) => {
        client.subscribe({ query: '{ deployments { name } }' }, {
          next: (r) => resolve((r.errors as WireError[] | undefined) ?? []),
          error: (e) => (Array.isArray(e) ? resolve(e as WireError[]) : reject(e instanceof Error ? e : new Error(String(e)))),
          complete: () => undefined,
        });
      });
    } finally {
      await client.dispose();
    }
  }

  function assertRateLimited(r: { status: number; retryAfter: string | null; errors?: WireError[] }, scope: string, setting: string, maxRetryS: number): void {
    assert.equal(r.status, 429, JSON.stringify(r.errors));
    const e = r.errors?.[0];
    assert.equal(e?.extensions?.['code'], 'RATE_LIMITED');
    assert.equal(e?.extensions?.['scope'], scope);
    assert.equal(e?.extensions?.['setting'], setting);
    const retry = Number(r.retryAfter);
    assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= maxRetryS, `Retry-After ${r.retryAfter}`);
    assert.equal(e?.extensions?.['retryAfterSeconds'], retry, 'the body carries the same delay as the header');
    assert.match(e?.message ?? '', new RegExp(`\\(${setting}\\).*retry after ${retry} s`));
  }

  test('per actor: the operation after GANTRY_RATE_LIMIT_PER_ACTOR in a window is 429 with Retry-After; other tokens and IPs do not share the count', async () => {
    const token = await createApiToken(h.prisma, tenant.orgId);
    for (let i = 0; i < PER_ACTOR; i++) assert.equal((await post('198.51.100.1', token.value)).status, 200);
    assertRateLimited(await post('198.51.100.1', token.value), 'actor', 'GANTRY_RATE_LIMIT_PER_ACTOR', 60);
    assertRateLimited(await post('198.51.100.2', token.value), 'actor', 'GANTRY_RATE_LIMIT_PER_ACTOR', 60);
    const other = await createApiToken(h.prisma, tenant.orgId);
    assert.equal((await post('198.51.100.1', other.value)).status, 200, 'another token of the same organization has its own count');
  });

  test('per actor over graphql-ws: operations count the same way and the refusal carries the same extensions', async () => {
    const token = await createApiToken(h.prisma, tenant.orgId);
    for (let i = 0; i < PER_ACTOR; i++) assert.deepEqual(await overWs('198.51.100.10', token.value), []);
    const [refused] = await overWs('198.51.100.10', token.value);
    assert.equal(refused?.extensions?.['code'], 'RATE_LIMITED');
    assert.equal(refused?.extensions?.['scope'], 'actor');
    assert.ok(Number(refused?.extensions?.['retryAfterSeconds']) >= 1);
    assert.equal(refused?.extensions?.['http'], undefined, 'the HTTP status and headers are not part of a graphql-ws error');
    assertRateLimited(await post('198.51.100.11', token.value), 'actor', 'GANTRY_RATE_LIMIT_PER_ACTOR', 60);
  });

  test('anonymous: requests without credentials are counted per IP (GANTRY_RATE_LIMIT_ANONYMOUS_PER_IP); tokens from that IP are not affected', async () => {
    for (let i = 0; i < ANONYMOUS_PER_IP; i++) assert.equal((await post('198.51.100.20', undefined, '{ serverInfo { version } }')).status, 200);
    assertRateLimited(await post('198.51.100.20', undefined, '{ serverInfo { version } }'), 'anonymous-ip', 'GANTRY_RATE_LIMIT_ANONYMOUS_PER_IP', 60);
    assert.equal((await post('198.51.100.21', undefined, '{ serverInfo { version } }')).status, 200, 'another IP has its own count');
    assert.equal((await post('198.51.100.20', tenant.token)).status, 200, 'a token from the same IP is counted per actor');
  });

  test('auth failures: after GANTRY_AUTH_FAILURES_PER_IP failures the IP is blocked for GANTRY_AUTH_FAILURE_BLOCK_MS, a valid token included', async () => {
    const ip = '198.51.100.30';
    for (let i = 0; i < AUTH_FAILURES; i++) {
      const r = await post(ip, mintToken('api').value);
      assert.equal(r.status, 401, 'each failure is answered as usual until the limit');
      assert.equal(r.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    }
    const blocked = await post(ip, tenant.token);
    assertRateLimited(blocked, 'auth-failures-ip', 'GANTRY_AUTH_FAILURES_PER_IP', BLOCK_S);
    assert.ok(Number(blocked.retryAfter) > 60, 'the block outlasts the window');
    assertRateLimited(await post(ip, undefined, '{ serverInfo { version } }'), 'auth-failures-ip', 'GANTRY_AUTH_FAILURES_PER_IP', BLOCK_S);
    const [overWsRefusal] = await overWs(ip, tenant.token);
    assert.equal(overWsRefusal?.extensions?.['scope'], 'auth-failures-ip', 'graphql-ws from the blocked IP is refused too');
    assert.equal((await post('198.51.100.31', tenant.token)).status, 200, 'other IPs are not blocked');
  });

  test('failed authentications over graphql-ws count against the IP as well', async () => {
    const ip = '198.51.100.40';
    for (let i = 0; i < AUTH_FAILURES; i++) {
      const [e] = await overWs(ip, mintToken('api').value);
      assert.equal(e?.extensions?.['code'], 'UNAUTHENTICATED');
    }
    assertRateLimited(await post(ip, tenant.token), 'auth-failures-ip', 'GANTRY_AUTH_FAILURES_PER_IP', BLOCK_S);
  });

  test('health probes are never rate limited', async () => {
    for (let i = 0; i < ANONYMOUS_PER_IP + 2; i++) {
      const res = await fetch(`${h.server.httpUrl}/healthz`, { headers: { 'x-forwarded-for': '198.51.100.30' } });
      assert.equal(res.status, 200);
    }
  });
});

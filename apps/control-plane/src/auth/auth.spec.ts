import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mintToken } from '@gantry/domain';
import { createApiToken, createTenant, eventually, startApiHarness, type ApiHarness, type Tenant } from '../api/testing/api-test-kit';
import { bearerToken } from './api-token.authenticator';

describe('API token authentication', () => {
  let h: ApiHarness;
  let a: Tenant;
  let b: Tenant;
  before(async () => {
    h = await startApiHarness();
    a = await createTenant(h.prisma);
    b = await createTenant(h.prisma);
  });
  after(async () => {
    await h.close();
  });

  async function assertUnauthenticated(token: string | undefined, header?: string): Promise<void> {
    const res = await fetch(`${h.server.httpUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header !== undefined ? { authorization: header } : token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: '{ deployments { id name } }' }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    assert.equal(body.errors?.length, 1);
    assert.equal(body.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    assert.equal(body.errors?.[0]?.message, 'unauthenticated: send Authorization: Bearer <API token or access token>', 'no detail about why');
    assert.equal(body.data, null);
  }

  test('a missing token is 401 UNAUTHENTICATED', async () => {
    await assertUnauthenticated(undefined);
  });

  test('an unknown, malformed or non-bearer token is 401 UNAUTHENTICATED', async () => {
    await assertUnauthenticated(mintToken('api').value);
    await assertUnauthenticated(undefined, 'Bearer not-a-gantry-token');
    await assertUnauthenticated(undefined, `Basic ${Buffer.from('a:b').toString('base64')}`);
    await assertUnauthenticated(undefined, `Bearer ${a.token.slice(0, -1)}`);
  });

  test('an agent token is not an API token', async () => {
    const agent = mintToken('agent');
    await h.prisma.agentToken.create({ data: { orgId: a.orgId, name: 'agent', tokenHash: agent.hash, prefix: agent.prefix, deploymentIds: [] } });
    await assertUnauthenticated(agent.value);
  });

  test('a revoked token is 401 UNAUTHENTICATED', async () => {
    const t = await createApiToken(h.prisma, a.orgId);
    assert.equal((await h.gql(t.value, '{ deployments { id } }')).status, 200);
    await h.prisma.apiToken.update({ where: { id: t.id }, data: { revokedAt: new Date() } });
    await assertUnauthenticated(t.value);
  });

  test('an expired token is 401 UNAUTHENTICATED', async () => {
    const t = await createApiToken(h.prisma, a.orgId, { expiresAt: new Date(Date.now() - 1000) });
    await assertUnauthenticated(t.value);
  });

  test('a token that expires later works, and maps to its own organization only', async () => {
    const t = await createApiToken(h.prisma, b.orgId, { expiresAt: new Date(Date.now() + 3_600_000) });
    const r = await h.gql<{ deployments: { id: string }[] }>(t.value, '{ deployments { id } }');
    assert.equal(r.status, 200);
    assert.deepEqual(r.data?.deployments.map((d) => d.id), [b.prodId]);
  });

  test('mutations are guarded too', async () => {
    const res = await h.gql(undefined, 'mutation { cancelRun(id: "00000000-0000-4000-8000-000000000000") { id } }');
    assert.equal(res.status, 401);
    assert.equal(res.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
  });

  test('a public and a guarded field in one request: 401, and the non-null guarded field nulls the data', async () => {
    const r = await h.gql(undefined, '{ serverInfo { version } deployments { id } }');
    assert.equal(r.status, 401);
    assert.deepEqual(r.errors?.map((e) => e.extensions?.['code']), ['UNAUTHENTICATED']);
    assert.equal(r.data, null);
  });

  test('health probes stay open: the guard only guards GraphQL', async () => {
    const res = await fetch(`${h.server.httpUrl}/healthz`);
    assert.equal(res.status, 200);
  });

  test('last_used_at is recorded on use, at most once a minute', async () => {
    const t = await createApiToken(h.prisma, a.orgId);
    await h.gql(t.value, '{ deployments { id } }');
    let first: Date | null = null;
    await eventually(async () => {
      first = (await h.prisma.apiToken.findUniqueOrThrow({ where: { id: t.id } })).lastUsedAt;
      return first !== null;
    }, 5000, 'last_used_at');
    await h.gql(t.value, '{ deployments { id } }');
    await new Promise((r) => setTimeout(r, 200));
    const second = (await h.prisma.apiToken.findUniqueOrThrow({ where: { id: t.id } })).lastUsedAt;
    assert.deepEqual(second, first, 'the second use within a minute does not write');
  });

  test('subscriptions authenticate with connectionParams.authorization', async () => {
    const run = async (token: string | undefined): Promise<unknown[]> => {
      const client = h.ws(token);
      const results: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        client.subscribe(
          { query: 'subscription { runEvents(runId: "00000000-0000-4000-8000-000000000000") { seq } }' },
          { next: (m) => results.push(m), error: reject, complete: resolve },
        );
      });
      await client.dispose();
      return results;
    };
    const anonymous = (await run(undefined)) as { errors?: { extensions?: { code?: string } }[] }[];
    assert.equal(anonymous[0]?.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const bad = (await run(mintToken('api').value)) as { errors?: { extensions?: { code?: string } }[] }[];
    assert.equal(bad[0]?.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const good = (await run(a.token)) as { errors?: { extensions?: { code?: string } }[] }[];
    assert.equal(good[0]?.errors?.[0]?.extensions?.code, 'RUN_NOT_FOUND', 'authenticated: the run is simply unknown');
  });
});

test('bearerToken accepts only `Bearer gantry_api_…`', () => {
  const t = mintToken('api').value;
  assert.equal(bearerToken(`Bearer ${t}`), t);
  assert.equal(bearerToken(`bearer   ${t} `), t);
  assert.equal(bearerToken(t), undefined);
  assert.equal(bearerToken(`Bearer ${mintToken('agent').value}`), undefined);
  assert.equal(bearerToken(`Bearer gantry_api_${'x'.repeat(300)}`), undefined);
  assert.equal(bearerToken(undefined), undefined);
});

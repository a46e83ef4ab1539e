import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { mintToken } from '@gantry/domain';
import { createAgentToken, createOrg } from './testing/factories';
import { startTestControlPlane, type TestControlPlane } from './testing/harness';
import { eventually, reportCodeLocations, TestAgent } from './testing/test-agent';

let t: TestControlPlane;
before(async () => {
  t = await startTestControlPlane();
});
after(async () => {
  await t.close();
});

/** Asserts that both RPCs refuse `token` with UNAUTHENTICATED "invalid agent token" and nothing else. */
async function assertRefused(token: string | undefined): Promise<void> {
  const error = await reportCodeLocations(t.address, token, { locations: [] }).then(
    () => assert.fail('ReportCodeLocations succeeded'),
    (e: grpc.ServiceError) => e,
  );
  assert.equal(error.code, grpc.status.UNAUTHENTICATED);
  assert.equal(error.details, 'invalid agent token');
  assert.deepEqual(error.metadata.get('gantry-error-code'), [], 'no trailer says why');

  const agent = TestAgent.open(t.address, token);
  agent.send({ hello: { agent: { name: 'a', version: '1', launcher: 'process', deployments: [] }, freeSlots: 1, runningRunIds: [] } });
  const status = await agent.status;
  agent.close();
  assert.equal(status.code, grpc.status.UNAUTHENTICATED);
  assert.equal(status.details, 'invalid agent token');
  assert.equal(agent.received.length, 0, 'no Welcome');
}

describe('agent token authentication', () => {
  test('a missing authorization header is refused on both RPCs', async () => {
    await assertRefused(undefined);
  });

  test('an unknown token, a malformed one and an API token are refused alike', async () => {
    await assertRefused(mintToken('agent').value);
    await assertRefused('not-a-token');
    await assertRefused(mintToken('api').value);
  });

  test('a revoked token is refused', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId, { revokedAt: new Date(Date.now() - 1000) });
    await assertRefused(token);
  });

  test('an expired token is refused', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId, { expiresAt: new Date(Date.now() - 1000) });
    await assertRefused(token);
  });

  test('a valid token is accepted on both RPCs and its last use is recorded', async () => {
    const org = await createOrg(t.prisma);
    const { token, id } = await createAgentToken(t.prisma, org.orgId, { expiresAt: new Date(Date.now() + 3_600_000) });
    const res = await reportCodeLocations(t.address, token, { locations: [] });
    assert.deepEqual(res.results, []);
    const agent = await TestAgent.connect(t.address, token, { name: 'auth-ok' });
    assert.equal(agent.all('welcome')[0]?.welcome?.organizationId, org.orgId);
    agent.close();
    const row = await eventually(() => t.prisma.agentToken.findUniqueOrThrow({ where: { id } }).then((r) => r.lastUsedAt));
    assert.ok(Date.now() - row.getTime() < 60_000);
  });

  test('revoking a token ends its open session at the next heartbeat with UNAUTHENTICATED', async () => {
    const org = await createOrg(t.prisma);
    const { token, id } = await createAgentToken(t.prisma, org.orgId);
    const agent = await TestAgent.connect(t.address, token, { name: 'soon-revoked' });
    await t.prisma.agentToken.update({ where: { id }, data: { revokedAt: new Date() } });
    agent.heartbeat([]);
    const status = await agent.status;
    agent.close();
    assert.equal(status.code, grpc.status.UNAUTHENTICATED);
    assert.equal(status.details, 'invalid agent token');
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { createAgentToken, createCodeLocation, createDeployment, createOrg, type TestOrg } from './testing/factories';
import { startTestControlPlane, type TestControlPlane } from './testing/harness';
import { eventually, TestAgent } from './testing/test-agent';

const LEASE_TTL_MS = 60_000;
let t: TestControlPlane;
before(async () => {
  t = await startTestControlPlane({ leaseTtlMs: LEASE_TTL_MS });
});
after(async () => {
  await t.close();
});

/** A run already leased to `agentId` (as a dispatch would leave it). */
async function leasedRun(org: TestOrg, codeLocationId: string, agentId: string | null, status: 'STARTED' | 'SUCCESS' | 'QUEUED' = 'STARTED') {
  return t.prisma.run.create({
    data: {
      orgId: org.orgId,
      deploymentId: org.prodDeploymentId,
      codeLocationId,
      codeLocationVersion: 1,
      status,
      assetKeys: ['a'],
      agentId,
      leaseExpiresAt: agentId ? new Date(Date.now() + 5_000) : null,
    },
  });
}

describe('Session: Hello and Welcome', () => {
  test('a first message other than Hello ends the stream with INVALID_ARGUMENT', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const agent = TestAgent.open(t.address, token);
    agent.slots(3);
    const status = await agent.status;
    agent.close();
    assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
    assert.match(status.details, /first message on a session must be Hello \(got slots\)/);
    assert.equal(agent.received.length, 0);
  });

  test('Hello registers the agent as connected and is answered by Welcome; the same name reconnects as the same agent', async () => {
    const org = await createOrg(t.prisma);
    const stagingId = await createDeployment(t.prisma, org.orgId, 'staging');
    const { token, id: tokenId } = await createAgentToken(t.prisma, org.orgId);
    const agent = await TestAgent.connect(t.address, token, { name: 'cluster-1', deployments: ['prod', 'staging'], freeSlots: 4, launcher: 'kubernetes' });
    const welcome = agent.all('welcome')[0]!.welcome!;
    assert.equal(welcome.organizationId, org.orgId);
    assert.equal(welcome.leaseTtlMs, LEASE_TTL_MS);
    assert.equal(welcome.heartbeatIntervalMs, Math.floor(LEASE_TTL_MS / 3));
    const row = await t.prisma.agent.findUniqueOrThrow({ where: { id: welcome.agentId } });
    assert.equal(row.orgId, org.orgId);
    assert.equal(row.name, 'cluster-1');
    assert.equal(row.version, '0.0.0-test');
    assert.equal(row.launcher, 'kubernetes');
    assert.equal(row.slots, 4);
    assert.equal(row.agentTokenId, tokenId);
    assert.deepEqual([...row.deploymentIds].sort(), [org.prodDeploymentId, stagingId].sort());
    assert.equal(row.connected, true);
    assert.ok(row.connectedAt && row.lastHeartbeatAt);

    agent.close();
    await eventually(async () => !(await t.prisma.agent.findUniqueOrThrow({ where: { id: welcome.agentId } })).connected);

    const again = await TestAgent.connect(t.address, token, { name: 'cluster-1' });
    assert.equal(again.agentId, welcome.agentId);
    assert.equal((await t.prisma.agent.findUniqueOrThrow({ where: { id: welcome.agentId } })).connected, true);
    again.close();
  });

  test('deployments outside the token scope or unknown are INVALID_ARGUMENT', async () => {
    const org = await createOrg(t.prisma);
    const stagingId = await createDeployment(t.prisma, org.orgId, 'staging');
    const { token } = await createAgentToken(t.prisma, org.orgId, { deploymentIds: [stagingId] });
    for (const deployments of [['prod'], ['staging', 'nope']]) {
      const agent = TestAgent.open(t.address, token);
      agent.send({ hello: { agent: { name: 'x', version: '1', launcher: 'process', deployments }, freeSlots: 1, runningRunIds: [] } });
      const status = await agent.status;
      agent.close();
      assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
      assert.match(status.details, /deployment ".*" does not exist or this token may not serve it/);
    }
    // Another organization's deployment of the same name is not this token's either.
    const other = await createOrg(t.prisma);
    await createDeployment(t.prisma, other.orgId, 'qa');
    const agent = TestAgent.open(t.address, token);
    agent.send({ hello: { agent: { name: 'x', version: '1', launcher: 'process', deployments: ['qa'] }, freeSlots: 1, runningRunIds: [] } });
    assert.equal((await agent.status).code, grpc.status.INVALID_ARGUMENT);
    agent.close();
  });

  test('malformed messages end the session with INVALID_ARGUMENT: empty name, negative slots, a second Hello', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const noName = TestAgent.open(t.address, token);
    noName.send({ hello: { agent: { name: ' ', version: '1', launcher: 'process', deployments: [] }, freeSlots: 1, runningRunIds: [] } });
    assert.match((await noName.status).details, /Hello.agent.name is required/);
    noName.close();

    const negative = await TestAgent.connect(t.address, token, { name: 'neg' });
    negative.slots(-1);
    const s1 = await negative.status;
    assert.equal(s1.code, grpc.status.INVALID_ARGUMENT);
    assert.match(s1.details, /free_slots must be an integer >= 0/);
    negative.close();

    const twice = await TestAgent.connect(t.address, token, { name: 'twice' });
    twice.send({ hello: { agent: { name: 'twice', version: '1', launcher: 'process', deployments: [] }, freeSlots: 1, runningRunIds: [] } });
    assert.match((await twice.status).details, /Hello was already received/);
    twice.close();
  });

  test('running_run_ids: runs still leased to the agent keep (and renew) their lease, the others are revoked', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const loc = await createCodeLocation(t.prisma, { orgId: org.orgId, deploymentId: org.prodDeploymentId, assets: [{ key: 'a' }] });
    const first = await TestAgent.connect(t.address, token, { name: 'reconnecting' });
    first.close();
    const otherAgent = await TestAgent.connect(t.address, token, { name: 'someone-else' });
    const mine = await leasedRun(org, loc.codeLocationId, first.agentId);
    const finished = await leasedRun(org, loc.codeLocationId, first.agentId, 'SUCCESS');
    const theirs = await leasedRun(org, loc.codeLocationId, otherAgent.agentId);
    const unknown = randomUUID();

    const again = await TestAgent.connect(t.address, token, { name: 'reconnecting', runningRunIds: [mine.id, finished.id, theirs.id, unknown, 'not-a-uuid'] });
    assert.equal(again.agentId, first.agentId);
    await again.until((msgs) => msgs.filter((m) => m.body === 'leaseRevoked').length === 3);
    const revoked = again.all('leaseRevoked').map((m) => m.leaseRevoked!.runId).sort();
    assert.deepEqual(revoked, [theirs.id, unknown, 'not-a-uuid'].sort());
    const renewed = await t.prisma.run.findUniqueOrThrow({ where: { id: mine.id } });
    assert.ok(renewed.leaseExpiresAt!.getTime() > Date.now() + LEASE_TTL_MS - 5_000, 'lease renewed to a full ttl');
    assert.equal(renewed.agentId, first.agentId);
    const untouched = await t.prisma.run.findUniqueOrThrow({ where: { id: theirs.id } });
    assert.equal(untouched.agentId, otherAgent.agentId);
    assert.ok(untouched.leaseExpiresAt!.getTime() < Date.now() + 10_000, 'the other agent’s lease was not renewed');
    again.close();
    otherAgent.close();
  });

  test('a newer session of the same agent replaces the older one (ABORTED); the agent stays connected', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const old = await TestAgent.connect(t.address, token, { name: 'dup' });
    const fresh = await TestAgent.connect(t.address, token, { name: 'dup' });
    const status = await old.status;
    assert.equal(status.code, grpc.status.ABORTED);
    assert.match(status.details, /replaced by a newer session of agent "dup"/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await t.prisma.agent.findUniqueOrThrow({ where: { id: fresh.agentId } })).connected, true);
    old.close();
    fresh.close();
  });

  test('a graceful end from the agent is answered with OK and marks it disconnected', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const agent = await TestAgent.connect(t.address, token, { name: 'polite' });
    agent.end();
    const status = await agent.status;
    assert.equal(status.code, grpc.status.OK);
    await eventually(async () => !(await t.prisma.agent.findUniqueOrThrow({ where: { id: agent.agentId } })).connected);
    agent.close();
  });
});

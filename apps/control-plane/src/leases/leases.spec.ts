import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createAgentToken, createCodeLocation, createOrg, queueRun } from '../agents/testing/factories';
import { startTestControlPlane, type TestControlPlane } from '../agents/testing/harness';
import { eventually, sleep, TestAgent } from '../agents/testing/test-agent';
import { reaperIntervalMs } from './lease-reaper';

const LEASE_TTL_MS = 1000;
const INTERVAL_MS = reaperIntervalMs(LEASE_TTL_MS);
let t: TestControlPlane;
before(async () => {
  t = await startTestControlPlane({ leaseTtlMs: LEASE_TTL_MS });
});
after(async () => {
  await t.close();
});

async function assignedRun(name: string) {
  const org = await createOrg(t.prisma);
  const { token } = await createAgentToken(t.prisma, org.orgId);
  const loc = await createCodeLocation(t.prisma, { orgId: org.orgId, deploymentId: org.prodDeploymentId, assets: [{ key: 'a' }] });
  const agent = await TestAgent.connect(t.address, token, { name, freeSlots: 1 });
  const runId = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId: loc.codeLocationId });
  await agent.next('assignment', (m) => m.assignment!.runId === runId);
  return { org, token, agent, runId };
}

describe('leases', () => {
  test('the reaper interval is min(1000, ttl / 4)', () => {
    assert.equal(reaperIntervalMs(30_000), 1000);
    assert.equal(reaperIntervalMs(1000), 250);
  });

  test('heartbeats keep a run leased well past the lease duration', async () => {
    const { agent, runId } = await assignedRun('beating');
    const before = (await t.prisma.run.findUniqueOrThrow({ where: { id: runId } })).leaseExpiresAt!.getTime();
    for (let i = 0; i < 8; i++) {
      agent.heartbeat([runId]);
      await sleep(300);
    }
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    assert.equal(row.status, 'STARTING');
    assert.ok(row.leaseExpiresAt!.getTime() > before + 1500, 'lease moved forward');
    assert.equal(agent.all('leaseRevoked').length, 0);
    const agentRow = await t.prisma.agent.findUniqueOrThrow({ where: { id: agent.agentId } });
    assert.ok(Date.now() - agentRow.lastHeartbeatAt!.getTime() < 1000, 'agents.last_heartbeat_at recorded');
    agent.close();
  });

  test('an expired lease fails the run within ttl + reaper interval, sends LeaseRevoked and notifies gantry_run_events', async () => {
    const listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(n.payload ?? ''));
    await listener.query('LISTEN gantry_run_events');
    try {
      const { agent, runId } = await assignedRun('silent');
      const leasedUntil = (await t.prisma.run.findUniqueOrThrow({ where: { id: runId } })).leaseExpiresAt!.getTime();
      const revoked = await agent.next('leaseRevoked', (m) => m.leaseRevoked!.runId === runId, LEASE_TTL_MS + INTERVAL_MS + 2000);
      const failedBy = Date.now();
      const reason = `lease expired: agent silent stopped heartbeating (lease ${LEASE_TTL_MS} ms)`;
      assert.equal(revoked.leaseRevoked!.reason, reason);
      const row = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      assert.equal(row.status, 'FAILURE');
      assert.equal(row.failureReason, reason);
      assert.ok(row.endedAt);
      assert.ok(row.endedAt.getTime() <= leasedUntil + INTERVAL_MS + 200, `failed ${row.endedAt.getTime() - leasedUntil} ms after the lease ended`);
      assert.ok(failedBy - leasedUntil < INTERVAL_MS + 500);
      await eventually(async () => notified.some((p) => (JSON.parse(p) as { runId: string }).runId === runId));
      agent.close();
    } finally {
      await listener.end();
    }
  });

  test('a disconnected agent keeps its runs until the lease ends; reconnecting in time with running_run_ids keeps them', async () => {
    const { token, agent, runId } = await assignedRun('flaky');
    agent.close();
    await sleep(LEASE_TTL_MS / 2);
    const back = await TestAgent.connect(t.address, token, { name: 'flaky', runningRunIds: [runId] });
    assert.equal(back.agentId, agent.agentId);
    for (let i = 0; i < 5; i++) {
      back.heartbeat([runId]);
      await sleep(300);
    }
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    assert.equal(row.status, 'STARTING');
    assert.equal(row.agentId, agent.agentId);
    assert.equal(back.all('leaseRevoked').length, 0);
    back.close();
  });

  test('a run whose agent vanished is failed even though no session of it exists anywhere', async () => {
    const { agent, runId } = await assignedRun('vanished');
    agent.close();
    const row = await eventually(async () => {
      const r = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return r.status === 'FAILURE' ? r : undefined;
    }, LEASE_TTL_MS + INTERVAL_MS + 2000);
    assert.match(row.failureReason!, /^lease expired: agent vanished stopped heartbeating/);
  });

  test('a heartbeat naming a run the agent does not hold gets LeaseRevoked; a run failed by expiry is not renewed', async () => {
    const { agent, runId } = await assignedRun('late');
    const other = await assignedRun('other');
    await agent.next('leaseRevoked', (m) => m.leaseRevoked!.runId === runId, LEASE_TTL_MS + INTERVAL_MS + 2000);
    agent.heartbeat([runId, other.runId]);
    await agent.until((m) => m.filter((x) => x.body === 'leaseRevoked').length === 3);
    const revoked = agent.all('leaseRevoked').map((m) => m.leaseRevoked!.runId);
    assert.deepEqual(revoked.slice(1).sort(), [runId, other.runId].sort());
    assert.equal((await t.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status, 'FAILURE');
    agent.close();
    other.agent.close();
  });
});

import assert from 'node:assert/strict';
import pg from 'pg';
import { after, before, test } from 'node:test';
import { type ApiHarness, createTenant, startApiHarness } from '../api/testing/api-test-kit';
import { createAgentToken, createCodeLocation, queueRun } from '../agents/testing/factories';
import { sleep, TestAgent } from '../agents/testing/test-agent';
import { AgentHealth } from './models/agent.model';
import { agentHealth } from './agents-view.service';

// Wide enough margins for a loaded 2-core machine: HEALTHY needs a heartbeat within 2 s, UNHEALTHY holds from 2 s to 5 s.
const HEARTBEAT_MS = 1_000;
const LEASE_TTL_MS = 5_000;

let h: ApiHarness;
let pool: pg.Pool;
before(async () => {
  h = await startApiHarness({ env: { GANTRY_LEASE_TTL_MS: String(LEASE_TTL_MS), GANTRY_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS) } });
  pool = new pg.Pool({ connectionString: h.db.url, max: 2 });
});
after(async () => {
  await pool.end();
  await h.close();
});

interface AgentView {
  id: string; name: string; version: string; launcher: string; slots: number; queues: string[]; runsInFlight: number;
  lastHeartbeatAt: string | null; connected: boolean; health: AgentHealth;
}
const QUERY = '{ agents { id name version launcher slots queues runsInFlight lastHeartbeatAt connected health } }';

test('agentHealth: HEALTHY, UNHEALTHY after two missed heartbeat intervals, DISCONNECTED after the lease TTL or without a session', () => {
  const timing = { heartbeatIntervalMs: 1_000, leaseTtlMs: 3_000 };
  const now = 1_000_000;
  const at = (msAgo: number) => new Date(now - msAgo);
  assert.equal(agentHealth({ connected: true, lastHeartbeatAt: at(0) }, timing, now), AgentHealth.HEALTHY);
  assert.equal(agentHealth({ connected: true, lastHeartbeatAt: at(2_000) }, timing, now), AgentHealth.HEALTHY);
  assert.equal(agentHealth({ connected: true, lastHeartbeatAt: at(2_001) }, timing, now), AgentHealth.UNHEALTHY);
  assert.equal(agentHealth({ connected: true, lastHeartbeatAt: at(3_000) }, timing, now), AgentHealth.UNHEALTHY);
  assert.equal(agentHealth({ connected: true, lastHeartbeatAt: at(3_001) }, timing, now), AgentHealth.DISCONNECTED);
  assert.equal(agentHealth({ connected: false, lastHeartbeatAt: at(0) }, timing, now), AgentHealth.DISCONNECTED);
  assert.equal(agentHealth({ connected: true, lastHeartbeatAt: null }, timing, now), AgentHealth.DISCONNECTED);
});

test('the Agent type shows version, queues, launcher, slots, runs in flight, last heartbeat and health of a real agent that stops heartbeating', async () => {
  const tenant = await createTenant(h.prisma);
  const { token } = await createAgentToken(h.prisma, tenant.orgId);
  const loc = await createCodeLocation(h.prisma, { orgId: tenant.orgId, deploymentId: tenant.prodId, name: 'gpu-jobs', assets: [{ key: 'x' }], queue: 'gpu' });
  const agent = await TestAgent.connect(h.server.grpcAddress, token, { name: 'health', queues: ['gpu', 'default'], freeSlots: 3 });
  const runId = await queueRun(pool, { orgId: tenant.orgId, deploymentId: tenant.prodId, codeLocationId: loc.codeLocationId });
  await agent.next('assignment', (m) => m.assignment!.runId === runId, 2_000);

  const view = async (): Promise<AgentView> => {
    const r = await h.gql<{ agents: AgentView[] }>(tenant.token, QUERY);
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    assert.equal(r.data!.agents.length, 1);
    return r.data!.agents[0]!;
  };

  // Heartbeating: healthy, one run in flight.
  for (let i = 0; i < 3; i++) {
    agent.heartbeat([runId]);
    await sleep(HEARTBEAT_MS / 4);
  }
  const healthy = await view();
  assert.equal(healthy.name, 'health');
  assert.equal(healthy.version, '0.0.0-test');
  assert.equal(healthy.launcher, 'process');
  assert.equal(healthy.slots, 3);
  assert.deepEqual(healthy.queues, ['default', 'gpu']);
  assert.equal(healthy.runsInFlight, 1);
  assert.equal(healthy.connected, true);
  assert.ok(healthy.lastHeartbeatAt && Date.now() - Date.parse(healthy.lastHeartbeatAt) < HEARTBEAT_MS * 2, `last heartbeat ${healthy.lastHeartbeatAt}, now ${new Date().toISOString()}`);
  assert.equal(healthy.health, AgentHealth.HEALTHY);

  // The agent stops heartbeating, its session stays open.
  await sleep(2 * HEARTBEAT_MS + 500);
  const unhealthy = await view();
  assert.equal(unhealthy.connected, true);
  assert.equal(unhealthy.health, AgentHealth.UNHEALTHY);
  assert.equal(unhealthy.lastHeartbeatAt, healthy.lastHeartbeatAt, 'no heartbeat since');

  // Silent for longer than the lease TTL: disconnected, although the stream is still open.
  await sleep(LEASE_TTL_MS - 2 * HEARTBEAT_MS + 500);
  const silent = await view();
  assert.equal(silent.health, AgentHealth.DISCONNECTED);

  // Without a session at all: disconnected.
  agent.close();
  for (let i = 0; i < 50 && (await view()).connected; i++) await sleep(100);
  const gone = await view();
  assert.equal(gone.connected, false);
  assert.equal(gone.health, AgentHealth.DISCONNECTED);
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadControlPlaneConfig } from '../config/control-plane.config';
import { type RunningControlPlane, startControlPlane } from '../server';
import { createAgentToken, createCodeLocation, createDeployment, createOrg, queueRun, type TestOrg } from '../agents/testing/factories';
import { startTestControlPlane, type TestControlPlane } from '../agents/testing/harness';
import { sleep, TestAgent } from '../agents/testing/test-agent';
import { DISPATCH_RECONCILE_INTERVAL_MS } from './dispatch.service';

const LEASE_TTL_MS = 60_000;
let t: TestControlPlane;
before(async () => {
  t = await startTestControlPlane({ leaseTtlMs: LEASE_TTL_MS });
});
after(async () => {
  await t.close();
});

async function tenant(label = 'org'): Promise<{ org: TestOrg; token: string; codeLocationId: string }> {
  const org = await createOrg(t.prisma, label);
  const { token } = await createAgentToken(t.prisma, org.orgId);
  const loc = await createCodeLocation(t.prisma, { orgId: org.orgId, deploymentId: org.prodDeploymentId, name: 'flights', assets: [{ key: 'flights/raw' }] });
  return { org, token, codeLocationId: loc.codeLocationId };
}

const assignedIds = (agent: TestAgent) => agent.all('assignment').map((m) => m.assignment!.runId);

describe('dispatch', () => {
  test('a run committed as QUEUED with NOTIFY is pushed to a connected agent at once; without NOTIFY nothing polls it', async () => {
    assert.ok(DISPATCH_RECONCILE_INTERVAL_MS >= 10_000, 'the only timer that claims runs is a slow safety net');
    const { org, token, codeLocationId } = await tenant();
    const agent = await TestAgent.connect(t.address, token, { name: 'pushed', deployments: ['prod'], freeSlots: 5 });
    // Let the connect-time backlog claim finish first: it would rightly take a run queued meanwhile.
    await sleep(300);

    const silent = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId, notify: false });
    const started = performance.now();
    const runId = await queueRun(t.pool, {
      orgId: org.orgId,
      deploymentId: org.prodDeploymentId,
      codeLocationId,
      assetKeys: ['flights/raw'],
      partitionKey: '2024-01',
      tags: { team: 'data' },
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const msg = await agent.next('assignment', (m) => m.assignment!.runId === runId, 500);
    const latencyMs = performance.now() - started;
    assert.ok(latencyMs < 500, `assignment after ${latencyMs} ms`);

    const a = msg.assignment!;
    assert.equal(a.deployment, 'prod');
    assert.equal(a.codeLocation, 'flights');
    assert.equal(a.codeLocationVersion, 1);
    assert.deepEqual(a.assetKeys, ['flights/raw']);
    assert.equal(a.partitionKey, '2024-01');
    assert.equal(a.partitionRangeStart, '');
    assert.equal(a.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    assert.deepEqual(JSON.parse(a.tagsJson), { team: 'data' });
    assert.equal(a.storedSeq, 0);
    assert.ok(Math.abs(a.leaseExpiresAtMs - (Date.now() + LEASE_TTL_MS)) < 5_000);
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    assert.equal(row.status, 'STARTING');
    assert.equal(row.agentId, agent.agentId);
    assert.equal(row.leaseExpiresAt!.getTime(), a.leaseExpiresAtMs);

    // The run queued without a notification is not picked up by any polling.
    await sleep(1000);
    assert.deepEqual(assignedIds(agent), [runId]);
    assert.equal((await t.prisma.run.findUniqueOrThrow({ where: { id: silent } })).status, 'QUEUED');
    agent.close();
  });

  test('free slots are respected: 3 queued runs and 2 slots give 2 assignments (oldest first); announcing a slot gives the third', async () => {
    const { org, token, codeLocationId } = await tenant();
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId }));
      await sleep(5); // distinct created_at, so "oldest first" is well defined
    }
    const agent = await TestAgent.connect(t.address, token, { name: 'slots', freeSlots: 2 });
    await agent.until((m) => m.filter((x) => x.body === 'assignment').length === 2);
    assert.deepEqual(assignedIds(agent), runs.slice(0, 2));

    // A NOTIFY while the agent is full assigns nothing.
    const fourth = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId });
    await sleep(300);
    assert.equal(agent.all('assignment').length, 2);
    assert.equal((await t.prisma.run.findUniqueOrThrow({ where: { id: runs[2]! } })).status, 'QUEUED');

    agent.slots(1);
    await agent.until((m) => m.filter((x) => x.body === 'assignment').length === 3);
    assert.equal(assignedIds(agent)[2], runs[2]);
    await sleep(200);
    assert.equal(agent.all('assignment').length, 3, 'one slot, one run');

    agent.slots(5);
    await agent.until((m) => m.filter((x) => x.body === 'assignment').length === 4);
    assert.equal(assignedIds(agent)[3], fourth);
    agent.close();
  });

  test('two agents on one deployment, two control-plane replicas, many runs: every run is assigned exactly once', async () => {
    const { org, token, codeLocationId } = await tenant();
    const replica: RunningControlPlane = await startControlPlane(
      loadControlPlaneConfig({}, { databaseUrl: t.db.url, httpPort: 0, grpcPort: 0, leaseTtlMs: LEASE_TTL_MS, logLevel: 'silent' }),
    );
    try {
      const agents = await Promise.all([
        TestAgent.connect(t.address, token, { name: 'rr-1', freeSlots: 1000 }),
        TestAgent.connect(t.address, token, { name: 'rr-2', freeSlots: 1000 }),
        TestAgent.connect(replica.grpcAddress, token, { name: 'rr-3', freeSlots: 1000 }),
        TestAgent.connect(replica.grpcAddress, token, { name: 'rr-4', freeSlots: 1000 }),
      ]);
      const N = 120;
      const runs = await Promise.all(Array.from({ length: N }, () => queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId })));
      const total = () => agents.reduce((n, a) => n + a.all('assignment').length, 0);
      for (let i = 0; i < 100 && total() < N; i++) await sleep(50);
      await sleep(200);
      const all = agents.flatMap(assignedIds);
      assert.equal(all.length, N, 'no run assigned twice');
      assert.deepEqual(new Set(all), new Set(runs));
      for (const a of agents) assert.ok(a.all('assignment').length > 0, 'round-robin spreads runs over the agents');
      const rows = await t.prisma.run.findMany({ where: { id: { in: runs } } });
      for (const r of rows) {
        const holder = agents.find((a) => assignedIds(a).includes(r.id))!;
        assert.equal(r.agentId, holder.agentId);
        assert.equal(r.status, 'STARTING');
      }
      for (const a of agents) a.close();
    } finally {
      await replica.close();
    }
  });

  test('cross-tenant: an agent of organization A never receives a run of organization B', async () => {
    const a = await tenant('a');
    const b = await tenant('b');
    const agentA = await TestAgent.connect(t.address, a.token, { name: 'shared-name', freeSlots: 10 });
    const runB = await queueRun(t.pool, { orgId: b.org.orgId, deploymentId: b.org.prodDeploymentId, codeLocationId: b.codeLocationId });
    await sleep(300);
    assert.equal(agentA.all('assignment').length, 0);
    assert.equal((await t.prisma.run.findUniqueOrThrow({ where: { id: runB } })).status, 'QUEUED');

    agentA.slots(10); // a backlog claim does not cross tenants either
    await sleep(300);
    assert.equal(agentA.all('assignment').length, 0);

    const agentB = await TestAgent.connect(t.address, b.token, { name: 'shared-name', freeSlots: 10 });
    await agentB.next('assignment', (m) => m.assignment!.runId === runB);
    assert.notEqual(agentB.agentId, agentA.agentId);
    agentA.close();
    agentB.close();
  });

  test('an agent only receives runs of the deployments it serves; an organization-wide agent also serves deployments created later', async () => {
    const { org, token, codeLocationId } = await tenant();
    const stagingId = await createDeployment(t.prisma, org.orgId, 'staging');
    const stagingLoc = await createCodeLocation(t.prisma, { orgId: org.orgId, deploymentId: stagingId, assets: [{ key: 's' }] });
    const stagingAgent = await TestAgent.connect(t.address, token, { name: 'staging-only', deployments: ['staging'], freeSlots: 10 });
    const prodRun = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId });
    const stagingRun = await queueRun(t.pool, { orgId: org.orgId, deploymentId: stagingId, codeLocationId: stagingLoc.codeLocationId });
    await stagingAgent.next('assignment', (m) => m.assignment!.runId === stagingRun);
    assert.equal(stagingAgent.all('assignment')[0]!.assignment!.deployment, 'staging');
    await sleep(200);
    assert.deepEqual(assignedIds(stagingAgent), [stagingRun]);

    const wide = await TestAgent.connect(t.address, token, { name: 'everything', freeSlots: 10 });
    await wide.next('assignment', (m) => m.assignment!.runId === prodRun);
    const laterId = await createDeployment(t.prisma, org.orgId, 'branch-42');
    const laterLoc = await createCodeLocation(t.prisma, { orgId: org.orgId, deploymentId: laterId, assets: [{ key: 'b' }] });
    stagingAgent.close();
    const laterRun = await queueRun(t.pool, { orgId: org.orgId, deploymentId: laterId, codeLocationId: laterLoc.codeLocationId });
    const got = await wide.next('assignment', (m) => m.assignment!.runId === laterRun, 1000);
    assert.equal(got.assignment!.deployment, 'branch-42');
    wide.close();
  });

  test('NOTIFY gantry_run_cancel is forwarded as CancelRun to the agent holding the run', async () => {
    const { org, token, codeLocationId } = await tenant();
    const agent = await TestAgent.connect(t.address, token, { name: 'cancel-me', freeSlots: 1 });
    const runId = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId });
    await agent.next('assignment');
    await t.pool.query(`SELECT pg_notify('gantry_run_cancel', json_build_object('runId', $1::text, 'agentId', $2::text)::text)`, [runId, agent.agentId]);
    const cancel = await agent.next('cancel', () => true, 1000);
    assert.equal(cancel.cancel!.runId, runId);
    // A cancel for an agent that is not connected here, or a malformed payload, is harmless.
    await t.pool.query(`SELECT pg_notify('gantry_run_cancel', 'garbage'), pg_notify('gantry_run_cancel', json_build_object('runId', $1::text, 'agentId', gen_random_uuid())::text)`, [runId]);
    await sleep(100);
    assert.equal(agent.all('cancel').length, 1);
    agent.close();
  });

  test('storedSeq tells a re-dispatched run how many events are already stored', async () => {
    const { org, token, codeLocationId } = await tenant();
    const runId = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId, notify: false });
    await t.pool.query(
      `INSERT INTO run_events (org_id, run_id, seq, type, payload, timestamp) SELECT $1, $2, s, 'LOG', '{}', now() FROM generate_series(1, 7) s`,
      [org.orgId, runId],
    );
    const agent = await TestAgent.connect(t.address, token, { name: 'seq', freeSlots: 1 });
    const msg = await agent.next('assignment');
    assert.equal(msg.assignment!.storedSeq, 7);
    agent.close();
  });

  test('queues: a run goes only to agents serving its code location\'s queue; agents on one queue share its runs; a default agent never takes another queue', async () => {
    const { org, token, codeLocationId } = await tenant();
    const gpuLoc = await createCodeLocation(t.prisma, { orgId: org.orgId, deploymentId: org.prodDeploymentId, name: 'training', assets: [{ key: 'model' }], queue: 'gpu' });
    const plain = await TestAgent.connect(t.address, token, { name: 'plain', freeSlots: 50 });
    const gpu1 = await TestAgent.connect(t.address, token, { name: 'gpu-1', queues: ['gpu'], freeSlots: 50 });
    const gpu2 = await TestAgent.connect(t.address, token, { name: 'gpu-2', queues: ['gpu', ' gpu '], freeSlots: 50 });
    const agentRow = await t.prisma.agent.findUniqueOrThrow({ where: { id: gpu2.agentId } });
    assert.deepEqual(agentRow.queues, ['gpu']);
    assert.deepEqual((await t.prisma.agent.findUniqueOrThrow({ where: { id: plain.agentId } })).queues, ['default']);
    await sleep(300);

    const gpuRuns: string[] = [];
    for (let i = 0; i < 20; i++) gpuRuns.push(await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId: gpuLoc.codeLocationId }));
    const defaultRun = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId });
    const rows = await t.prisma.run.findMany({ where: { id: { in: [...gpuRuns, defaultRun] } } });
    assert.ok(rows.filter((r) => r.id !== defaultRun).every((r) => r.queue === 'gpu'), 'runs take the queue of their code location');
    assert.equal(rows.find((r) => r.id === defaultRun)!.queue, 'default');

    await plain.next('assignment', (m) => m.assignment!.runId === defaultRun, 1000);
    for (let i = 0; i < 100 && assignedIds(gpu1).length + assignedIds(gpu2).length < gpuRuns.length; i++) await sleep(50);
    const one = assignedIds(gpu1);
    const two = assignedIds(gpu2);
    assert.deepEqual([...one, ...two].sort(), [...gpuRuns].sort(), 'every gpu run went to exactly one gpu agent');
    assert.ok(one.length > 0 && two.length > 0, `both gpu agents got work (${one.length} / ${two.length})`);
    assert.deepEqual(assignedIds(plain), [defaultRun]);

    // A backlog claim (connect) respects queues too.
    plain.close();
    const backlog = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId: gpuLoc.codeLocationId, notify: false });
    const late = await TestAgent.connect(t.address, token, { name: 'late-default', freeSlots: 10 });
    await sleep(300);
    assert.deepEqual(assignedIds(late), []);
    gpu1.slots(60);
    await gpu1.next('assignment', (m) => m.assignment!.runId === backlog, 1000);
    for (const a of [gpu1, gpu2, late]) a.close();
  });
});

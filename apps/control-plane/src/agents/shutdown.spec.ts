import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { WireRunEvent } from '@gantry/proto';
import { createAgentToken, createCodeLocation, createOrg, queueRun } from './testing/factories';
import { startTestControlPlane } from './testing/harness';
import { eventually, sleep, TestAgent } from './testing/test-agent';

const GRACE_MS = 5000;

test('app.close() drains sessions: a batch still being stored is committed and acked, then the stream ends UNAVAILABLE and the agent is marked disconnected', async () => {
  const t = await startTestControlPlane({ shutdownGraceMs: GRACE_MS });
  try {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const loc = await createCodeLocation(t.prisma, { orgId: org.orgId, deploymentId: org.prodDeploymentId, assets: [{ key: 'a' }] });
    const agent = await TestAgent.connect(t.address, token, { name: 'draining', freeSlots: 1 });
    const runId = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId: loc.codeLocationId });
    await agent.next('assignment');
    let ended = false;
    void agent.status.then(() => (ended = true));

    // Hold the batch inside its INSERT: an uncommitted row with the same (run_id, seq) makes it wait.
    const N = 1000;
    const blocker = await t.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query(`INSERT INTO run_events (org_id, run_id, seq, type, payload, timestamp) VALUES ($1, $2, $3, 'LOG', '{}', now())`, [org.orgId, runId, N]);
    const events: WireRunEvent[] = Array.from({ length: N }, (_, i) => ({
      runId,
      seq: i + 1,
      type: 'COMPUTE_LOG',
      timestampMs: Date.now(),
      level: '',
      message: `line ${i + 1}`,
      assetKey: '',
      payloadJson: '{"stream":"stdout"}',
    }));
    agent.events(events);
    await eventually(async () => {
      const r = await t.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO run_events%'`,
      );
      return r.rows[0]!.n > 0;
    });

    const started = Date.now();
    const closing = t.stopControlPlane();
    await sleep(300);
    assert.equal(ended, false, 'the session waits for the batch in flight');
    assert.equal(agent.all('acks').length, 0);
    await blocker.query('ROLLBACK');
    blocker.release();
    await closing;
    const closeMs = Date.now() - started;

    const status = await agent.status;
    assert.equal(status.code, grpc.status.UNAVAILABLE);
    assert.equal(status.details, 'control plane is shutting down; reconnect');
    assert.deepEqual(
      agent.all('acks').flatMap((m) => m.acks!.acks.map((a) => a.upToSeq)),
      [N],
      'the batch was acked before the stream ended',
    );
    const stored = await t.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM run_events WHERE run_id = $1', [runId]);
    assert.equal(stored.rows[0]!.n, N);
    assert.equal((await t.prisma.agent.findUniqueOrThrow({ where: { id: agent.agentId } })).connected, false);
    assert.ok(closeMs < GRACE_MS, `close took ${closeMs} ms`);

    // The replica is gone: new sessions fail as unavailable.
    const late = TestAgent.open(t.address, token);
    assert.equal((await late.status).code, grpc.status.UNAVAILABLE);
    late.close();
    agent.close();
  } finally {
    await t.close();
  }
});

test('app.close() is bounded by shutdownGraceMs when a batch cannot finish', async () => {
  const GRACE = 700;
  const t = await startTestControlPlane({ shutdownGraceMs: GRACE });
  const blocker = await t.pool.connect();
  try {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    const loc = await createCodeLocation(t.prisma, { orgId: org.orgId, deploymentId: org.prodDeploymentId, assets: [{ key: 'a' }] });
    const agent = await TestAgent.connect(t.address, token, { name: 'stuck', freeSlots: 1 });
    const runId = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId: loc.codeLocationId });
    await agent.next('assignment');
    await blocker.query('BEGIN');
    await blocker.query(`INSERT INTO run_events (org_id, run_id, seq, type, payload, timestamp) VALUES ($1, $2, 1, 'LOG', '{}', now())`, [org.orgId, runId]);
    agent.events([{ runId, seq: 1, type: 'LOG', timestampMs: Date.now(), level: '', message: 'x', assetKey: '', payloadJson: '' }]);
    await eventually(async () => {
      const r = await t.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO run_events%'`);
      return r.rows[0]!.n > 0;
    });
    const started = Date.now();
    const closing = t.stopControlPlane();
    // Release the lock only after the grace period, so the pool can close afterwards.
    const rollback = new Promise<void>((resolve) => setTimeout(() => void blocker.query('ROLLBACK').catch(() => undefined).then(() => resolve()), GRACE + 500));
    const status = await agent.status;
    const endedAfter = Date.now() - started;
    assert.notEqual(status.code, grpc.status.OK);
    assert.ok(endedAfter >= GRACE - 50 && endedAfter < GRACE + 1000, `stream ended ${endedAfter} ms after close began`);
    assert.equal(agent.all('acks').length, 0, 'nothing acked that was not committed before the stream ended');
    await closing.catch(() => undefined);
    await rollback;
    agent.close();
  } finally {
    blocker.release();
    await t.close().catch(() => undefined);
  }
});

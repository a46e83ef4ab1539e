import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { WireRunEvent } from '@gantry/proto';
import { createAgentToken, createCodeLocation, createOrg, queueRun, type TestOrg } from '../agents/testing/factories';
import { startTestControlPlane, type TestControlPlane } from '../agents/testing/harness';
import { eventually, sleep, TestAgent } from '../agents/testing/test-agent';
import { PAYLOAD_ERROR_KEY } from './event-batch';

let t: TestControlPlane;
before(async () => {
  t = await startTestControlPlane({ leaseTtlMs: 60_000 });
});
after(async () => {
  await t.close();
});

interface Setup {
  org: TestOrg;
  token: string;
  agent: TestAgent & { agentId: string };
  assetIds: Map<string, string>;
  codeLocationId: string;
  /** Queues and waits for the assignment of a run (optionally with a partition). */
  run(partitionKey?: string): Promise<string>;
}

async function setup(name = 'ingest', slots = 50): Promise<Setup> {
  const org = await createOrg(t.prisma);
  const { token } = await createAgentToken(t.prisma, org.orgId);
  const loc = await createCodeLocation(t.prisma, {
    orgId: org.orgId,
    deploymentId: org.prodDeploymentId,
    assets: [{ key: 'flights/raw', codeVersion: 'cv1', checks: ['not_empty'] }, { key: 'flights/clean' }],
  });
  const agent = await TestAgent.connect(t.address, token, { name, freeSlots: slots });
  const run = async (partitionKey?: string) => {
    const runId = await queueRun(t.pool, {
      orgId: org.orgId,
      deploymentId: org.prodDeploymentId,
      codeLocationId: loc.codeLocationId,
      ...(partitionKey !== undefined && { partitionKey }),
    });
    await agent.next('assignment', (m) => m.assignment!.runId === runId);
    return runId;
  };
  return { org, token, agent, assetIds: loc.assetIds, codeLocationId: loc.codeLocationId, run };
}

function ev(runId: string, seq: number, type: string, extra: Partial<WireRunEvent> = {}): WireRunEvent {
  return { runId, seq, type, timestampMs: Date.now(), level: '', message: '', assetKey: '', payloadJson: '{}', ...extra };
}

const logs = (runId: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ev(runId, from + i, 'LOG', { level: 'INFO', message: `line ${from + i}` }));

const acksOf = (agent: TestAgent) => agent.all('acks').flatMap((m) => m.acks!.acks.map((a) => [a.runId, a.upToSeq] as const));

async function eventRows(runId: string) {
  return t.prisma.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
}

describe('event ingest', () => {
  test('events are stored once under replay, and acked up to the highest seq of each run in the batch', async () => {
    const s = await setup();
    const runA = await s.run();
    const runB = await s.run();
    const batch = [...logs(runA, 1, 50), ...logs(runB, 1, 7)];
    s.agent.events(batch);
    await s.agent.next('acks');
    s.agent.events(batch);
    await s.agent.next('acks');
    s.agent.events([...logs(runA, 40, 60)]); // overlapping replay plus new events
    await s.agent.next('acks');
    const perMessage = s.agent.all('acks').map((m) => m.acks!.acks.map((a) => `${a.runId}:${a.upToSeq}`).sort());
    assert.deepEqual(perMessage, [[`${runA}:50`, `${runB}:7`].sort(), [`${runA}:50`, `${runB}:7`].sort(), [`${runA}:60`]]);
    const rowsA = await eventRows(runA);
    assert.deepEqual(rowsA.map((r) => r.seq), Array.from({ length: 60 }, (_, i) => i + 1));
    assert.equal(rowsA[0]!.message, 'line 1');
    assert.equal(rowsA[0]!.level, 'INFO');
    assert.equal(rowsA[0]!.orgId, s.org.orgId);
    assert.equal((await eventRows(runB)).length, 7);
    s.agent.close();
  });

  test('status, materializations and check evaluations are derived in the same commit, and gantry_run_events is notified', async () => {
    const s = await setup();
    const runId = await s.run('2024-03');
    const listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push((JSON.parse(n.payload ?? '{}') as { runId: string }).runId));
    await listener.query('LISTEN gantry_run_events');
    try {
      const t0 = Date.now() - 10_000;
      s.agent.events([ev(runId, 1, 'RUN_STARTING', { timestampMs: t0 }), ev(runId, 2, 'RUN_STARTED', { timestampMs: t0 + 1000 })]);
      await s.agent.next('acks');
      const started = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      assert.equal(started.status, 'STARTED');
      assert.equal(started.startedAt!.getTime(), t0 + 1000);
      await eventually(async () => notified.includes(runId));

      s.agent.events([
        ev(runId, 3, 'ASSET_MATERIALIZATION', {
          assetKey: 'flights/raw',
          timestampMs: t0 + 2000,
          payloadJson: JSON.stringify({ metadata: { rows: { raw_value: 42, type: 'int' } }, dataVersion: 'dv1' }),
        }),
        ev(runId, 4, 'ASSET_MATERIALIZATION', {
          assetKey: 'flights/clean',
          timestampMs: t0 + 3000,
          payloadJson: JSON.stringify({ metadata: {}, partitionKey: '2024-04', codeVersion: 'override' }),
        }),
        ev(runId, 5, 'ASSET_MATERIALIZATION', { assetKey: 'not/an/asset', payloadJson: '{}' }),
        ev(runId, 6, 'ASSET_CHECK_EVALUATION', {
          assetKey: 'flights/raw',
          payloadJson: JSON.stringify({ checkName: 'not_empty', passed: true, severity: 'ERROR', metadata: { n: { raw_value: 1, type: 'int' } } }),
        }),
        ev(runId, 7, 'ASSET_CHECK_EVALUATION', {
          assetKey: 'flights/clean',
          payloadJson: JSON.stringify({ checkName: 'no_dupes', passed: false, severity: 'WARN', metadata: {} }),
        }),
        ev(runId, 8, 'ASSET_CHECK_EVALUATION', { assetKey: 'flights/raw', payloadJson: JSON.stringify({ passed: 'yes' }) }),
        ev(runId, 9, 'RUN_SUCCESS', { timestampMs: t0 + 9000 }),
      ]);
      await s.agent.next('acks');
      assert.deepEqual(acksOf(s.agent).at(-1), [runId, 9]);

      const run = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      assert.equal(run.status, 'SUCCESS');
      assert.equal(run.endedAt!.getTime(), t0 + 9000);
      assert.equal(run.leaseExpiresAt, null);

      const mats = await t.prisma.materialization.findMany({ where: { runId }, orderBy: { eventSeq: 'asc' } });
      assert.equal(mats.length, 2, 'unknown asset keys derive nothing');
      assert.deepEqual(
        mats.map((m) => [m.eventSeq, m.assetId, m.partitionKey, m.dataVersion, m.codeVersion, m.createdAt.getTime()]),
        [
          [3, s.assetIds.get('flights/raw'), '2024-03', 'dv1', 'cv1', t0 + 2000],
          [4, s.assetIds.get('flights/clean'), '2024-04', null, 'override', t0 + 3000],
        ],
      );
      assert.deepEqual(mats[0]!.metadata, { rows: { raw_value: 42, type: 'int' } });
      assert.ok(mats.every((m) => m.orgId === s.org.orgId && m.deploymentId === s.org.prodDeploymentId));

      const checks = await t.prisma.assetCheckEvaluation.findMany({ where: { runId }, orderBy: { eventSeq: 'asc' } });
      assert.deepEqual(
        checks.map((c) => [c.eventSeq, c.assetId, c.checkName, c.passed, c.severity]),
        [
          [6, s.assetIds.get('flights/raw'), 'not_empty', true, 'ERROR'],
          [7, s.assetIds.get('flights/clean'), 'no_dupes', false, 'WARN'],
        ],
      );
      assert.equal((await eventRows(runId)).length, 9, 'every event is stored, derivable or not');

      // A replay derives nothing twice.
      s.agent.events([ev(runId, 3, 'ASSET_MATERIALIZATION', { assetKey: 'flights/raw', payloadJson: '{}' })]);
      await s.agent.next('acks');
      assert.equal(await t.prisma.materialization.count({ where: { runId } }), 2);
    } finally {
      await listener.end();
    }
    s.agent.close();
  });

  test('a terminal status is never left; RUN_FAILURE records its message as the failure reason', async () => {
    const s = await setup();
    const failed = await s.run();
    s.agent.events([ev(failed, 1, 'RUN_STARTED'), ev(failed, 2, 'RUN_FAILURE', { message: 'exit code 3' })]);
    await s.agent.next('acks');
    s.agent.events([ev(failed, 3, 'RUN_SUCCESS'), ev(failed, 4, 'RUN_STARTED'), ev(failed, 5, 'COMPUTE_LOG', { message: 'late output' })]);
    await s.agent.next('acks');
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: failed } });
    assert.equal(row.status, 'FAILURE');
    assert.equal(row.failureReason, 'exit code 3');
    assert.equal((await eventRows(failed)).length, 5, 'late events of a run that ended through its own events are still stored');

    const canceled = await s.run();
    s.agent.events([ev(canceled, 1, 'RUN_STARTED'), ev(canceled, 2, 'RUN_CANCELED'), ev(canceled, 3, 'RUN_FAILURE', { message: 'killed' })]);
    await s.agent.next('acks');
    // Within one batch the last end event wins; the next batch cannot change it.
    assert.equal((await t.prisma.run.findUniqueOrThrow({ where: { id: canceled } })).status, 'FAILURE');
    s.agent.close();
  });

  test('bad payloads and characters PostgreSQL refuses are stored safely and never break the stream', async () => {
    const s = await setup();
    const runId = await s.run();
    s.agent.events([
      ev(runId, 1, 'LOG', { payloadJson: '{not json' }),
      ev(runId, 2, 'LOG', { payloadJson: '[1,2]' }),
      ev(runId, 3, 'LOG', { message: 'nul\u0000byte', payloadJson: JSON.stringify({ text: 'a\u0000b', lone: '\ud800x' }) }),
      ev(runId, 4, '', { payloadJson: '' }),
      ev(runId, 0, 'LOG'),
      ev('not-a-uuid', 1, 'LOG'),
    ]);
    await s.agent.next('acks');
    assert.deepEqual(acksOf(s.agent), [[runId, 4]]);
    const rows = await eventRows(runId);
    assert.equal(rows.length, 4);
    assert.match(String((rows[0]!.payload as Record<string, unknown>)[PAYLOAD_ERROR_KEY]), /not valid JSON/);
    assert.match(String((rows[1]!.payload as Record<string, unknown>)[PAYLOAD_ERROR_KEY]), /not a JSON object \(got an array\)/);
    assert.equal(rows[2]!.message, 'nulbyte');
    assert.deepEqual(rows[2]!.payload, { text: 'ab', lone: '\uFFFDx' });
    assert.equal(rows[3]!.type, 'UNKNOWN');
    assert.deepEqual(rows[3]!.payload, {});
    await s.agent.next('leaseRevoked', (m) => m.leaseRevoked!.runId === 'not-a-uuid');

    s.agent.events(logs(runId, 5, 6));
    await s.agent.next('acks');
    assert.equal((await eventRows(runId)).length, 6, 'the stream still works');
    s.agent.close();
  });

  test("events for runs the agent does not hold (another agent's, another tenant's, unknown) are not stored, not acked, and the lease is revoked once", async () => {
    // The holder has one slot, taken by its own run: the next run can only go to the other agent.
    const s = await setup('holder', 1);
    const mine = await s.run();
    // Queued while the holder has no free slot, then claimed by the other agent's first fill: deterministic.
    const theirs = await queueRun(t.pool, { orgId: s.org.orgId, deploymentId: s.org.prodDeploymentId, codeLocationId: s.codeLocationId });
    const other = await TestAgent.connect(t.address, s.token, { name: 'not-holder', freeSlots: 5 });
    await other.next('assignment');
    assert.equal((await t.prisma.run.findUniqueOrThrow({ where: { id: theirs } })).agentId, other.agentId);

    const b = await setup('tenant-b');
    const foreignTenant = await b.run();
    const unknown = '00000000-0000-4000-8000-000000000000';

    const batch = [...logs(mine, 1, 3), ...logs(theirs, 1, 3), ...logs(foreignTenant, 1, 3), ...logs(unknown, 1, 3)];
    other.events(batch.filter((e) => e.runId === mine)); // another agent of the same org posting for my run
    s.agent.events(batch);
    await s.agent.next('acks');
    await s.agent.until((m) => m.filter((x) => x.body === 'leaseRevoked').length === 3);
    s.agent.events(batch);
    await s.agent.next('acks');
    await sleep(200);
    assert.deepEqual(acksOf(s.agent), [
      [mine, 3],
      [mine, 3],
    ]);
    assert.deepEqual(s.agent.all('leaseRevoked').map((m) => m.leaseRevoked!.runId).sort(), [theirs, foreignTenant, unknown].sort(), 'revoked once each');
    assert.equal((await eventRows(mine)).length, 3);
    assert.equal((await eventRows(theirs)).length, 0);
    assert.equal((await eventRows(foreignTenant)).length, 0);
    assert.equal((await eventRows(unknown)).length, 0);
    assert.equal(other.all('acks').length, 0, 'the other agent got no ack for a run it does not hold');
    await other.next('leaseRevoked', (m) => m.leaseRevoked!.runId === mine);
    for (const a of [s.agent, other, b.agent]) a.close();
  });

  test('events of a run failed by lease expiry are acked (so the agent drops them) but not stored', async () => {
    const s = await setup();
    const runId = await s.run();
    s.agent.events(logs(runId, 1, 2));
    await s.agent.next('acks');
    await t.pool.query(
      `UPDATE runs SET status = 'FAILURE', ended_at = now(), failure_reason = 'lease expired: agent ingest stopped heartbeating (lease 1000 ms)' WHERE id = $1`,
      [runId],
    );
    s.agent.events([...logs(runId, 3, 5), ev(runId, 6, 'RUN_SUCCESS')]);
    await s.agent.next('acks');
    assert.deepEqual(acksOf(s.agent), [
      [runId, 2],
      [runId, 6],
    ]);
    assert.equal((await eventRows(runId)).length, 2);
    assert.equal((await t.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status, 'FAILURE');
    s.agent.close();
  });

  test('pipelined batches are acked in arrival order', async () => {
    const s = await setup();
    const runId = await s.run();
    for (let i = 0; i < 20; i++) s.agent.events(logs(runId, i * 50 + 1, i * 50 + 50));
    await s.agent.until((m) => m.filter((x) => x.body === 'acks').length === 20, 10_000);
    assert.deepEqual(
      acksOf(s.agent).map(([, seq]) => seq),
      Array.from({ length: 20 }, (_, i) => i * 50 + 50),
    );
    assert.equal((await eventRows(runId)).length, 1000);
    s.agent.close();
  });

  test('throughput: batches of 1000 events from several agents', async () => {
    const AGENTS = 4;
    const BATCHES = 10;
    const SIZE = 1000;
    const setups = await Promise.all(Array.from({ length: AGENTS }, (_, i) => setup(`bulk-${i}`, 1)));
    const runs = await Promise.all(setups.map((s) => s.run()));
    const payloadJson = JSON.stringify({ stream: 'stdout' });
    const started = performance.now();
    setups.forEach((s, i) => {
      for (let b = 0; b < BATCHES; b++) {
        s.agent.events(
          Array.from({ length: SIZE }, (_, k) => ev(runs[i]!, b * SIZE + k + 1, 'COMPUTE_LOG', { message: `output line ${b * SIZE + k + 1} ${'x'.repeat(60)}`, payloadJson })),
        );
      }
    });
    await Promise.all(setups.map((s) => s.agent.until((m) => m.filter((x) => x.body === 'acks').length === BATCHES, 60_000)));
    const seconds = (performance.now() - started) / 1000;
    const total = AGENTS * BATCHES * SIZE;
    const rate = Math.round(total / seconds);
    console.log(`ingest: ${total} events in ${seconds.toFixed(2)} s = ${rate} events/s (${AGENTS} agents, batches of ${SIZE})`);
    const stored = await t.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM run_events WHERE run_id = ANY($1::uuid[])', [runs]);
    assert.equal(stored.rows[0]!.n, total);
    // Loose floor for a shared test machine; the benchmark holds the real target (≥ 20,000/s).
    assert.ok(rate > 5000, `${rate} events/s`);
    for (const s of setups) s.agent.close();
  });
});

/**
 * Cost on the real ingest path: a real control plane on real PostgreSQL, a
 * test agent streaming events over gRPC on loopback, a real HTTP receiver
 * for budget webhooks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WireRunEvent } from '@gantry/proto';
import { createAgentToken, createCodeLocation, createOrg, queueRun, type TestOrg } from '../../agents/testing/factories';
import { startTestControlPlane, type TestControlPlane } from '../../agents/testing/harness';
import { eventually, TestAgent } from '../../agents/testing/test-agent';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver';

let t: TestControlPlane;
let hook: WebhookReceiver;
before(async () => {
  t = await startTestControlPlane({ leaseTtlMs: 60_000 });
  hook = await startWebhookReceiver();
});
after(async () => {
  await hook.close();
  await t.close();
});

const KEYS = ['shop/orders', 'shop/customers', 'shop/items'];

async function setup(name = 'cost') {
  const org: TestOrg = await createOrg(t.prisma);
  const { token } = await createAgentToken(t.prisma, org.orgId);
  const loc = await createCodeLocation(t.prisma, { orgId: org.orgId, deploymentId: org.prodDeploymentId, assets: KEYS.map((key) => ({ key })) });
  const agent = await TestAgent.connect(t.address, token, { name, freeSlots: 50 });
  const run = async (assetKeys = KEYS.slice(0, 2), partitionKey?: string) => {
    const runId = await queueRun(t.pool, { orgId: org.orgId, deploymentId: org.prodDeploymentId, codeLocationId: loc.codeLocationId, assetKeys, ...(partitionKey && { partitionKey }) });
    await agent.next('assignment', (m) => m.assignment!.runId === runId);
    return runId;
  };
  return { org, token, agent, assetIds: loc.assetIds, run, codeLocationId: loc.codeLocationId };
}

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
function ev(runId: string, seq: number, type: string, extra: Partial<WireRunEvent> = {}): WireRunEvent {
  return { runId, seq, type, timestampMs: T0, level: '', message: '', assetKey: '', payloadJson: '{}', ...extra };
}
const num = (v: number) => ({ raw_value: v, type: Number.isInteger(v) ? 'int' : 'float' });
const mat = (runId: string, seq: number, assetKey: string, atMs: number, metadata: Record<string, unknown> = {}) =>
  ev(runId, seq, 'ASSET_MATERIALIZATION', { assetKey, timestampMs: atMs, payloadJson: JSON.stringify({ metadata, dataVersion: null, partitionKey: null }) });
const usage = (runId: string, seq: number, usd: string, atMs = T0 + 10_000) =>
  ev(runId, seq, 'RUN_RESOURCE_USAGE', {
    timestampMs: atMs,
    payloadJson: JSON.stringify({ launcher: 'process', basis: 'measured', wallSeconds: 10, cpuSeconds: 7.5, memoryPeakBytes: 1e8, memoryGbSeconds: 0.9, samples: 12, priced: { usd, vcpuHourUsd: 0.04048, gbHourUsd: 0.004445, source: 'test' } }),
  });

async function records(runId: string) {
  const { rows } = await t.pool.query<{ asset_id: string; source: string; metric: string; unit: string; amount: string; materialization_seq: number; event_seq: number; partition_key: string | null }>(
    'SELECT asset_id, source, metric, unit, amount::text, materialization_seq, event_seq, partition_key FROM cost_records WHERE run_id = $1 ORDER BY metric, materialization_seq, asset_id',
    [runId],
  );
  return rows;
}

describe('cost ingest', () => {
  test('measured cost is split by step time, sums exactly, rolls up, and a replay adds nothing', async () => {
    const s = await setup();
    const runId = await s.run();
    const batch = [
      ev(runId, 1, 'RUN_STARTED', { timestampMs: T0 }),
      mat(runId, 2, 'shop/orders', T0 + 1_000),
      mat(runId, 3, 'shop/customers', T0 + 3_000),
      usage(runId, 4, '0.000000010'),
      ev(runId, 5, 'RUN_SUCCESS', { timestampMs: T0 + 10_000 }),
    ];
    s.agent.events(batch.slice(0, 3));
    await s.agent.next('acks');
    s.agent.events(batch.slice(3));
    await s.agent.next('acks');
    const rows = await records(runId);
    const compute = rows.filter((r) => r.metric === 'compute');
    // 10 nano-USD split 1 000 ms : 2 000 ms → 3.33 : 6.67 → largest remainder gives the odd nano to the larger share.
    assert.deepEqual(compute.map((r) => [r.asset_id, r.amount, r.materialization_seq, r.source, r.unit]), [
      [s.assetIds.get('shop/orders'), '0.000000003', 2, 'PRICED', 'USD'],
      [s.assetIds.get('shop/customers'), '0.000000007', 3, 'PRICED', 'USD'],
    ]);
    const cpu = rows.filter((r) => r.metric === 'cpu_seconds');
    assert.deepEqual(cpu.map((r) => r.amount), ['2.500000000', '5.000000000']);
    assert.ok(rows.every((r) => r.event_seq === 4));
    assert.deepEqual([...new Set(rows.map((r) => r.metric))].sort(), ['compute', 'cpu_seconds', 'memory_gb_seconds', 'wall_seconds']);
    for (const metric of ['compute', 'cpu_seconds', 'wall_seconds', 'memory_gb_seconds']) {
      const { rows: sum } = await t.pool.query<{ s: string }>('SELECT sum(amount)::text AS s FROM cost_records WHERE run_id = $1 AND metric = $2', [runId, metric]);
      assert.equal(sum[0]!.s, { compute: '0.000000010', cpu_seconds: '7.500000000', wall_seconds: '10.000000000', memory_gb_seconds: '0.900000000' }[metric]);
    }
    const rollup = async () =>
      (await t.pool.query<{ unit: string; amount: string; priced: string; measured: string; n: number }>(
        `SELECT unit, sum(amount)::text AS amount, sum(priced_amount)::text AS priced, sum(measured_amount)::text AS measured, sum(record_count)::int AS n
         FROM cost_daily_rollups WHERE org_id = $1 AND day = '2026-11-20' GROUP BY unit ORDER BY unit`, [s.org.orgId])).rows;
    const before = await rollup();
    assert.deepEqual(before.map((r) => [r.unit, r.amount, r.n]), [['USD', '0.000000010', 2], ['gb_seconds', '0.900000000', 2], ['seconds', '17.500000000', 4]]);
    s.agent.events(batch); // replay
    await s.agent.next('acks');
    assert.equal((await records(runId)).length, rows.length);
    assert.deepEqual(await rollup(), before);
    s.agent.close();
  });

  test('evenly when no step times exist, and across the selection when nothing was materialized', async () => {
    const s = await setup();
    const same = await s.run(KEYS);
    s.agent.events([ev(same, 1, 'RUN_STARTED'), mat(same, 2, 'shop/orders', T0), mat(same, 3, 'shop/customers', T0), mat(same, 4, 'shop/items', T0), usage(same, 5, '1.000000000')]);
    await s.agent.next('acks');
    assert.deepEqual((await records(same)).filter((r) => r.metric === 'compute').map((r) => r.amount).sort(), ['0.333333333', '0.333333333', '0.333333334']);

    const failed = await s.run(['shop/orders', 'shop/items'], '2026-11');
    s.agent.events([ev(failed, 1, 'RUN_STARTED'), usage(failed, 2, '0.000000001'), ev(failed, 3, 'RUN_FAILURE', { message: 'boom' })]);
    await s.agent.next('acks');
    const rows = (await records(failed)).filter((r) => r.metric === 'compute');
    assert.equal(rows.length, 1, 'a zero share makes no record');
    assert.equal(rows[0]!.materialization_seq, 0);
    assert.equal(rows[0]!.partition_key, '2026-11');
    assert.ok([s.assetIds.get('shop/orders'), s.assetIds.get('shop/items')].includes(rows[0]!.asset_id));
    s.agent.close();
  });

  test('reported costs keep their unit; bad ones and costs for assets outside the run are refused, nothing else of the batch is lost', async () => {
    const s = await setup();
    const runId = await s.run(['shop/orders', 'shop/customers'], '2026-10');
    s.agent.events([
      ev(runId, 1, 'RUN_STARTED'),
      mat(runId, 2, 'shop/orders', T0 + 1, {
        'gantry/cost_usd': num(1.25),
        'gantry/bytes_scanned': num(5_000_000_000),
        'gantry/cost': { raw_value: [{ amount: 3.5, unit: 'credits', label: 'snowflake' }, { amount: 1, unit: 'doubloons' }], type: 'json' },
        rows: num(10),
      }),
      mat(runId, 3, 'shop/customers', T0 + 2, { 'gantry/cost_usd': num(-4), 'gantry/warehouse_credits': { raw_value: 'lots', type: 'text' }, 'gantry/bytes_scanned': num(1e30) }),
      mat(runId, 4, 'shop/items', T0 + 3, { 'gantry/cost_usd': num(9) }),
      mat(runId, 5, 'not/in-catalog', T0 + 4, { 'gantry/cost_usd': num(9) }),
      ev(runId, 6, 'LOG', { level: 'INFO', message: 'still here' }),
    ]);
    await s.agent.next('acks');
    const rows = await records(runId);
    assert.deepEqual(
      rows.map((r) => [r.metric, r.unit, r.amount, r.source, r.partition_key, r.materialization_seq]),
      [
        ['gantry/bytes_scanned', 'bytes', '5000000000.000000000', 'REPORTED', '2026-10', 2],
        ['gantry/cost:snowflake', 'credits', '3.500000000', 'REPORTED', '2026-10', 2],
        ['gantry/cost_usd', 'USD', '1.250000000', 'REPORTED', '2026-10', 2],
      ],
    );
    assert.equal((await t.prisma.runEvent.count({ where: { runId } })), 6, 'every event is stored');
    assert.equal(await t.prisma.materialization.count({ where: { runId } }), 3, 'materializations are derived as before (the outside asset exists in the catalog)');
    s.agent.close();
  });

  test('running totals stay exact under out-of-order, late and gapped days, and concurrent batches', async () => {
    const s = await setup('running');
    const other = await TestAgent.connect(t.address, s.token, { name: 'running-b', freeSlots: 50 });
    const D = (d: number) => Date.UTC(2026, 9, d, 12);
    // Days in this order: 10, 14 (gap), 3 (before the first), 12 (inside), 14 again, 30; from two agents at once.
    const plan = [10, 14, 3, 12, 14, 30, 7, 21];
    const runs: Array<{ id: string; agent: TestAgent }> = [];
    for (let i = 0; i < plan.length; i++) {
      const id = await queueRun(t.pool, { orgId: s.org.orgId, deploymentId: s.org.prodDeploymentId, codeLocationId: s.codeLocationId, assetKeys: ['shop/orders'] });
      await eventually(async () => (await t.prisma.run.findUniqueOrThrow({ where: { id } })).agentId);
      const holder = (await t.prisma.run.findUniqueOrThrow({ where: { id } })).agentId;
      runs.push({ id, agent: holder === other.agentId ? other : s.agent });
    }
    runs.forEach(({ id, agent }, i) => agent.events([ev(id, 1, 'RUN_STARTED'), mat(id, 2, 'shop/orders', D(plan[i]!), { 'gantry/cost_usd': num(0.1 * (i + 1)) })]));
    await eventually(async () => (await t.prisma.costRecord.count({ where: { orgId: s.org.orgId } })) === plan.length, 20_000);
    const { rows } = await t.pool.query<{ day: string; amount: string; cum: string; expected: string; gap: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, amount::text AS amount, cum_amount::text AS cum,
              (sum(amount) OVER (ORDER BY day))::text AS expected, (day - lag(day) OVER (ORDER BY day))::int AS gap
       FROM cost_daily_rollups WHERE asset_id = $1 AND unit = 'USD' ORDER BY day`,
      [s.assetIds.get('shop/orders')],
    );
    assert.equal(rows[0]!.day, '2026-10-03');
    assert.equal(rows.at(-1)!.day, '2026-10-30');
    assert.equal(rows.length, 28, 'a row for every day from the first to the last');
    assert.ok(rows.every((r) => r.gap === null || r.gap === 1));
    for (const r of rows) assert.equal(r.cum, r.expected, `cum on ${r.day}`);
    const total = await t.prisma.costAssetTotal.findUniqueOrThrow({ where: { assetId_unit: { assetId: s.assetIds.get('shop/orders')!, unit: 'USD' } } });
    assert.equal(total.total.toString(), '3.6');
    assert.equal(total.firstDay.toISOString().slice(0, 10), '2026-10-03');
    assert.equal(total.lastDay.toISOString().slice(0, 10), '2026-10-30');
    other.close();
    s.agent.close();
  });

  test('budgets: 80 % and 100 % each alert once, to a real webhook, even under concurrent ingest', async () => {
    const s = await setup('budget-a');
    const second = await TestAgent.connect(t.address, s.token, { name: 'budget-b', freeSlots: 50 });
    await t.prisma.asset.update({ where: { id: s.assetIds.get('shop/items')! }, data: { groupName: 'retail' } });
    const budget = await t.prisma.costBudget.create({
      data: { orgId: s.org.orgId, deploymentId: s.org.prodDeploymentId, name: 'orders-daily', scope: 'ASSET', assetId: s.assetIds.get('shop/orders')!, period: 'DAY', limitUsd: '10', webhookUrl: `${hook.url}/hooks/orders` },
    });
    await t.prisma.costBudget.create({
      data: { orgId: s.org.orgId, deploymentId: s.org.prodDeploymentId, name: 'retail-monthly', scope: 'GROUP', groupName: 'retail', period: 'MONTH', limitUsd: '2', webhookUrl: `${hook.url}/hooks/retail` },
    });
    const runOn = async (agent: TestAgent) => {
      const id = await queueRun(t.pool, { orgId: s.org.orgId, deploymentId: s.org.prodDeploymentId, codeLocationId: s.codeLocationId, assetKeys: ['shop/orders', 'shop/items'] });
      await eventually(async () => (await t.prisma.run.findUniqueOrThrow({ where: { id } })).agentId !== null);
      const holder = (await t.prisma.run.findUniqueOrThrow({ where: { id } })).agentId;
      return { id, agent: holder === second.agentId ? second : agent };
    };
    // 20 runs, each reporting 0.5 USD on shop/orders: 4 USD per 8 runs; concurrently from two agents.
    const runs = await Promise.all(Array.from({ length: 20 }, () => runOn(s.agent)));
    await Promise.all(
      runs.map(async ({ id, agent }) => {
        agent.events([ev(id, 1, 'RUN_STARTED'), mat(id, 2, 'shop/orders', T0 + 5, { 'gantry/cost_usd': num(0.5) }), mat(id, 3, 'shop/items', T0 + 6, { 'gantry/cost_usd': num(0.125) })]);
      }),
    );
    await eventually(async () => (await t.prisma.costRecord.count({ where: { orgId: s.org.orgId } })) === 40, 20_000);
    const alerts = await t.prisma.costAlert.findMany({ where: { orgId: s.org.orgId }, orderBy: [{ budgetId: 'asc' }, { thresholdPercent: 'asc' }] });
    assert.deepEqual(alerts.filter((a) => a.budgetId === budget.id).map((a) => [a.thresholdPercent, a.periodStart.toISOString().slice(0, 10)]), [[80, '2026-11-20'], [100, '2026-11-20']]);
    assert.equal(alerts.length, 4, 'orders: 80 and 100; retail (2.5 USD of 2): 80 and 100');
    await eventually(() => Promise.resolve(hook.received.length >= 4), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(hook.received.length, 4, 'each crossing is delivered once');
    const orders = hook.received.filter((h) => h.path === '/hooks/orders').map((h) => h.body as { text: string; blocks: unknown[] });
    assert.equal(orders.length, 2);
    assert.ok(orders.every((b) => typeof b.text === 'string' && Array.isArray(b.blocks) && b.blocks.length > 0));
    assert.ok(orders.some((b) => /asset shop\/orders .*reached 80 % of budget "orders-daily"/.test(b.text)), orders.map((b) => b.text).join('\n'));
    assert.ok(orders.some((b) => /exceeded budget "orders-daily" \(\$10\.00 of \$10\.00/.test(b.text)) || orders.some((b) => /exceeded budget "orders-daily"/.test(b.text)));
    assert.equal(hook.received[0]!.contentType, 'application/json');
    const delivered = await t.prisma.costAlert.findMany({ where: { orgId: s.org.orgId } });
    assert.ok(delivered.every((a) => a.deliveredAt !== null && a.attempts === 1));
    second.close();
    s.agent.close();
  });

  test('a failing webhook keeps the alert pending with the error, and delivers nothing twice', async () => {
    const s = await setup('budget-fail');
    await t.prisma.costBudget.create({
      data: { orgId: s.org.orgId, deploymentId: s.org.prodDeploymentId, name: 'tiny', scope: 'DEPLOYMENT', period: 'WEEK', limitUsd: '0.01', webhookUrl: `${hook.url}/hooks/fail` },
    });
    hook.status = 500;
    try {
      const runId = await s.run();
      s.agent.events([ev(runId, 1, 'RUN_STARTED'), mat(runId, 2, 'shop/orders', T0, { 'gantry/cost_usd': num(1) })]);
      await s.agent.next('acks');
      await eventually(async () => (await t.prisma.costAlert.findMany({ where: { orgId: s.org.orgId, lastError: { not: null } } })).length === 2, 10_000);
      const alerts = await t.prisma.costAlert.findMany({ where: { orgId: s.org.orgId } });
      assert.ok(alerts.every((a) => a.deliveredAt === null && a.lastError === 'webhook answered HTTP 500' && a.nextAttemptAt > new Date()));
      assert.deepEqual(alerts.map((a) => a.periodStart.toISOString().slice(0, 10)), ['2026-11-16', '2026-11-16'], 'ISO week starts on Monday');
    } finally {
      hook.status = 200;
    }
    s.agent.close();
  });
});

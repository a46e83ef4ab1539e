/**
 * The cost API end to end: costs arrive through the real ingest path (a test
 * agent over gRPC on loopback), are read back through GraphQL over HTTP with
 * API tokens of two organizations.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { WireRunEvent } from '@gantry/proto';
import { createAgentToken, queueRun } from '../../agents/testing/factories';
import { TestAgent } from '../../agents/testing/test-agent';
import { createCodeLocation, createTenant, startApiHarness, type ApiHarness, type Tenant } from '../../api/testing/api-test-kit';

let h: ApiHarness;
let pool: pg.Pool;
let a: Tenant;
let b: Tenant;
before(async () => {
  h = await startApiHarness();
  pool = new pg.Pool({ connectionString: h.db.url, max: 2 });
  a = await createTenant(h.prisma, ['staging']);
  b = await createTenant(h.prisma, ['staging']);
  await seed(a);
  await seed(b, 100);
});
after(async () => {
  await pool.end();
  await h.close();
});

const day = (d: number, hour = 12) => Date.UTC(2026, 10, d, hour);
const ev = (runId: string, seq: number, type: string, extra: Partial<WireRunEvent> = {}): WireRunEvent => ({
  runId, seq, type, timestampMs: Date.now(), level: '', message: '', assetKey: '', payloadJson: '{}', ...extra,
});
const mat = (runId: string, seq: number, key: string, at: number, usd?: number, partitionKey: string | null = null) =>
  ev(runId, seq, 'ASSET_MATERIALIZATION', { assetKey: key, timestampMs: at, payloadJson: JSON.stringify({ metadata: usd === undefined ? {} : { 'gantry/cost_usd': { raw_value: usd, type: 'float' } }, partitionKey }) });
const usage = (runId: string, seq: number, at: number, usd: string) =>
  ev(runId, seq, 'RUN_RESOURCE_USAGE', { timestampMs: at, payloadJson: JSON.stringify({ cpuSeconds: 2, wallSeconds: 4, memoryGbSeconds: 1, priced: { usd } }) });

/**
 * Organization layout: prod has location `etl` (orders, customers in group
 * sales) and `ml` (model in group science); staging has `etl` (orders).
 * Costs in USD (scaled by `scale`): Nov 2: orders 1 (reported) + measured 0.3 split with customers by step time 1:2;
 * Nov 10: model 5 (reported, partition 2026-11-10); Nov 11: model 2 (partition 2026-11-11); staging orders 0.5 on Nov 10.
 */
async function seed(t: Tenant, scale = 1) {
  const etl = await createCodeLocation(h.prisma, t, { name: 'etl', assets: [{ key: 'shop/orders', group: 'sales' }, { key: 'shop/customers', group: 'sales' }] });
  const ml = await createCodeLocation(h.prisma, t, { name: 'ml', assets: [{ key: 'ml/model', group: 'science', partitions: { type: 'static', keys: ['x'] } }] });
  const stg = await createCodeLocation(h.prisma, t, { name: 'etl', deployment: 'staging', assets: [{ key: 'shop/orders', group: 'sales' }] });
  const { token } = await createAgentToken(h.prisma, t.orgId);
  const agent = await TestAgent.connect(h.server.grpcAddress, token, { name: `agent-${scale}`, freeSlots: 10 });
  const launch = async (loc: typeof etl, keys: string[]) => {
    const id = await queueRun(pool, { orgId: t.orgId, deploymentId: loc.deploymentId, codeLocationId: loc.id, assetKeys: keys });
    await agent.next('assignment', (m) => m.assignment!.runId === id);
    return id;
  };
  const usd = (n: number) => n * scale;
  const r1 = await launch(etl, ['shop/orders', 'shop/customers']);
  agent.events([ev(r1, 1, 'RUN_STARTED', { timestampMs: day(2, 10) }), mat(r1, 2, 'shop/orders', day(2, 10) + 1000, usd(1)), mat(r1, 3, 'shop/customers', day(2, 10) + 3000), usage(r1, 4, day(2, 11), (0.3 * scale).toFixed(9))]);
  await agent.next('acks');
  const r2 = await launch(ml, ['ml/model']);
  agent.events([ev(r2, 1, 'RUN_STARTED'), mat(r2, 2, 'ml/model', day(10), usd(5), '2026-11-10'), mat(r2, 3, 'ml/model', day(11), usd(2), '2026-11-11')]);
  await agent.next('acks');
  const r3 = await launch({ ...stg, assets: stg.assets }, ['shop/orders']);
  agent.events([ev(r3, 1, 'RUN_STARTED'), mat(r3, 2, 'shop/orders', day(10), usd(0.5))]);
  await agent.next('acks');
  agent.close();
  return { r1 };
}

type Bucket = { key: string; deployment: string | null; periodStart: string; amount: string; value: number; priced: string; reported: string; records: number };
const BUCKET = 'key deployment periodStart amount value priced reported records';

describe('cost API', () => {
  test('breakdown by asset per day, group per week, code location, deployment and organization per month', async () => {
    const q = async (dimension: string, grain: string, deployment?: string) => {
      const r = await h.gql<{ costBreakdown: Bucket[] }>(a.token, `query($d: CostDimension!, $g: CostGrain!, $dep: String) { costBreakdown(dimension: $d, from: "2026-11-01", to: "2026-12-01", grain: $g, deployment: $dep) { ${BUCKET} } }`, { d: dimension, g: grain, dep: deployment ?? null });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return r.data!.costBreakdown.map((x) => [x.key, x.deployment, x.periodStart, x.amount]);
    };
    assert.deepEqual(await q('ASSET', 'DAY', 'prod'), [
      ['shop/customers', 'prod', '2026-11-02', '0.200000000'],
      ['shop/orders', 'prod', '2026-11-02', '1.100000000'],
      ['ml/model', 'prod', '2026-11-10', '5.000000000'],
      ['ml/model', 'prod', '2026-11-11', '2.000000000'],
    ]);
    assert.deepEqual(await q('GROUP', 'WEEK'), [
      ['sales', 'prod', '2026-11-02', '1.300000000'],
      ['sales', 'staging', '2026-11-09', '0.500000000'],
      ['science', 'prod', '2026-11-09', '7.000000000'],
    ]);
    assert.deepEqual(await q('CODE_LOCATION', 'MONTH'), [
      ['etl', 'prod', '2026-11-01', '1.300000000'],
      ['etl', 'staging', '2026-11-01', '0.500000000'],
      ['ml', 'prod', '2026-11-01', '7.000000000'],
    ]);
    assert.deepEqual(await q('DEPLOYMENT', 'MONTH'), [['prod', null, '2026-11-01', '8.300000000'], ['staging', null, '2026-11-01', '0.500000000']]);
    assert.deepEqual(await q('ORGANIZATION', 'MONTH'), [[a.slug, null, '2026-11-01', '8.800000000']]);
  });

  test('top assets, trend of one asset, per materialization (reported + share of measured), per partition', async () => {
    const top = await h.gql<{ topCostAssets: Array<{ assetKey: string; deployment: string; group: string; amount: string }> }>(a.token, '{ topCostAssets(from: "2026-11-01", to: "2026-12-01", first: 3) { assetKey deployment group amount } }');
    assert.deepEqual(top.data!.topCostAssets.map((x) => [x.assetKey, x.deployment, x.amount]), [['ml/model', 'prod', '7.000000000'], ['shop/orders', 'prod', '1.100000000'], ['shop/orders', 'staging', '0.500000000']]);
    const trend = await h.gql<{ assetCostTrend: Bucket[] }>(a.token, '{ assetCostTrend(key: "ml/model", from: "2026-11-01", to: "2026-12-01", grain: DAY) { periodStart amount } }');
    assert.deepEqual(trend.data!.assetCostTrend.map((x) => [x.periodStart, x.amount]), [['2026-11-10', '5.000000000'], ['2026-11-11', '2.000000000']]);
    const perMat = await h.gql<{ assetCostPerMaterialization: Array<{ eventSeq: number; costs: Array<{ unit: string; source: string; amount: string }> }> }>(
      a.token,
      '{ assetCostPerMaterialization(key: "shop/orders") { eventSeq partitionKey costs { unit source amount value } } }',
    );
    const orders = perMat.data!.assetCostPerMaterialization;
    assert.equal(orders.length, 1);
    assert.deepEqual(orders[0]!.costs.map((c) => [c.unit, c.source, c.amount]), [
      ['USD', 'PRICED', '0.100000000'],
      ['USD', 'REPORTED', '1.000000000'],
      ['gb_seconds', 'MEASURED', '0.333333333'],
      ['seconds', 'MEASURED', '2.000000000'],
    ]);
    const perPart = await h.gql<{ assetCostPerPartition: Array<{ partitionKey: string | null; unit: string; amount: string; records: number }> }>(a.token, '{ assetCostPerPartition(key: "ml/model", unit: "USD") { partitionKey unit amount records } }');
    assert.deepEqual(perPart.data!.assetCostPerPartition.map((x) => [x.partitionKey, x.amount, x.records]), [['2026-11-10', '5.000000000', 1], ['2026-11-11', '2.000000000', 1]]);
  });

  test('another organization never sees these costs, nor its budgets', async () => {
    const r = await h.gql<{ topCostAssets: Array<{ amount: string }>; costBreakdown: Bucket[] }>(b.token, '{ topCostAssets(from: "2026-11-01", to: "2026-12-01") { assetKey amount } costBreakdown(dimension: ORGANIZATION, from: "2026-11-01", to: "2026-12-01", grain: MONTH) { key amount } }');
    assert.deepEqual(r.data!.topCostAssets.map((x) => x.amount), ['700.000000000', '110.000000000', '50.000000000', '20.000000000']);
    assert.deepEqual(r.data!.costBreakdown.map((x) => [x.key, x.amount]), [[b.slug, '880.000000000']]);
    const created = await h.gql<{ createCostBudget: { id: string } }>(a.token, 'mutation { createCostBudget(input: { name: "a-only", scope: DEPLOYMENT, period: MONTH, limitUsd: 100, webhookUrl: "https://hooks.example/x" }) { id } }');
    const id = created.data!.createCostBudget.id;
    const seenByB = await h.gql<{ costBudgets: unknown[]; deleteCostBudget: boolean }>(b.token, `mutation { deleteCostBudget(id: "${id}") }`);
    assert.equal(seenByB.data!.deleteCostBudget, false);
    assert.equal((await h.gql<{ costBudgets: unknown[] }>(b.token, '{ costBudgets { id } }')).data!.costBudgets.length, 0);
    assert.equal((await h.gql<{ costBudgets: unknown[] }>(a.token, '{ costBudgets { id } }')).data!.costBudgets.length, 1);
    assert.equal((await h.gql<{ deleteCostBudget: boolean }>(a.token, `mutation { deleteCostBudget(id: "${id}") }`)).data!.deleteCostBudget, true);
  });

  test('budgets: created for an asset, a group, a deployment; bad input gets a clear INVALID_ARGUMENT or NOT_FOUND', async () => {
    const create = (input: string) => h.gql<{ createCostBudget: { name: string; scope: string; assetKey: string | null; group: string | null; limitUsd: string; period: string } }>(a.token, `mutation { createCostBudget(input: { ${input} }) { name scope assetKey group limitUsd period deployment } }`);
    const ok = await create('name: "orders", scope: ASSET, assetKey: "shop/orders", period: DAY, limitUsd: 12.5, webhookUrl: "http://127.0.0.1:1/hook"');
    assert.deepEqual(ok.data!.createCostBudget, { name: 'orders', scope: 'ASSET', assetKey: 'shop/orders', group: null, limitUsd: '12.500000', period: 'DAY', deployment: 'prod' });
    assert.equal((await create('name: "sales", scope: GROUP, group: "sales", period: WEEK, limitUsd: 1, webhookUrl: "https://x.example/h"')).errors, undefined);
    const bad: Array<[string, string, RegExp]> = [
      ['name: "orders", scope: DEPLOYMENT, period: DAY, limitUsd: 1, webhookUrl: "https://x.example"', 'INVALID_ARGUMENT', /already exists/],
      ['name: "n1", scope: ASSET, period: DAY, limitUsd: 1, webhookUrl: "https://x.example"', 'INVALID_ARGUMENT', /scope ASSET needs assetKey/],
      ['name: "n2", scope: DEPLOYMENT, period: DAY, limitUsd: -1, webhookUrl: "https://x.example"', 'INVALID_ARGUMENT', /limitUsd/],
      ['name: "n3", scope: DEPLOYMENT, period: DAY, limitUsd: 1, webhookUrl: "ftp://x.example"', 'INVALID_ARGUMENT', /http or https/],
      ['name: "n4", scope: ASSET, assetKey: "no/such", period: DAY, limitUsd: 1, webhookUrl: "https://x.example"', 'ASSET_NOT_FOUND', /no\/such/],
      ['name: "n5", deployment: "nope", scope: DEPLOYMENT, period: DAY, limitUsd: 1, webhookUrl: "https://x.example"', 'DEPLOYMENT_NOT_FOUND', /nope/],
    ];
    for (const [input, code, message] of bad) {
      const r = await create(input);
      assert.equal(r.errors?.[0]?.extensions?.['code'], code, input);
      assert.match(r.errors![0]!.message, message);
    }
    const alerts = await h.gql<{ costAlerts: unknown[] }>(a.token, '{ costAlerts { id budgetName thresholdPercent } }');
    assert.deepEqual(alerts.errors, undefined);
  });

  test('bad query arguments: malformed or reversed windows, unknown units, out-of-range first', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{ topCostAssets(from: "2026-13-01", to: "2026-12-01") { amount } }', /invalid argument from: expected a date YYYY-MM-DD/],
      ['{ topCostAssets(from: "2026-12-01", to: "2026-11-01") { amount } }', /must be after from/],
      ['{ topCostAssets(from: "2026-11-01", to: "2026-12-01", unit: "doubloons") { amount } }', /unknown unit "doubloons"/],
      ['{ topCostAssets(from: "2026-11-01", to: "2026-12-01", first: 0) { amount } }', /first: must be between 1 and 500/],
      ['{ costBreakdown(dimension: ASSET, from: "2000-01-01", to: "2026-12-01") { amount } }', /at most 3700/],
    ];
    for (const [query, message] of cases) {
      const r = await h.gql(a.token, query);
      assert.equal(r.errors?.[0]?.extensions?.['code'], 'INVALID_ARGUMENT', query);
      assert.match(r.errors![0]!.message, message);
    }
  });
});

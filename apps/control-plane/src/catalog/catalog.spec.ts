import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryCounter } from '../database/prisma.service';
import { createCodeLocation, createRun, createTenant, startApiHarness, type ApiHarness, type AssetSeed, type SeededLocation, type Tenant } from '../api/testing/api-test-kit';

interface AssetView {
  key: string;
  keyPath: string[];
  group: string;
  owners: string[];
  tags: { key: string; value: string }[];
  kinds: string[];
  description: string | null;
  codeVersion: string | null;
  active: boolean;
  partitionsDefinition: { kind: string; cron: string | null; start: string | null; end: string | null; keys: string[] | null } | null;
  partitionKeys: string[] | null;
  codeLocation: { name: string } | null;
  checks: { name: string; blocking: boolean }[];
  upstream: { key: string }[];
  downstream: { key: string }[];
  latestMaterialization: { runId: string; partitionKey: string | null; metadata: unknown; createdAt: string } | null;
  latestCheckEvaluations: { checkName: string; passed: boolean; severity: string; runId: string }[];
}

const ASSET_FIELDS = `key keyPath group owners tags { key value } kinds description codeVersion active
  partitionsDefinition { kind cron start end keys } partitionKeys codeLocation { name }
  checks { name blocking } upstream { key } downstream { key }
  latestMaterialization { runId partitionKey metadata createdAt }
  latestCheckEvaluations { checkName passed severity runId }`;

describe('catalog queries', () => {
  let h: ApiHarness;
  let a: Tenant;
  let b: Tenant;
  let flights: SeededLocation;
  let runId: string;
  let otherRunId: string;
  let bFlights: SeededLocation;

  async function materialize(tenant: Tenant, location: SeededLocation, assetKey: string, run: string, seq: number, createdAt: Date, metadata: object): Promise<void> {
    await h.prisma.materialization.create({
      data: { orgId: tenant.orgId, deploymentId: location.deploymentId, assetId: location.assets[assetKey]!, runId: run, eventSeq: seq, partitionKey: '2001-02', metadata, createdAt },
    });
  }

  before(async () => {
    h = await startApiHarness();
    a = await createTenant(h.prisma, ['staging']);
    b = await createTenant(h.prisma);
    const assets: AssetSeed[] = [
      {
        key: 'flights/raw',
        group: 'ingest',
        owners: ['team:data'],
        tags: { tier: 'gold', domain: 'travel' },
        kinds: ['python', 'duckdb'],
        description: 'Raw flights from the vega datasets',
        codeVersion: 'v1',
        partitions: { type: 'time', cron: 'monthly', start: '2001-01', end: '2001-03' },
        checks: [{ name: 'row_count', blocking: true }, { name: 'no_nulls' }],
      },
      { key: 'flights/clean', group: 'transform', deps: ['flights/raw'], partitions: { type: 'time', cron: 'monthly', start: '2001-01', end: '2001-03' } },
      { key: 'flights/summary', group: 'transform', deps: ['flights/clean', 'flights/raw'], description: 'Delays per airport' },
      { key: 'flights/gone', active: false },
    ];
    flights = await createCodeLocation(h.prisma, a, { name: 'flights', version: 3, assets });
    await createCodeLocation(h.prisma, a, { name: 'weather', version: null, assets: [{ key: 'weather/daily', group: 'ingest' }] });
    await createCodeLocation(h.prisma, a, { name: 'staging-only', deployment: 'staging', assets: [{ key: 'flights/raw' }] });
    runId = await createRun(h.prisma, a, flights, { status: 'SUCCESS' });
    await materialize(a, flights, 'flights/raw', runId, 3, new Date('2024-01-01T00:00:00Z'), { row_count: { raw_value: 10, type: 'int' } });
    await materialize(a, flights, 'flights/raw', runId, 7, new Date('2024-01-02T00:00:00Z'), { row_count: { raw_value: 12, type: 'int' } });
    for (const [seq, passed, at] of [[4, false, '2024-01-01T00:00:00Z'], [8, true, '2024-01-02T00:00:00Z']] as const) {
      await h.prisma.assetCheckEvaluation.create({
        data: { orgId: a.orgId, deploymentId: flights.deploymentId, assetId: flights.assets['flights/raw']!, checkName: 'row_count', runId, eventSeq: seq, passed, severity: 'WARN', createdAt: new Date(at) },
      });
    }
    // The other organization: same deployment, location and asset names, newer rows. None may leak.
    bFlights = await createCodeLocation(h.prisma, b, { name: 'flights', version: 9, assets: [{ key: 'flights/raw', group: 'ingest' }, { key: 'flights/secret', deps: ['flights/raw'] }] });
    otherRunId = await createRun(h.prisma, b, bFlights, { status: 'SUCCESS' });
    await materialize(b, bFlights, 'flights/raw', otherRunId, 1, new Date('2030-01-01T00:00:00Z'), { leaked: { raw_value: true, type: 'bool' } });
    // A cross-tenant edge that only a missing org filter would follow.
    await h.prisma.assetDependency.create({ data: { orgId: b.orgId, deploymentId: bFlights.deploymentId, assetId: bFlights.assets['flights/secret']!, upstreamAssetId: flights.assets['flights/raw']! } });
  });
  after(async () => {
    await h.close();
  });

  test('deployments lists the caller organization only', async () => {
    const r = await h.gql<{ deployments: { name: string }[] }>(a.token, '{ deployments { id name createdAt } }');
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    assert.deepEqual(r.data?.deployments.map((d) => d.name), ['prod', 'staging']);
    const rb = await h.gql<{ deployments: { id: string }[] }>(b.token, '{ deployments { id } }');
    assert.deepEqual(rb.data?.deployments.map((d) => d.id), [b.prodId]);
  });

  test('codeLocations shows current version, digest, update time and active asset count', async () => {
    const r = await h.gql<{ codeLocations: { name: string; deployment: string; currentVersion: number | null; digest: string | null; updatedAt: string; assetCount: number }[] }>(
      a.token,
      '{ codeLocations { name deployment currentVersion digest updatedAt versionCreatedAt assetCount } }',
    );
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    const [f, w] = r.data!.codeLocations;
    assert.deepEqual([f?.name, f?.deployment, f?.currentVersion, f?.assetCount], ['flights', 'prod', 3, 3]);
    assert.match(f?.digest ?? '', /^[0-9a-f]{32}$/);
    assert.ok(!Number.isNaN(Date.parse(f?.updatedAt ?? '')));
    assert.deepEqual([w?.name, w?.currentVersion, w?.digest, w?.assetCount], ['weather', null, null, 1]);
    const staging = await h.gql<{ codeLocations: { name: string }[] }>(a.token, '{ codeLocations(deployment: "staging") { name } }');
    assert.deepEqual(staging.data?.codeLocations.map((l) => l.name), ['staging-only']);
  });

  test('assets returns every field and relation of the active assets', async () => {
    const r = await h.gql<{ assets: AssetView[] }>(a.token, `{ assets { ${ASSET_FIELDS} } }`);
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    const byKey = new Map(r.data!.assets.map((x) => [x.key, x]));
    assert.deepEqual([...byKey.keys()], ['flights/clean', 'flights/raw', 'flights/summary', 'weather/daily']);
    const raw = byKey.get('flights/raw')!;
    assert.deepEqual(raw.keyPath, ['flights', 'raw']);
    assert.equal(raw.group, 'ingest');
    assert.deepEqual(raw.owners, ['team:data']);
    assert.deepEqual(raw.tags, [{ key: 'domain', value: 'travel' }, { key: 'tier', value: 'gold' }]);
    assert.deepEqual(raw.kinds, ['python', 'duckdb']);
    assert.equal(raw.description, 'Raw flights from the vega datasets');
    assert.equal(raw.codeVersion, 'v1');
    assert.deepEqual(raw.partitionsDefinition, { kind: 'TIME', cron: 'monthly', start: '2001-01', end: '2001-03', keys: null });
    assert.deepEqual(raw.partitionKeys, ['2001-01', '2001-02', '2001-03']);
    assert.deepEqual(raw.codeLocation, { name: 'flights' });
    assert.deepEqual(raw.checks, [{ name: 'no_nulls', blocking: false }, { name: 'row_count', blocking: true }]);
    assert.deepEqual(raw.upstream, []);
    assert.deepEqual(raw.downstream.map((d) => d.key), ['flights/clean', 'flights/summary'], 'the other org edge to flights/raw is not followed');
    assert.equal(raw.latestMaterialization?.runId, runId);
    assert.deepEqual(raw.latestMaterialization?.metadata, { row_count: { raw_value: 12, type: 'int' } });
    assert.equal(raw.latestMaterialization?.createdAt, '2024-01-02T00:00:00.000Z');
    assert.deepEqual(raw.latestCheckEvaluations, [{ checkName: 'row_count', passed: true, severity: 'WARN', runId }]);
    const summary = byKey.get('flights/summary')!;
    assert.deepEqual(summary.upstream.map((u) => u.key), ['flights/clean', 'flights/raw']);
    assert.equal(summary.partitionKeys, null);
    assert.equal(summary.partitionsDefinition, null);
    assert.equal(summary.latestMaterialization, null);
    assert.deepEqual(byKey.get('weather/daily')?.codeLocation, { name: 'weather' });
  });

  test('assets filters by group and by a case-insensitive search of key and description', async () => {
    const group = await h.gql<{ assets: { key: string }[] }>(a.token, '{ assets(group: "transform") { key } }');
    assert.deepEqual(group.data?.assets.map((x) => x.key), ['flights/clean', 'flights/summary']);
    const search = await h.gql<{ assets: { key: string }[] }>(a.token, '{ assets(search: "AIRPORT") { key } }');
    assert.deepEqual(search.data?.assets.map((x) => x.key), ['flights/summary']);
    const byKey = await h.gql<{ assets: { key: string }[] }>(a.token, '{ assets(search: "weather/") { key } }');
    assert.deepEqual(byKey.data?.assets.map((x) => x.key), ['weather/daily']);
    const staging = await h.gql<{ assets: { key: string; codeLocation: { name: string } }[] }>(a.token, '{ assets(deployment: "staging") { key codeLocation { name } } }');
    assert.deepEqual(staging.data?.assets, [{ key: 'flights/raw', codeLocation: { name: 'staging-only' } }]);
  });

  test('the other organization sees its own catalog only, never ours', async () => {
    const r = await h.gql<{ assets: (AssetView & { upstream: { id: string; key: string }[] })[] }>(b.token, `{ assets { ${ASSET_FIELDS} upstream { id key } } }`);
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    assert.deepEqual(r.data?.assets.map((x) => x.key), ['flights/raw', 'flights/secret']);
    const raw = r.data!.assets[0]!;
    assert.deepEqual(raw.downstream.map((d) => d.key), ['flights/secret']);
    assert.equal(raw.latestMaterialization?.runId, otherRunId);
    assert.deepEqual(raw.latestCheckEvaluations, []);
    const secret = r.data!.assets[1]!;
    assert.deepEqual(secret.upstream, [{ id: bFlights.assets['flights/raw'], key: 'flights/raw' }], 'the edge into the other org asset resolves to nothing');
    const mine = await h.gql<{ assets: AssetView[] }>(a.token, '{ assets { key latestMaterialization { runId } } }');
    assert.ok(!JSON.stringify(mine.data).includes(otherRunId));
    assert.ok(!JSON.stringify(mine.data).includes('flights/secret'));
  });

  test('asset(key) finds one asset, inactive ones too, and null for unknown or foreign keys', async () => {
    const r = await h.gql<{ asset: { key: string; active: boolean } | null }>(a.token, '{ asset(key: "flights/gone") { key active } }');
    assert.deepEqual(r.data?.asset, { key: 'flights/gone', active: false });
    const none = await h.gql<{ asset: null }>(a.token, '{ asset(key: "flights/secret") { key } }');
    assert.equal(none.status, 200);
    assert.equal(none.data?.asset, null);
  });

  test('an unknown deployment is DEPLOYMENT_NOT_FOUND naming it', async () => {
    const r = await h.gql(a.token, '{ assets(deployment: "nope") { key } }');
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'DEPLOYMENT_NOT_FOUND');
    assert.equal(r.errors?.[0]?.extensions?.['deployment'], 'nope');
    assert.match(r.errors?.[0]?.message ?? '', /deployment "nope" not found/);
  });

  test('assetMaterializations pages newest first with cursors; bad cursors and sizes are refused', async () => {
    const query = 'query($after: String) { assetMaterializations(key: "flights/raw", first: 1, after: $after) { edges { cursor node { eventSeq runId } } pageInfo { hasNextPage endCursor } } }';
    type Page = { assetMaterializations: { edges: { cursor: string; node: { eventSeq: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const p1 = await h.gql<Page>(a.token, query);
    assert.deepEqual(p1.data?.assetMaterializations.edges.map((e) => e.node.eventSeq), [7]);
    assert.equal(p1.data?.assetMaterializations.pageInfo.hasNextPage, true);
    const p2 = await h.gql<Page>(a.token, query, { after: p1.data?.assetMaterializations.pageInfo.endCursor });
    assert.deepEqual(p2.data?.assetMaterializations.edges.map((e) => e.node.eventSeq), [3]);
    assert.equal(p2.data?.assetMaterializations.pageInfo.hasNextPage, false);
    const p3 = await h.gql<Page>(a.token, query, { after: p2.data?.assetMaterializations.pageInfo.endCursor });
    assert.deepEqual(p3.data?.assetMaterializations.edges, []);
    assert.equal(p3.data?.assetMaterializations.pageInfo.endCursor, null);

    const bad = await h.gql(a.token, query, { after: 'not-a-cursor' });
    assert.equal(bad.errors?.[0]?.extensions?.['code'], 'INVALID_CURSOR');
    const big = await h.gql(a.token, '{ assetMaterializations(key: "flights/raw", first: 1000) { edges { cursor } } }');
    assert.equal(big.errors?.[0]?.extensions?.['code'], 'INVALID_ARGUMENT');
    const unknown = await h.gql(a.token, '{ assetMaterializations(key: "flights/secret") { edges { cursor } } }');
    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'ASSET_NOT_FOUND');
    assert.deepEqual(unknown.errors?.[0]?.extensions?.['assetKeys'], ['flights/secret']);
  });

  test('no N+1: the statement count of an asset list with every relation is the same for 5 and 50 assets', async (t0) => {
    const t = await createTenant(h.prisma, ['five', 'fifty']);
    for (const [deployment, n] of [['five', 5], ['fifty', 50]] as const) {
      const seeds: AssetSeed[] = Array.from({ length: n }, (_, i) => ({
        key: `n/a${String(i).padStart(2, '0')}`,
        deps: i > 0 ? [`n/a${String(i - 1).padStart(2, '0')}`] : [],
        checks: [{ name: 'c1' }, { name: 'c2' }],
      }));
      const loc = await createCodeLocation(h.prisma, t, { deployment, assets: seeds });
      const run = await createRun(h.prisma, t, loc, { status: 'SUCCESS' });
      let seq = 0;
      for (const id of Object.values(loc.assets)) {
        seq++;
        await h.prisma.materialization.create({ data: { orgId: t.orgId, deploymentId: loc.deploymentId, assetId: id, runId: run, eventSeq: seq, createdAt: new Date() } });
        await h.prisma.assetCheckEvaluation.create({ data: { orgId: t.orgId, deploymentId: loc.deploymentId, assetId: id, checkName: 'c1', runId: run, eventSeq: 1000 + seq, passed: true, createdAt: new Date() } });
      }
    }
    const counter = h.server.app.get(QueryCounter);
    const query = `query($d: String!) { assets(deployment: $d) { ${ASSET_FIELDS} codeLocation { name assetCount currentVersion } upstream { key checks { name } latestMaterialization { runId } } } }`;
    await h.gql(t.token, query, { d: 'five' }); // warm-up (records the token's last use)
    await new Promise((r) => setTimeout(r, 100));
    const counts: number[] = [];
    const statements: string[][] = [];
    for (const [d, n] of [['five', 5], ['fifty', 50]] as const) {
      counter.reset();
      const r = await h.gql<{ assets: AssetView[] }>(t.token, query, { d });
      assert.equal(r.status, 200, JSON.stringify(r.errors));
      assert.equal(r.data?.assets.length, n);
      assert.ok(r.data?.assets.every((x) => x.latestMaterialization && x.checks.length === 2));
      counts.push(counter.count);
      statements.push([...counter.statements]);
    }
    assert.equal(counts[0], counts[1], `5 assets: ${counts[0]} statements, 50 assets: ${counts[1]}\n${statements.map((s) => s.join('\n')).join('\n----\n')}`);
    assert.ok(counts[0]! <= 15, `expected a small constant, got ${counts[0]}`);
    t0.diagnostic(`statements per request: ${counts.join(' / ')}`);
  });
});

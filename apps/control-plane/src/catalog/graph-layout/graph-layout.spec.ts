import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeLocationFileSchema, normalizeDefinition } from '@gantry/code-location';
import { mintToken } from '@gantry/domain';
import { registerTestSecret } from '@gantry/telemetry/testing';
import { createAgentToken } from '../../agents/testing/factories';
import { reportCodeLocations } from '../../agents/testing/test-agent';
import { createCodeLocation, createTenant, eventually, startApiHarness, type ApiHarness, type SeededLocation, type Tenant } from '../../api/testing/api-test-kit';
import { GraphLayoutService } from './graph-layout.service';
import { layoutViolations } from './testing/layout-invariants';
import { layeredAssetGraph } from './testing/synthetic-graph';
import type { AssetGraphInput } from './layout-asset-graph';

interface Layout {
  fingerprint: string;
  width: number;
  height: number;
  nodes: { key: string; x: number; y: number }[];
}

const LAYOUT = 'query($d: String!) { assetGraphLayout(deployment: $d) { fingerprint width height nodes { key x y } edges } }';

describe('assetGraphLayout (server-side lineage graph layout)', () => {
  let h: ApiHarness;
  let a: Tenant;
  let b: Tenant;
  let flights: SeededLocation;
  let service: GraphLayoutService;

  async function layoutOf(tenant: Tenant, deployment = 'prod', token = tenant.token): Promise<Layout> {
    const r = await h.gql<{ assetGraphLayout: Layout }>(token, LAYOUT, { d: deployment });
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data!.assetGraphLayout;
  }

  /** The active graph as the `assets` query reports it: the truth the layout must match. */
  async function graphOf(tenant: Tenant, deployment = 'prod'): Promise<AssetGraphInput[]> {
    const r = await h.gql<{ assets: { key: string; upstream: { key: string }[] }[] }>(tenant.token, 'query($d: String!) { assets(deployment: $d) { key upstream { key } } }', { d: deployment });
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    return r.data!.assets.map((x) => ({ key: x.key, upstream: x.upstream.map((u) => u.key) }));
  }

  before(async () => {
    h = await startApiHarness();
    service = h.server.app.get(GraphLayoutService);
    a = await createTenant(h.prisma, ['staging', 'empty']);
    b = await createTenant(h.prisma);
    flights = await createCodeLocation(h.prisma, a, {
      name: 'flights',
      assets: [
        { key: 'flights/raw' },
        { key: 'flights/clean', deps: ['flights/raw'] },
        { key: 'flights/by_airport', deps: ['flights/clean'] },
        { key: 'flights/by_carrier', deps: ['flights/clean'] },
        { key: 'flights/report', deps: ['flights/by_airport', 'flights/by_carrier', 'flights/raw'] },
        { key: 'flights/gone', deps: ['flights/raw'], active: false },
      ],
    });
    // A second, disconnected part of the graph.
    await createCodeLocation(h.prisma, a, { name: 'weather', assets: [{ key: 'weather/daily' }, { key: 'weather/monthly', deps: ['weather/daily'] }] });
    await createCodeLocation(h.prisma, a, { name: 'staging-only', deployment: 'staging', assets: [{ key: 'flights/raw' }] });
    // The other organization: same keys plus a secret one, and an edge into our asset that only a missing org filter would follow.
    const bFlights = await createCodeLocation(h.prisma, b, { name: 'flights', assets: [{ key: 'flights/raw' }, { key: 'flights/secret', deps: ['flights/raw'] }] });
    await h.prisma.assetDependency.create({ data: { orgId: b.orgId, deploymentId: bFlights.deploymentId, assetId: bFlights.assets['flights/secret']!, upstreamAssetId: flights.assets['flights/raw']! } });
  });
  after(async () => {
    await h.close();
  });

  test('every active asset once, upstreams strictly to the left, no two boxes overlapping', async () => {
    const graph = await graphOf(a);
    const layout = await layoutOf(a);
    assert.deepEqual(layout.nodes.map((n) => n.key), ['flights/by_airport', 'flights/by_carrier', 'flights/clean', 'flights/raw', 'flights/report', 'weather/daily', 'weather/monthly']);
    assert.deepEqual(layoutViolations(graph, layout), []);
    const edges = (layout as unknown as { edges: [number, number][] }).edges.map(([u, d]) => `${layout.nodes[u]!.key} -> ${layout.nodes[d]!.key}`).sort();
    assert.deepEqual(edges, graph.flatMap((g) => g.upstream.map((u) => `${u} -> ${g.key}`)).sort(), 'the edges are exactly the active dependencies (none to inactive assets or other tenants)');
    const x = new Map(layout.nodes.map((n) => [n.key, n.x]));
    assert.equal(x.get('flights/raw'), 0);
    assert.ok(x.get('flights/report')! > x.get('flights/by_carrier')!);
    assert.match(layout.fingerprint, /^[0-9a-f]{32}$/);
    const staging = await layoutOf(a, 'staging');
    assert.deepEqual(staging.nodes, [{ key: 'flights/raw', x: 0, y: 0 }]);
  });

  test('a deployment without assets: no nodes, a 0×0 drawing', async () => {
    const layout = await layoutOf(a, 'empty');
    assert.deepEqual([layout.width, layout.height, layout.nodes], [0, 0, []]);
    const unknown = await h.gql(a.token, LAYOUT, { d: 'nope' });
    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'DEPLOYMENT_NOT_FOUND');
  });

  test('cached per catalog fingerprint: the same object until an edge changes, then a new layout', async () => {
    const first = await service.layout(a.orgId, 'prod');
    const again = await service.layout(a.orgId, 'prod');
    assert.equal(again, first, 'the cache hands out the same layout object');
    const computed = service.layoutsComputed;
    assert.equal((await layoutOf(a)).fingerprint, first.fingerprint);
    assert.equal(service.layoutsComputed, computed, 'the query was served from the cache');

    // A new edge: weather/monthly now also depends on flights/report.
    await h.prisma.assetDependency.create({ data: { orgId: a.orgId, deploymentId: a.prodId, assetId: (await assetId(a, 'weather/monthly')), upstreamAssetId: flights.assets['flights/report']! } });
    const [changed, concurrent] = await Promise.all([service.layout(a.orgId, 'prod'), service.layout(a.orgId, 'prod')]);
    assert.notEqual(changed.fingerprint, first.fingerprint);
    assert.equal(concurrent, changed, 'concurrent callers share one computation');
    assert.equal(service.layoutsComputed, computed + 1);
    const at = new Map(changed.nodes.map((n) => [n.key, n]));
    assert.ok(at.get('weather/monthly')!.x > at.get('flights/report')!.x);
    assert.deepEqual(layoutViolations(await graphOf(a), changed), []);

    // Removing it again gives the first fingerprint back (the layout is computed again: the newer one replaced it).
    await h.prisma.assetDependency.deleteMany({ where: { orgId: a.orgId, upstreamAssetId: flights.assets['flights/report']! } });
    const back = await layoutOf(a);
    assert.equal(back.fingerprint, first.fingerprint);
    assert.deepEqual(back.nodes, first.nodes);
  });

  test('another organization\'s assets and edges never appear', async () => {
    const theirs = await layoutOf(b);
    assert.deepEqual(theirs.nodes.map((n) => n.key), ['flights/raw', 'flights/secret']);
    assert.deepEqual(layoutViolations(await graphOf(b), theirs), []);
    const ours = await layoutOf(a);
    assert.ok(!JSON.stringify(ours).includes('flights/secret'));
    assert.notEqual(ours.fingerprint, theirs.fingerprint);
  });

  test('a Viewer of the deployment reads it; a caller without a grant at that deployment is refused', async () => {
    const viewer = await scopedToken(a, 'VIEWER', a.prodId);
    assert.deepEqual((await layoutOf(a, 'prod', viewer)).nodes.length, 7);
    const stagingOnly = await scopedToken(a, 'ADMIN', a.deployments['staging']!);
    const refused = await h.gql(stagingOnly, LAYOUT, { d: 'prod' });
    assert.equal(refused.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.equal(refused.data?.['assetGraphLayout'] ?? null, null);
    assert.equal((await layoutOf(a, 'staging', stagingOnly)).nodes.length, 1);
    const anonymous = await h.gql(undefined, LAYOUT, { d: 'prod' });
    assert.equal(anonymous.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
  });

  test('ReportCodeLocations warms the layout in the background; the next query is served from the cache', async () => {
    const t = await createTenant(h.prisma);
    const { token } = await createAgentToken(h.prisma, t.orgId);
    const file = { name: 'pipes', command: 'python p.py', assets: [{ key: 'p/a' }, { key: 'p/b', deps: ['p/a'] }, { key: 'p/c', deps: ['p/b', 'p/a'] }] };
    const before = service.layoutsComputed;
    await reportCodeLocations(h.server.grpcAddress, token, { locations: [{ deployment: 'prod', name: 'pipes', definitionJson: JSON.stringify(normalizeDefinition(codeLocationFileSchema.parse(file), '/srv/code')) }] });
    await eventually(() => service.layoutsComputed > before, 60_000, 'the layout computed after the report');
    const warmed = service.layoutsComputed;
    const layout = await layoutOf(t);
    assert.deepEqual(layout.nodes.map((n) => n.key), ['p/a', 'p/b', 'p/c']);
    assert.equal(service.layoutsComputed, warmed, 'served from the warmed cache');
  });

  test('a cycle in the stored edges is ASSET_GRAPH_CYCLE (CONFLICT) naming the assets; warming only logs it', async () => {
    const t = await createTenant(h.prisma);
    const loc = await createCodeLocation(h.prisma, t, { assets: [{ key: 'c/a' }, { key: 'c/b', deps: ['c/a'] }, { key: 'c/ok' }] });
    await h.prisma.assetDependency.create({ data: { orgId: t.orgId, deploymentId: t.prodId, assetId: loc.assets['c/a']!, upstreamAssetId: loc.assets['c/b']! } });
    const r = await h.gql(t.token, LAYOUT, { d: 'prod' });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'ASSET_GRAPH_CYCLE');
    assert.equal(r.errors?.[0]?.extensions?.['kind'], 'CONFLICT');
    assert.deepEqual(r.errors?.[0]?.extensions?.['assetKeys'], ['c/a', 'c/b']);
    service.warm(t.orgId, 'prod'); // must neither throw nor leave an unhandled rejection
    await new Promise((resolve) => setTimeout(resolve, 500));
  });

  test('5,000 assets: allowed by the cost limit, laid out validly, served from the cache', async (t) => {
    const big = await createTenant(h.prisma);
    const graph = layeredAssetGraph(5000, { layers: 20, seed: 5 });
    await seedGraph(big, graph);
    const query = '{ assetGraphLayout { nodes { key x y } } }';
    const cold = performance.now();
    const first = await h.gql<{ assetGraphLayout: Layout }>(big.token, query);
    const coldMs = performance.now() - cold;
    assert.equal(first.status, 200, JSON.stringify(first.errors));
    assert.equal(first.errors, undefined);
    assert.equal(first.data!.assetGraphLayout.nodes.length, 5000);
    assert.deepEqual(layoutViolations(graph, { ...(await service.layout(big.orgId, 'prod')) }), []);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await fetch(`${h.server.httpUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${big.token}` },
        body: JSON.stringify({ query }),
      });
      const text = await res.text();
      times.push(performance.now() - started);
      bytes = Buffer.byteLength(text);
      assert.equal(res.status, 200);
    }
    times.sort((p, q) => p - q);
    t.diagnostic(`5000 assets: first request (layout computed) ${Math.round(coldMs)} ms; cached: median ${Math.round(times[2]!)} ms, min ${Math.round(times[0]!)} ms; response ${bytes} bytes`);
  });

  async function assetId(tenant: Tenant, key: string): Promise<string> {
    return (await h.prisma.asset.findFirstOrThrow({ where: { orgId: tenant.orgId, deploymentId: tenant.prodId, key } })).id;
  }

  /** An API token of `tenant` with `role` at one deployment. */
  async function scopedToken(tenant: Tenant, role: 'VIEWER' | 'ADMIN', deploymentId: string): Promise<string> {
    const m = mintToken('api');
    registerTestSecret(m.value, 'API token');
    await h.prisma.apiToken.create({ data: { orgId: tenant.orgId, name: `${role}-${m.prefix}`, tokenHash: m.hash, prefix: m.prefix, role, deploymentId } });
    return m.value;
  }

  /** Seeds a big graph in bulk (the kit's createCodeLocation inserts row by row). */
  async function seedGraph(tenant: Tenant, graph: readonly AssetGraphInput[]): Promise<void> {
    const location = await createCodeLocation(h.prisma, tenant, { name: 'big', assets: [] });
    await h.prisma.asset.createMany({
      data: graph.map((g) => ({ orgId: tenant.orgId, deploymentId: tenant.prodId, codeLocationId: location.id, key: g.key, keyPath: g.key.split('/'), groupName: 'default', owners: [], tags: {}, kinds: [], active: true })),
    });
    const ids = new Map((await h.prisma.asset.findMany({ where: { orgId: tenant.orgId, deploymentId: tenant.prodId }, select: { id: true, key: true } })).map((r) => [r.key, r.id]));
    await h.prisma.assetDependency.createMany({
      data: graph.flatMap((g) => [...new Set(g.upstream)].map((u) => ({ orgId: tenant.orgId, deploymentId: tenant.prodId, assetId: ids.get(g.key)!, upstreamAssetId: ids.get(u)! }))),
    });
  }
});

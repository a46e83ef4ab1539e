/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyFilters, assetStatus, readFilters, withParams, type CatalogAsset } from './catalog-filters';
import { DAGRE_MAX_NODES, layoutGraph, lineageKeys, NODE_WIDTH } from './graph-layout';

// a → c, b → c, c → d; e alone.
const KEYS = ['a', 'b', 'c', 'd', 'e'];
const EDGES = [
  { source: 'a', target: 'c' },
  { source: 'b', target: 'c' },
  { source: 'c', target: 'd' },
];

describe('lineageKeys', () => {
  test('all, upstream, downstream and both (transitively) of the selection', () => {
    assert.deepEqual([...lineageKeys(KEYS, EDGES, ['c'], 'all')].sort(), KEYS);
    assert.deepEqual([...lineageKeys(KEYS, EDGES, ['c'], 'upstream')].sort(), ['a', 'b', 'c']);
    assert.deepEqual([...lineageKeys(KEYS, EDGES, ['c'], 'downstream')].sort(), ['c', 'd']);
    assert.deepEqual([...lineageKeys(KEYS, EDGES, ['d'], 'upstream')].sort(), ['a', 'b', 'c', 'd']);
    assert.deepEqual([...lineageKeys(KEYS, EDGES, ['a'], 'both')].sort(), ['a', 'c', 'd'], 'downstream of a, not the other upstream of c');
    assert.deepEqual([...lineageKeys(KEYS, EDGES, [], 'upstream')].sort(), KEYS, 'no selection: everything');
  });
});

describe('layout', () => {
  test('small graphs go through dagre, left to right', () => {
    const layout = layoutGraph(KEYS, EDGES, undefined)!;
    assert.ok(KEYS.length <= DAGRE_MAX_NODES);
    assert.ok(layout.get('a')!.x < layout.get('c')!.x && layout.get('c')!.x < layout.get('d')!.x);
    const ys = ['a', 'b'].map((k) => layout.get(k)!.y);
    assert.notEqual(ys[0], ys[1], 'nodes of a column do not overlap');
  });

  test("big graphs take the server's positions, and wait for them", () => {
    const ids = Array.from({ length: DAGRE_MAX_NODES + 1 }, (_, i) => `n${i}`);
    assert.equal(layoutGraph(ids, [], undefined), null, 'nothing to draw before the server layout arrives');
    const server = new Map(ids.map((id, i) => [id, { x: i * NODE_WIDTH, y: 0 }]));
    assert.equal(layoutGraph(ids, [], server), server);
  });
});

describe('catalog filters', () => {
  const asset = (key: string, extra: Partial<CatalogAsset> = {}): CatalogAsset => ({
    key, group: 'g', owners: [], kinds: [], tags: [], description: null, upstream: [], latestMaterialization: null, latestCheckEvaluations: [], ...extra,
  });
  const assets = [
    asset('x/raw', { owners: ['team:a'], tags: [{ key: 'tier', value: 'bronze' }], latestMaterialization: { createdAt: '2026-01-01T00:00:00Z', runId: 'r' } }),
    asset('x/top', { description: 'The TEN worst', kinds: ['sql'], latestMaterialization: { createdAt: '2026-01-01T00:00:00Z', runId: 'r' }, latestCheckEvaluations: [{ checkName: 'c', passed: false, severity: 'ERROR' }] }),
    asset('y/new', { group: 'h' }),
  ];

  test('status: a failed check wins over a materialization', () => {
    assert.deepEqual(assets.map(assetStatus), ['MATERIALIZED', 'CHECKS_FAILING', 'NEVER']);
  });

  test('search, group, owner, kind, tag and status read from the query string', () => {
    const keys = (query: string) => applyFilters(assets, readFilters(new URLSearchParams(query))).map((a) => a.key);
    assert.deepEqual(keys(''), ['x/raw', 'x/top', 'y/new']);
    assert.deepEqual(keys('q=ten'), ['x/top'], 'description, case-insensitive');
    assert.deepEqual(keys('q=y/'), ['y/new']);
    assert.deepEqual(keys('group=h'), ['y/new']);
    assert.deepEqual(keys('owner=team%3Aa'), ['x/raw']);
    assert.deepEqual(keys('kind=sql'), ['x/top']);
    assert.deepEqual(keys('tag=tier%3Dbronze'), ['x/raw']);
    assert.deepEqual(keys('tag=tier'), ['x/raw'], 'a tag key alone matches any value');
    assert.deepEqual(keys('status=NEVER'), ['y/new']);
    assert.deepEqual(keys('status=bogus'), ['x/raw', 'x/top', 'y/new'], 'an unknown status is ignored');
  });

  test('withParams drops empty and default values', () => {
    assert.equal(withParams(new URLSearchParams('q=a&view=graph'), { q: '', view: 'table', focus: 'all', owner: 'o' }).toString(), 'owner=o');
  });
});

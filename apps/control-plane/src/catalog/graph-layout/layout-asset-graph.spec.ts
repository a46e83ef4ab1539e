import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AssetGraphCycleError } from './graph-layout.errors';
import { layoutAssetGraph, NODE_WIDTH, SIBLING_GAP, SMALL_GRAPH_NODES, type AssetGraphInput } from './layout-asset-graph';
import { layeredAssetGraph } from './testing/synthetic-graph';
import { layoutViolations } from './testing/layout-invariants';

describe('layoutAssetGraph (d3-dag Sugiyama, left to right)', () => {
  test('no assets: an empty drawing', () => {
    assert.deepEqual(layoutAssetGraph([]), { width: 0, height: 0, nodes: [] });
  });

  test('a chain runs left to right, one layer per step, 220 px boxes 90 px apart', () => {
    const assets = [{ key: 'c', upstream: ['b'] }, { key: 'a', upstream: [] }, { key: 'b', upstream: ['a'] }];
    const layout = layoutAssetGraph(assets);
    assert.deepEqual(layoutViolations(assets, layout), []);
    assert.deepEqual(layout.nodes.map((n) => [n.key, n.x]), [['a', 0], ['b', 310], ['c', 620]]);
    assert.deepEqual(layout.nodes.map((n) => n.y), [0, 0, 0]);
    assert.deepEqual([layout.width, layout.height], [3 * NODE_WIDTH + 2 * 90, 56]);
  });

  test('siblings of a layer stack vertically with a 24 px gap', () => {
    const assets = [{ key: 'root', upstream: [] }, { key: 'x', upstream: ['root'] }, { key: 'y', upstream: ['root'] }];
    const layout = layoutAssetGraph(assets);
    assert.deepEqual(layoutViolations(assets, layout), []);
    const [x, y] = [layout.nodes.find((n) => n.key === 'x')!, layout.nodes.find((n) => n.key === 'y')!];
    assert.equal(x.x, y.x);
    assert.equal(Math.abs(x.y - y.y), 56 + SIBLING_GAP);
  });

  test('disconnected parts, edges to unknown keys, repeated edges: every asset placed, none overlapping', () => {
    const assets: AssetGraphInput[] = [
      { key: 'a/1', upstream: [] },
      { key: 'a/2', upstream: ['a/1', 'a/1', 'elsewhere/x'] },
      { key: 'b/1', upstream: ['gone'] },
      { key: 'b/2', upstream: ['b/1'] },
      { key: 'lonely', upstream: [] },
    ];
    const layout = layoutAssetGraph(assets);
    assert.deepEqual(layoutViolations(assets, layout), []);
    assert.deepEqual(layout, layoutAssetGraph(assets.map((a) => ({ key: a.key, upstream: [...new Set(a.upstream)].filter((u) => !['elsewhere/x', 'gone'].includes(u)) }))));
  });

  test('the same graph in any order gives the same layout', () => {
    const assets = layeredAssetGraph(120, { layers: 6, seed: 7 });
    const shuffled = [...assets].reverse().map((a) => ({ key: a.key, upstream: [...a.upstream].reverse() }));
    assert.deepEqual(layoutAssetGraph(shuffled), layoutAssetGraph(assets));
  });

  test(`small (≤ ${SMALL_GRAPH_NODES}) and big graphs both respect edges and never overlap`, () => {
    for (const n of [SMALL_GRAPH_NODES, SMALL_GRAPH_NODES + 1, 800]) {
      const assets = layeredAssetGraph(n, { layers: 10, seed: n });
      const layout = layoutAssetGraph(assets);
      assert.deepEqual(layoutViolations(assets, layout), [], `${n} assets`);
    }
  });

  test('a cycle fails with AssetGraphCycleError naming the assets on and after it', () => {
    const assets = [{ key: 'a', upstream: ['c'] }, { key: 'b', upstream: ['a'] }, { key: 'c', upstream: ['b'] }, { key: 'd', upstream: ['c'] }, { key: 'ok', upstream: [] }];
    assert.throws(() => layoutAssetGraph(assets), (e: unknown) => {
      assert.ok(e instanceof AssetGraphCycleError);
      assert.equal(e.code, 'ASSET_GRAPH_CYCLE');
      assert.deepEqual(e.keys, ['a', 'b', 'c', 'd']);
      assert.match(e.message, /dependency cycle: 4 asset\(s\)/);
      return true;
    });
    assert.throws(() => layoutAssetGraph([{ key: 'self', upstream: ['self'] }]), AssetGraphCycleError);
  });

  test('a repeated asset key is refused', () => {
    assert.throws(() => layoutAssetGraph([{ key: 'a', upstream: [] }, { key: 'a', upstream: [] }]), /"a" appears twice/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { catalogFingerprint } from './catalog-fingerprint';
import { LayoutCache } from './layout-cache';

describe('LayoutCache', () => {
  test('concurrent callers of one key share one computation; later callers get the same value', async () => {
    const cache = new LayoutCache<object>(4);
    let runs = 0;
    const compute = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      return { n: runs };
    };
    const [x, y] = await Promise.all([cache.get('org/d', 'f1', compute), cache.get('org/d', 'f1', compute)]);
    assert.equal(x, y);
    assert.equal(await cache.get('org/d', 'f1', compute), x);
    assert.equal(runs, 1);
  });

  test('bounded: the least recently used entry goes first', async () => {
    const cache = new LayoutCache<string>(2);
    await cache.get('a', '1', async () => 'a');
    await cache.get('b', '1', async () => 'b');
    await cache.get('a', '1', async () => 'a again'); // touch a
    await cache.get('c', '1', async () => 'c'); // evicts b
    assert.equal(cache.size, 2);
    assert.equal(await cache.get('a', '1', async () => 'recomputed'), 'a');
    assert.equal(await cache.get('b', '1', async () => 'recomputed'), 'recomputed');
  });

  test('a new version of a scope replaces the older one; a failure is not cached', async () => {
    const cache = new LayoutCache<string>(8);
    await cache.get('org/d', 'v1', async () => 'one');
    await cache.get('org/d', 'v2', async () => 'two');
    assert.equal(cache.size, 1);
    await assert.rejects(cache.get('org/e', 'v1', async () => Promise.reject(new Error('boom'))), /boom/);
    await new Promise((r) => setImmediate(r));
    assert.equal(await cache.get('org/e', 'v1', async () => 'ok'), 'ok');
    assert.throws(() => new LayoutCache(0), RangeError);
  });
});

describe('catalogFingerprint', () => {
  const graph = [{ key: 'a', upstream: [] }, { key: 'b', upstream: ['a'] }, { key: 'c', upstream: ['a', 'b'] }];
  test('ignores order, repeated edges and edges leaving the set', () => {
    const fp = catalogFingerprint(graph);
    assert.match(fp, /^[0-9a-f]{32}$/);
    assert.equal(catalogFingerprint([...graph].reverse().map((g) => ({ key: g.key, upstream: [...g.upstream, ...g.upstream, 'gone'].reverse() }))), fp);
  });
  test('changes with any asset or edge', () => {
    const fp = catalogFingerprint(graph);
    assert.notEqual(catalogFingerprint(graph.slice(0, 2)), fp);
    assert.notEqual(catalogFingerprint([...graph.slice(0, 2), { key: 'c', upstream: ['b'] }]), fp);
    assert.notEqual(catalogFingerprint([...graph.slice(0, 2), { key: 'c2', upstream: ['a', 'b'] }]), fp);
    assert.notEqual(catalogFingerprint([]), fp);
  });
});

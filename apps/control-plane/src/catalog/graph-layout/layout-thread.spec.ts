import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, describe, test } from 'node:test';
import { AssetGraphCycleError } from './graph-layout.errors';
import { layoutAssetGraph } from './layout-asset-graph';
import { GraphLayoutWorker } from './layout-thread';
import { layeredAssetGraph } from './testing/synthetic-graph';
import { layoutViolations } from './testing/layout-invariants';

describe('GraphLayoutWorker (layout in a worker thread)', () => {
  const worker = new GraphLayoutWorker();
  after(() => worker.close());

  test('gives the same layout as the pure function', async () => {
    const assets = layeredAssetGraph(60, { layers: 5 });
    const { layout, durationMs } = await worker.layout(assets);
    assert.deepEqual(layout, layoutAssetGraph(assets));
    assert.ok(durationMs >= 0);
  });

  test('a cycle comes back as AssetGraphCycleError; the worker keeps serving', async () => {
    await assert.rejects(worker.layout([{ key: 'a', upstream: ['b'] }, { key: 'b', upstream: ['a'] }]), (e: unknown) => e instanceof AssetGraphCycleError && e.keys.join() === 'a,b');
    const { layout } = await worker.layout([{ key: 'x', upstream: [] }]);
    assert.deepEqual(layout.nodes, [{ key: 'x', x: 0, y: 0 }]);
  });

  test('5,000 assets (20 layers, 1–3 upstreams): a valid layout while the event loop stays responsive', async (t) => {
    const assets = layeredAssetGraph(5000, { layers: 20, seed: 42 });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const { layout, durationMs } = await worker.layout(assets);
    const wall = performance.now() - started;
    delay.disable();
    assert.deepEqual(layoutViolations(assets, layout), []);
    const maxDelayMs = delay.max / 1e6;
    t.diagnostic(`5000 assets: ${Math.round(durationMs)} ms in the worker, ${Math.round(wall)} ms end to end, max event-loop delay ${maxDelayMs.toFixed(1)} ms, ${layout.width}×${layout.height} px`);
    // Laid out on this thread, the loop would stall for the whole layout; allow scheduling noise of a loaded machine.
    assert.ok(maxDelayMs < Math.min(1000, durationMs / 2), `event loop blocked for ${maxDelayMs} ms during a ${durationMs} ms layout`);
  });

  test('a job over its time limit fails, and the next job gets a fresh worker', async () => {
    const slow = new GraphLayoutWorker(5);
    try {
      await assert.rejects(slow.layout(layeredAssetGraph(3000)), /took longer than 5 ms/);
      const quick = new GraphLayoutWorker();
      assert.equal((await quick.layout([{ key: 'a', upstream: [] }])).layout.nodes.length, 1);
      await quick.close();
    } finally {
      await slow.close();
    }
    await assert.rejects(slow.layout([]), /closed/);
  });
});

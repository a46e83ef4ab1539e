/**
 * Worker thread entry: lays out asset graphs off the API's event loop.
 * Receives {@link LayoutRequest}s, answers each with a {@link LayoutReply}
 * carrying the same id. Started by GraphLayoutWorker (layout-thread.ts).
 */
import { parentPort } from 'node:worker_threads';
import { AssetGraphCycleError } from './graph-layout.errors';
import { layoutAssetGraph } from './layout-asset-graph';
import type { LayoutReply, LayoutRequest } from './graph-layout.protocol';

const port = parentPort;
if (!port) throw new Error('graph-layout.worker.ts runs as a worker thread only');

port.on('message', (request: LayoutRequest) => {
  const started = performance.now();
  let reply: LayoutReply;
  try {
    const layout = layoutAssetGraph(request.assets);
    reply = { id: request.id, ok: true, layout, durationMs: performance.now() - started };
  } catch (error) {
    const cycle = error instanceof AssetGraphCycleError ? { cycleKeys: [...error.keys] } : {};
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error), ...cycle };
  }
  port.postMessage(reply);
});

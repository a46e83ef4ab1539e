import type { AssetGraphInput, AssetGraphLayoutData } from './layout-asset-graph';

/** A layout job sent to the worker thread. */
export interface LayoutRequest {
  id: number;
  assets: AssetGraphInput[];
}

/** The worker's answer to the {@link LayoutRequest} with the same id. */
export type LayoutReply =
  | { id: number; ok: true; layout: AssetGraphLayoutData; /** Layout time inside the worker, ms. */ durationMs: number }
  | { id: number; ok: false; message: string; /** Set when the graph has a cycle: the keys of the AssetGraphCycleError. */ cycleKeys?: string[] };

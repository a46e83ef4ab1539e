import { createHash } from 'node:crypto';
import { LAYER_GAP, NODE_HEIGHT, NODE_WIDTH, SIBLING_GAP, SMALL_GRAPH_NODES, type AssetGraphInput } from './layout-asset-graph';

/** Bump when the layout changes for the same graph (other settings, another d3-dag); it is part of every fingerprint. */
const LAYOUT_VERSION = `d3-dag-sugiyama-1;${NODE_WIDTH}x${NODE_HEIGHT};${SIBLING_GAP};${LAYER_GAP};${SMALL_GRAPH_NODES}`;

/**
 * The graph as the layout sees it: assets by key, each with its upstream keys
 * deduplicated, sorted and restricted to the set.
 */
export function normalizeAssetGraph(assets: readonly AssetGraphInput[]): AssetGraphInput[] {
  const keys = new Set(assets.map((a) => a.key));
  return assets
    .map((a) => ({ key: a.key, upstream: [...new Set(a.upstream)].filter((u) => keys.has(u)).sort(compare) }))
    .sort((a, b) => compare(a.key, b.key));
}

/**
 * Fingerprint of a catalog's lineage graph (and of the layout settings): 32
 * hex characters of SHA-256 over the normalized assets and upstream keys. Any
 * added, removed or renamed asset or edge changes it; order does not.
 */
export function catalogFingerprint(assets: readonly AssetGraphInput[]): string {
  const graph = normalizeAssetGraph(assets).map((a) => [a.key, a.upstream]);
  return createHash('sha256').update(LAYOUT_VERSION).update('\n').update(JSON.stringify(graph)).digest('hex').slice(0, 32);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { AssetGraphInput } from '../layout-asset-graph';

/** Options of {@link layeredAssetGraph}. */
export interface LayeredGraphOptions {
  /** Number of layers, default 20. */
  layers?: number;
  /** Seed of the deterministic pseudo-random choices, default 1. */
  seed?: number;
}

/**
 * A layered synthetic asset DAG for tests and measurements: `n` assets
 * `l<layer>/a<i>` in `layers` layers; each asset after the first layer has 1–3
 * upstreams picked from the previous layer (and 30% of the time from the one
 * before it).
 */
export function layeredAssetGraph(n: number, options: LayeredGraphOptions = {}): AssetGraphInput[] {
  const layers = options.layers ?? 20;
  let state = (options.seed ?? 1) >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const perLayer = Math.ceil(n / layers);
  const key = (i: number): string => `l${Math.floor(i / perLayer)}/a${i}`;
  const assets: AssetGraphInput[] = [];
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / perLayer);
    const upstream: string[] = [];
    if (layer > 0) {
      const count = 1 + Math.floor(random() * 3);
      for (let j = 0; j < count; j++) {
        const from = layer > 1 && random() < 0.3 ? layer - 2 : layer - 1;
        upstream.push(key(from * perLayer + Math.floor(random() * perLayer)));
      }
    }
    assets.push({ key: key(i), upstream });
  }
  return assets;
}

import dagre from '@dagrejs/dagre';

/** Size of a node of the lineage graph, px (fixed, so React Flow needs no measuring pass). */
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 52;
const RANK_GAP = 90;
const NODE_GAP = 16;

/**
 * Up to this many nodes (a focused lineage, a filtered group) the browser lays
 * the graph out with dagre, well under 200 ms. Bigger graphs use the positions
 * the control plane computed with d3-dag (`assetGraphLayout`, cached per
 * catalog): measured on 2 CPU cores, dagre took 12–40 s and elkjs 56 s for
 * 5,000 assets in the page, d3-dag 2.5 s once on the server.
 */
export const DAGRE_MAX_NODES = 300;

/** An edge from an upstream asset (`source`) to its downstream asset (`target`). */
export interface LayoutEdge {
  source: string;
  target: string;
}

/** Top-left position of every node, left-to-right by dependency. */
export type Layout = Map<string, { x: number; y: number }>;

/**
 * Lays out `ids` left to right: dagre for up to {@link DAGRE_MAX_NODES} nodes;
 * bigger graphs take their positions from `serverLayout` (the control plane's
 * d3-dag layout of the whole deployment, so a filtered subset keeps its
 * places). Returns null while a big graph's server layout has not arrived. Pure.
 */
export function layoutGraph(ids: readonly string[], edges: readonly LayoutEdge[], serverLayout: Layout | undefined): Layout | null {
  if (ids.length <= DAGRE_MAX_NODES) return dagreLayout(ids, edges);
  return serverLayout ?? null;
}

function dagreLayout(ids: readonly string[], edges: readonly LayoutEdge[]): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: NODE_GAP, ranksep: RANK_GAP, ranker: 'network-simplex' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of ids) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out: Layout = new Map();
  for (const id of ids) {
    const n = g.node(id);
    // dagre gives centres; React Flow wants top-left corners.
    out.set(id, { x: (n.x ?? 0) - NODE_WIDTH / 2, y: (n.y ?? 0) - NODE_HEIGHT / 2 });
  }
  return out;
}

/**
 * The keys to show for a lineage focus: everything (`all`), or the selected
 * keys with everything they depend on (`upstream`), everything that depends on
 * them (`downstream`), or both, transitively. Pure.
 */
export function lineageKeys(
  keys: readonly string[],
  edges: readonly LayoutEdge[],
  selected: readonly string[],
  focus: 'all' | 'upstream' | 'downstream' | 'both',
): Set<string> {
  if (focus === 'all' || selected.length === 0) return new Set(keys);
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const e of edges) {
    (up.get(e.target) ?? up.set(e.target, []).get(e.target)!).push(e.source);
    (down.get(e.source) ?? down.set(e.source, []).get(e.source)!).push(e.target);
  }
  const known = new Set(keys);
  const out = new Set(selected.filter((k) => known.has(k)));
  const walk = (from: Map<string, string[]>) => {
    const stack = [...out].filter((k) => selected.includes(k));
    const seen = new Set(stack);
    while (stack.length) {
      for (const next of from.get(stack.pop()!) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        out.add(next);
        stack.push(next);
      }
    }
  };
  if (focus === 'upstream' || focus === 'both') walk(up);
  if (focus === 'downstream' || focus === 'both') walk(down);
  return out;
}

import { useCallback, useMemo } from 'react';
import { Background, Controls, MiniMap, Position, ReactFlow, type Edge, type NodeChange, type NodeHandle, type Viewport } from '@xyflow/react';
import type { CombinedError } from 'urql';
import { ErrorState, Loading } from '../../components/states';
import { AssetNode, type AssetFlowNode } from './asset-node';
import { assetStatus, checksSummary, type CatalogAsset, type LineageFocus } from './catalog-filters';
import { DAGRE_MAX_NODES, layoutGraph, lineageKeys, NODE_HEIGHT, NODE_WIDTH, type Layout, type LayoutEdge } from './graph-layout';

const NODE_TYPES = { asset: AssetNode };
/**
 * Above this many nodes there is no minimap: React Flow's MiniMap renders one
 * component with its own store subscription per node, so with 5,000 nodes
 * every store update (each frame of a pan) ran 5,000 selectors; measured, it
 * took the pan below 10 fps. The controls and the lineage focus remain.
 */
export const MINIMAP_MAX_NODES = 1000;
const HANDLES: NodeHandle[] = [
  { type: 'target', position: Position.Left, x: 0, y: NODE_HEIGHT / 2 },
  { type: 'source', position: Position.Right, x: NODE_WIDTH, y: NODE_HEIGHT / 2 },
];
/** Name of the performance mark set once the graph's nodes are first on screen (read by `npm run bench:console`). */
export const GRAPH_RENDERED_MARK = 'gantry:graph-rendered';
/** Name of the performance mark set once the graph is on screen with every asset's status. */
export const GRAPH_COMPLETE_MARK = 'gantry:graph-complete';

/**
 * The lineage graph of `assets` (already filtered), left to right by
 * dependency, coloured by status. With a selection and a `focus` other than
 * `all`, only the selection and its upstream and/or downstream (transitively)
 * are shown. Click selects (Ctrl/⌘-click adds), double-click opens the asset.
 * Big graphs start at the sources at readable zoom instead of fitting
 * everything, and only visible nodes and edges are rendered.
 */
export function AssetGraph({ assets, pending = false, serverLayout, serverLayoutError, selected, focus, inFlight, onSelect, onOpen }: {
  /** The assets' statuses are not known yet: drawn from the server layout while the catalog loads. */
  pending?: boolean;
  assets: readonly CatalogAsset[];
  /** The control plane's layout of the whole deployment (`assetGraphLayout`), for graphs too big to lay out here; undefined while loading. */
  serverLayout: Layout | undefined;
  /** Why the server layout could not be had, if so. */
  serverLayoutError?: CombinedError | undefined;
  selected: readonly string[];
  focus: LineageFocus;
  /** Keys of assets in a queued or running run. */
  inFlight: ReadonlySet<string>;
  onSelect: (keys: string[]) => void;
  onOpen: (key: string) => void;
}) {
  const { baseNodes, edges, viewport } = useMemo(() => {
    const keys = assets.map((a) => a.key);
    const present = new Set(keys);
    const allEdges: LayoutEdge[] = assets.flatMap((a) => a.upstream.filter((u) => present.has(u.key)).map((u) => ({ source: u.key, target: a.key })));
    const shown = lineageKeys(keys, allEdges, selected, focus);
    const shownKeys = keys.filter((k) => shown.has(k));
    const shownEdges = allEdges.filter((e) => shown.has(e.source) && shown.has(e.target));
    const layout = layoutGraph(shownKeys, shownEdges, serverLayout);
    if (!layout) return { baseNodes: null, edges: [], viewport: null };
    const byKey = new Map(assets.map((a) => [a.key, a]));
    const nodes: AssetFlowNode[] = shownKeys.map((key) => {
      const a = byKey.get(key)!;
      return {
        id: key,
        type: 'asset',
        position: layout.get(key) ?? { x: 0, y: 0 },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        draggable: false,
        // Known handle positions: React Flow otherwise renders every not-yet-measured node, visible or not, to measure its handles.
        handles: HANDLES,
        data: { key, status: assetStatus(a), checks: checksSummary(a).replace(' checks passed', ' checks'), inFlight: inFlight.has(key), pending },
      };
    });
    // No invisible wide hit path per edge (edges are not interactive here): half the SVG paths to paint while panning.
    const flowEdges: Edge[] = shownEdges.map((e) => ({ id: `${e.source}→${e.target}`, source: e.source, target: e.target, focusable: false, selectable: false, interactionWidth: 0 }));
    // Big graphs: start at the top of the first column at a readable zoom rather than fitting thousands of nodes into view.
    let start: Viewport | null = null;
    if (nodes.length > DAGRE_MAX_NODES) {
      const first = nodes.filter((n) => n.position.x === 0).reduce((m, n) => Math.min(m, n.position.y), 0);
      start = { x: 24, y: 24 - first * 0.8, zoom: 0.8 };
    }
    return { baseNodes: nodes, edges: flowEdges, viewport: start };
    // Selection only matters for the layout when it narrows the graph.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [assets, pending, serverLayout, focus, focus === 'all' ? '' : selected.join(','), inFlight]);

  // Only nodes whose selection changed get a new object, so React Flow re-renders just those.
  const nodes = useMemo(() => {
    const sel = new Set(selected);
    return (baseNodes ?? []).map((n) => (sel.has(n.id) ? { ...n, selected: true } : n));
  }, [baseNodes, selected]);

  const onNodesChange = useCallback(
    (changes: NodeChange<AssetFlowNode>[]) => {
      const next = new Set(selected);
      let changed = false;
      for (const c of changes) {
        if (c.type !== 'select') continue;
        if (c.selected && !next.has(c.id)) next.add(c.id);
        else if (!c.selected && next.has(c.id)) next.delete(c.id);
        else continue;
        changed = true;
      }
      if (changed) onSelect([...next]);
    },
    [selected, onSelect],
  );

  const onInit = useCallback(() => {
    // First frame with nodes on screen (and, later, with statuses): one mark each per page load, for the console benchmark.
    requestAnimationFrame(() => {
      for (const mark of pending ? [GRAPH_RENDERED_MARK] : [GRAPH_RENDERED_MARK, GRAPH_COMPLETE_MARK]) {
        if (performance.getEntriesByName(mark).length === 0) performance.mark(mark);
      }
    });
  }, [pending]);

  if (!baseNodes) return serverLayoutError ? <ErrorState error={serverLayoutError} /> : <Loading what="the lineage graph's layout" />;
  return (
    <div className="asset-graph" aria-label="Lineage graph" role="region">
      <ReactFlow<AssetFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onNodeDoubleClick={(_, node) => onOpen(node.id)}
        // d3-zoom's double-click zoom stops the dblclick event before React sees it on a node.
        zoomOnDoubleClick={false}
        onInit={onInit}
        {...(viewport ? { defaultViewport: viewport } : { fitView: true, fitViewOptions: { maxZoom: 1.2 } })}
        minZoom={0.05}
        maxZoom={2}
        onlyRenderVisibleElements
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        elementsSelectable
        selectNodesOnDrag={false}
      >
        {/* The dotted background is repainted on every frame of a pan: only for graphs small enough to afford it. */}
        {nodes.length <= MINIMAP_MAX_NODES && <Background gap={24} size={1} />}
        {nodes.length <= MINIMAP_MAX_NODES && <MiniMap pannable zoomable ariaLabel="Overview of the lineage graph" nodeClassName={(n) => `minimap-${(n.data as { status?: string }).status ?? 'NEVER'}`} />}
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

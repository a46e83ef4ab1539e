import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { STATUS_ICONS, STATUS_LABELS, type AssetStatus } from './catalog-filters';

/** What a node of the lineage graph shows. */
export interface AssetNodeData extends Record<string, unknown> {
  key: string;
  status: AssetStatus;
  /** "2/3 checks" (passed of evaluated), or "". */
  checks: string;
  /** A queued or running run includes the asset. */
  inFlight: boolean;
  /** Drawn from the layout alone: the status is not known yet (the catalog is still loading). */
  pending?: boolean;
}

export type AssetFlowNode = Node<AssetNodeData, 'asset'>;

/**
 * One asset in the graph: its key, its status as icon + text (coloured by
 * status), its checks and whether a run is in flight. Memoized: while panning
 * React Flow re-renders nodes only when their props change.
 */
export const AssetNode = memo(function AssetNode({ data, selected }: NodeProps<AssetFlowNode>) {
  return (
    <div className={`asset-node asset-node-${data.pending ? 'PENDING' : data.status}${selected ? ' asset-node-selected' : ''}`} title={data.key}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="asset-node-key">{data.key}</div>
      <div className="asset-node-meta">
        {data.pending ? (
          <span className="asset-node-status">Loading status…</span>
        ) : (
          <span className="asset-node-status">
            <span aria-hidden="true">{STATUS_ICONS[data.status]}</span> {STATUS_LABELS[data.status]}
          </span>
        )}
        {data.checks && <span> · {data.checks}</span>}
        {data.inFlight && <span> · running</span>}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

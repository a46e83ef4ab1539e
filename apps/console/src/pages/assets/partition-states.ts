/** What the status of partitions is computed from: the asset's newest materializations and runs. */
export interface PartitionStatusData {
  assetMaterializations: { edges: { node: { runId: string; createdAt: string; partitionKey?: string | null } }[] };
  runs: {
    edges: { node: { id: string; status: string; createdAt: string; endedAt?: string | null; partitionKey?: string | null; partitionRange?: { start: string; end: string } | null } }[];
  };
}

export type PartitionState = 'materialized' | 'failed' | 'running' | 'missing';

export interface PartitionCell {
  state: PartitionState;
  at?: string;
  runId?: string;
}

/**
 * Status of each partition from the asset's last 100 materializations and
 * runs: a materialization counts for its partition key, or (reported
 * without one) for every key of its run's partition range; a failed run
 * marks the keys it covered but did not materialize; the newest fact wins.
 */
export function partitionStates(partitionKeys: readonly string[], data: PartitionStatusData): Map<string, PartitionCell> {
  const index = new Map(partitionKeys.map((k, i) => [k, i]));
  const runs = new Map(data.runs.edges.map((e) => [e.node.id, e.node]));
  const covered = (run: { partitionKey?: string | null; partitionRange?: { start: string; end: string } | null } | undefined): string[] => {
    if (!run) return [];
    if (run.partitionKey) return [run.partitionKey];
    if (!run.partitionRange) return [];
    const from = index.get(run.partitionRange.start);
    const to = index.get(run.partitionRange.end);
    return from == null || to == null ? [] : partitionKeys.slice(from, to + 1);
  };
  const facts: { key: string; at: string; state: PartitionState; runId: string }[] = [];
  const materializedBy = new Set<string>();
  for (const { node: m } of data.assetMaterializations.edges) {
    for (const key of m.partitionKey ? [m.partitionKey] : covered(runs.get(m.runId))) {
      facts.push({ key, at: m.createdAt, state: 'materialized', runId: m.runId });
      materializedBy.add(`${m.runId}:${key}`);
    }
  }
  for (const run of runs.values()) {
    const state: PartitionState | null = run.status === 'FAILURE' ? 'failed' : ['QUEUED', 'STARTING', 'STARTED'].includes(run.status) ? 'running' : null;
    if (!state) continue;
    for (const key of covered(run)) {
      if (!materializedBy.has(`${run.id}:${key}`)) facts.push({ key, at: run.endedAt ?? run.createdAt, state, runId: run.id });
    }
  }
  facts.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const cells = new Map<string, PartitionCell>(partitionKeys.map((k) => [k, { state: 'missing' }]));
  for (const f of facts) if (cells.has(f.key)) cells.set(f.key, { state: f.state, at: f.at, runId: f.runId });
  return cells;
}

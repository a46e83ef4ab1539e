import { Link } from 'react-router';
import { useQuery } from 'urql';
import { ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import { useScope, useScopedPath } from '../../layout/scope';
import { formatDateTime } from '../runs/run-format';

const PartitionStatusQuery = graphql(`
  query AssetPartitionStatus($deployment: String!, $key: String!) {
    assetMaterializations(deployment: $deployment, key: $key, first: 100) {
      edges { node { runId createdAt partitionKey } }
    }
    runs(deployment: $deployment, assetKey: $key, first: 100) {
      edges { node { id status createdAt endedAt partitionKey partitionRange { start end } } }
    }
  }
`);

type State = 'materialized' | 'failed' | 'running' | 'missing';

interface Cell {
  state: State;
  at?: string;
  runId?: string;
}

const LABEL: Record<State, string> = { materialized: 'Materialized', failed: 'Failed', running: 'In progress', missing: 'Missing' };
const SYMBOL: Record<State, string> = { materialized: '✓', failed: '✗', running: '…', missing: '–' };

/**
 * Status of each partition from the asset's last 100 materializations and
 * runs: a materialization counts for its partition key, or (reported
 * without one) for every key of its run's partition range; a failed run
 * marks the keys it covered but did not materialize; the newest fact wins.
 */
function partitionStates(partitionKeys: readonly string[], data: { assetMaterializations: { edges: { node: { runId: string; createdAt: string; partitionKey?: string | null } }[] }; runs: { edges: { node: { id: string; status: string; createdAt: string; endedAt?: string | null; partitionKey?: string | null; partitionRange?: { start: string; end: string } | null } }[] } }): Map<string, Cell> {
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
  const facts: { key: string; at: string; state: State; runId: string }[] = [];
  const materializedBy = new Set<string>();
  for (const { node: m } of data.assetMaterializations.edges) {
    for (const key of m.partitionKey ? [m.partitionKey] : covered(runs.get(m.runId))) {
      facts.push({ key, at: m.createdAt, state: 'materialized', runId: m.runId });
      materializedBy.add(`${m.runId}:${key}`);
    }
  }
  for (const run of runs.values()) {
    const state: State | null = run.status === 'FAILURE' ? 'failed' : ['QUEUED', 'STARTING', 'STARTED'].includes(run.status) ? 'running' : null;
    if (!state) continue;
    for (const key of covered(run)) {
      if (!materializedBy.has(`${run.id}:${key}`)) facts.push({ key, at: run.endedAt ?? run.createdAt, state, runId: run.id });
    }
  }
  facts.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const cells = new Map<string, Cell>(partitionKeys.map((k) => [k, { state: 'missing' }]));
  for (const f of facts) if (cells.has(f.key)) cells.set(f.key, { state: f.state, at: f.at, runId: f.runId });
  return cells;
}

/** A grid of the asset's partitions, one labelled, focusable cell each (materialized / failed / in progress / missing, by text and symbol as well as colour), with a legend and counts. */
export function PartitionsGrid({ assetKey, partitionKeys }: { assetKey: string; partitionKeys: readonly string[] }) {
  const { deployment } = useScope();
  const path = useScopedPath();
  const [result, reexecute] = useQuery({ query: PartitionStatusQuery, variables: { deployment, key: assetKey } });
  let body;
  if (result.error && !result.data) body = <ErrorState error={result.error} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  else if (!result.data) body = <Loading what="partition status" />;
  else {
    const cells = partitionStates(partitionKeys, result.data);
    const counts = { materialized: 0, failed: 0, running: 0, missing: 0 };
    for (const c of cells.values()) counts[c.state] += 1;
    body = (
      <>
        <ul className="partition-legend plain-list" aria-label="Legend">
          {(Object.keys(LABEL) as State[]).map((s) => (
            <li key={s}>
              <span className={`partition-swatch partition-${s}`} aria-hidden="true">
                {SYMBOL[s]}
              </span>{' '}
              {LABEL[s]} ({counts[s]})
            </li>
          ))}
        </ul>
        <ul className="partition-grid plain-list" aria-label={`Partitions of ${assetKey}`}>
          {partitionKeys.map((key) => {
            const cell = cells.get(key) ?? { state: 'missing' as const };
            const label = `${key}: ${LABEL[cell.state].toLowerCase()}${cell.at ? ` ${formatDateTime(cell.at)}` : ''}`;
            const content = (
              <>
                <span className="partition-key">{key}</span>
                <span className="partition-state">
                  {SYMBOL[cell.state]} {LABEL[cell.state]}
                </span>
              </>
            );
            return (
              <li key={key}>
                {cell.runId ? (
                  <Link className={`partition-cell partition-${cell.state}`} to={path(`runs/${cell.runId}`)} aria-label={label} title={label}>
                    {content}
                  </Link>
                ) : (
                  <span className={`partition-cell partition-${cell.state}`} tabIndex={0} aria-label={label} title={label} role="img">
                    {content}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </>
    );
  }
  return (
    <section aria-labelledby="partitions-title">
      <h2 id="partitions-title">Partitions ({partitionKeys.length})</h2>
      {body}
    </section>
  );
}

import { Link } from 'react-router';
import { useQuery } from 'urql';
import { ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import { useScope, useScopedPath } from '../../layout/scope';
import { formatDateTime } from '../runs/run-format';
import { partitionStates, type PartitionState } from './partition-states';

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

const LABEL: Record<PartitionState, string> = { materialized: 'Materialized', failed: 'Failed', running: 'In progress', missing: 'Missing' };
const SYMBOL: Record<PartitionState, string> = { materialized: '✓', failed: '✗', running: '…', missing: '–' };

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
          {(Object.keys(LABEL) as PartitionState[]).map((s) => (
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

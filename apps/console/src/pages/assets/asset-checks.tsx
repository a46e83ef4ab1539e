import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { AssetPageQuery } from '../../gql/graphql';
import { useScope, useScopedPath } from '../../layout/scope';
import { formatDateTime } from '../runs/run-format';
import { StatusBadge } from '../runs/run-status-badge';
import { MetadataView } from './metadata-view';

type Asset = NonNullable<AssetPageQuery['asset']>;

/** Check evaluations live in run events; the history reads the events of the asset's last runs. */
const CheckHistoryQuery = graphql(`
  query AssetCheckHistory($deployment: String!, $key: String!) {
    runs(deployment: $deployment, assetKey: $key, first: 10) {
      edges {
        node {
          id
          events(first: 200) {
            edges { node { seq type assetKey timestamp payload } }
          }
        }
      }
    }
  }
`);

/**
 * The asset's declared checks with their latest result (passed/failed as
 * text, severity, metadata, the run), and on request the results of its last
 * ten runs.
 */
export function AssetChecks({ assetKey, checks, latest }: { assetKey: string; checks: Asset['checks']; latest: Asset['latestCheckEvaluations'] }) {
  const path = useScopedPath();
  const [showHistory, setShowHistory] = useState(false);
  const byName = new Map(latest.map((e) => [e.checkName, e]));
  const names = [...new Set([...checks.map((c) => c.name), ...latest.map((e) => e.checkName)])];
  return (
    <section aria-labelledby="checks-title">
      <h2 id="checks-title">Checks</h2>
      {names.length === 0 ? (
        <p className="muted">No checks are declared on this asset.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Latest result</th>
              <th scope="col">Severity</th>
              <th scope="col">When</th>
              <th scope="col">Metadata</th>
            </tr>
          </thead>
          <tbody>
            {names.map((name) => {
              const check = checks.find((c) => c.name === name);
              const e = byName.get(name);
              return (
                <tr key={name}>
                  <th scope="row">
                    <span className="mono">{name}</span>
                    {check?.blocking && <span className="muted"> (blocking)</span>}
                    {check?.description && <div className="muted check-description">{check.description}</div>}
                  </th>
                  <td>{e ? <StatusBadge status={e.passed ? 'PASSED' : 'FAILED'} label={e.passed ? 'passed' : 'failed'} /> : <span className="muted">not evaluated yet</span>}</td>
                  <td>{e?.severity ?? '—'}</td>
                  <td>{e ? <Link to={path(`runs/${e.runId}`)}>{formatDateTime(e.createdAt)}</Link> : '—'}</td>
                  <td>{e ? <MetadataView metadata={e.metadata} /> : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {names.length > 0 && (
        <p>
          <button type="button" aria-expanded={showHistory} onClick={() => setShowHistory((s) => !s)}>
            {showHistory ? 'Hide check history' : 'Show check history (last 10 runs)'}
          </button>
        </p>
      )}
      {showHistory && <CheckHistory assetKey={assetKey} />}
    </section>
  );
}

function CheckHistory({ assetKey }: { assetKey: string }) {
  const { deployment } = useScope();
  const path = useScopedPath();
  const [result, reexecute] = useQuery({ query: CheckHistoryQuery, variables: { deployment, key: assetKey } });
  if (result.error && !result.data) return <ErrorState error={result.error} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!result.data) return <Loading what="check history" />;
  const rows = result.data.runs.edges.flatMap(({ node: run }) =>
    run.events.edges
      .map((e) => e.node)
      .filter((e) => e.type === 'ASSET_CHECK_EVALUATION' && e.assetKey === assetKey)
      .map((e) => ({ runId: run.id, ...e, payload: (e.payload ?? {}) as Record<string, unknown> })),
  );
  if (rows.length === 0) return <p className="muted">No check results in the last runs.</p>;
  return (
    <table className="data">
      <caption>Check results of the last runs, newest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Check</th>
          <th scope="col">Result</th>
          <th scope="col">Severity</th>
          <th scope="col">Run</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.runId}:${r.seq}`}>
            <td>{formatDateTime(r.timestamp)}</td>
            <td className="mono">{String(r.payload['checkName'])}</td>
            <td>
              <StatusBadge status={r.payload['passed'] ? 'PASSED' : 'FAILED'} label={r.payload['passed'] ? 'passed' : 'failed'} />
            </td>
            <td>{String(r.payload['severity'] ?? '')}</td>
            <td>
              <Link className="mono" to={path(`runs/${r.runId}`)} aria-label={`Run ${r.runId}`}>
                {r.runId.slice(0, 8)}
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { useScope, useScopedPath } from '../../layout/scope';
import { MetadataView } from '../assets/metadata-view';
import { field, type RunEventItem } from './run-events';
import { formatDateTime } from './run-format';
import { StatusBadge } from './run-status-badge';

/** Materializations and check results the run reported, each with its metadata and a link to the asset. */
export function RunOutputs({ events }: { events: RunEventItem[] }) {
  const path = useScopedPath();
  const materializations = events.filter((e) => e.type === 'ASSET_MATERIALIZATION');
  const checks = events.filter((e) => e.type === 'ASSET_CHECK_EVALUATION');
  return (
    <>
      <section aria-labelledby="run-materializations-title">
        <h2 id="run-materializations-title">Materializations ({materializations.length})</h2>
        {materializations.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          materializations.map((e) => (
            <div key={e.seq} className="run-output">
              <Link to={path(`assets/${e.assetKey ?? ''}`)}>{e.assetKey}</Link>
              {typeof field(e.payload, 'partitionKey') === 'string' && <> · partition <span className="mono">{String(field(e.payload, 'partitionKey'))}</span></>} ·{' '}
              {formatDateTime(e.timestamp)}
              <details>
                <summary>Metadata</summary>
                <MetadataView metadata={field(e.payload, 'metadata')} label={`Metadata of ${e.assetKey ?? 'the materialization'}`} />
              </details>
            </div>
          ))
        )}
      </section>
      <section aria-labelledby="run-checks-title">
        <h2 id="run-checks-title">Check results ({checks.length})</h2>
        {checks.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col">Check</th>
                <th scope="col">Result</th>
                <th scope="col">Severity</th>
                <th scope="col">Metadata</th>
              </tr>
            </thead>
            <tbody>
              {checks.map((e) => {
                const passed = field(e.payload, 'passed') === true;
                return (
                  <tr key={e.seq}>
                    <td>
                      <Link to={path(`assets/${e.assetKey ?? ''}`)}>{e.assetKey}</Link>
                    </td>
                    <td className="mono">{String(field(e.payload, 'checkName'))}</td>
                    <td>
                      <StatusBadge status={passed ? 'PASSED' : 'FAILED'} label={passed ? 'passed' : 'failed'} />
                    </td>
                    <td>{String(field(e.payload, 'severity') ?? '')}</td>
                    <td>
                      <MetadataView metadata={field(e.payload, 'metadata')} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

const MaterializationCostQuery = graphql(`
  query RunMaterializationCost($deployment: String!, $key: String!) {
    assetCostPerMaterialization(deployment: $deployment, key: $key, first: 100) {
      runId
      eventSeq
      partitionKey
      materializedAt
      costs { amount unit source value }
    }
  }
`);

/**
 * Cost of the run: the resources its agent measured and priced (the
 * RUN_RESOURCE_USAGE event, sent just before the run ends) and, per
 * materialization of the run, its cost from assetCostPerMaterialization.
 */
export function RunCost({ runId, events, assetKeys }: { runId: string; events: RunEventItem[]; assetKeys: readonly string[] }) {
  const usage = events.find((e) => e.type === 'RUN_RESOURCE_USAGE');
  const priced = field(usage?.payload, 'priced');
  const num = (name: string) => field(usage?.payload, name);
  const materialized = [...new Set(events.filter((e) => e.type === 'ASSET_MATERIALIZATION' && e.assetKey).map((e) => e.assetKey!))];
  return (
    <section aria-labelledby="run-cost-title">
      <h2 id="run-cost-title">Cost</h2>
      {usage ? (
        <dl className="facts">
          <div>
            <dt>Priced</dt>
            <dd data-testid="run-cost-usd">{String(field(priced, 'usd') ?? '—')} USD</dd>
          </div>
          <div>
            <dt>CPU</dt>
            <dd>{typeof num('cpuSeconds') === 'number' ? `${(num('cpuSeconds') as number).toFixed(2)} s` : '—'}</dd>
          </div>
          <div>
            <dt>Wall</dt>
            <dd>{typeof num('wallSeconds') === 'number' ? `${(num('wallSeconds') as number).toFixed(2)} s` : '—'}</dd>
          </div>
          <div>
            <dt>Peak memory</dt>
            <dd>{typeof num('memoryPeakBytes') === 'number' ? `${Math.round((num('memoryPeakBytes') as number) / 2 ** 20)} MiB` : '—'}</dd>
          </div>
          <div>
            <dt>Basis</dt>
            <dd>{String(num('basis') ?? '—')}</dd>
          </div>
        </dl>
      ) : (
        <p className="muted">{assetKeys.length ? 'The agent reports the run’s resource usage when it ends.' : 'No cost.'}</p>
      )}
      {materialized.length > 0 && (
        <table className="data">
          <caption>Per materialization</caption>
          <thead>
            <tr>
              <th scope="col">Asset</th>
              <th scope="col">Partition</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {materialized.map((key) => (
              <MaterializationCostRows key={key} assetKey={key} runId={runId} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function MaterializationCostRows({ assetKey, runId }: { assetKey: string; runId: string }) {
  const { deployment } = useScope();
  const [result] = useQuery({ query: MaterializationCostQuery, variables: { deployment, key: assetKey } });
  const rows = result.data?.assetCostPerMaterialization.filter((m) => m.runId === runId) ?? [];
  if (result.error) {
    return (
      <tr>
        <td>{assetKey}</td>
        <td colSpan={2} className="error">
          {result.error.message}
        </td>
      </tr>
    );
  }
  if (!result.data || rows.length === 0) {
    return (
      <tr>
        <td>{assetKey}</td>
        <td colSpan={2} className="muted">
          {result.data ? 'not priced yet' : 'loading…'}
        </td>
      </tr>
    );
  }
  return (
    <>
      {rows.map((m) => (
        <tr key={m.eventSeq}>
          <td>{assetKey}</td>
          <td className="mono">{m.partitionKey ?? '—'}</td>
          <td>{m.costs.length ? m.costs.map((c) => `${c.amount} ${c.unit} (${c.source.toLowerCase()})`).join(', ') : '—'}</td>
        </tr>
      ))}
    </>
  );
}

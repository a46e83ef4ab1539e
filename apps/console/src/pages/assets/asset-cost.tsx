import { useState } from 'react';
import { Link } from 'react-router';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { CostGrain } from '../../gql/graphql';
import { useScope, useScopedPath } from '../../layout/scope';
import { COST_UNITS, lastDays } from '../cost/money';
import { formatDateTime } from '../runs/run-format';

const CostTrendQuery = graphql(`
  query AssetCostTrend($deployment: String!, $key: String!, $from: String!, $to: String!, $grain: CostGrain!, $unit: String!) {
    assetCostTrend(deployment: $deployment, key: $key, from: $from, to: $to, grain: $grain, unit: $unit) {
      periodStart
      amount
      value
      measured
      priced
      reported
      records
    }
  }
`);

const CostPerMaterializationQuery = graphql(`
  query AssetCostPerMaterialization($deployment: String!, $key: String!) {
    assetCostPerMaterialization(deployment: $deployment, key: $key, first: 20) {
      runId
      eventSeq
      materializedAt
      partitionKey
      costs { amount unit source }
    }
  }
`);

const GRAINS: CostGrain[] = ['DAY', 'WEEK', 'MONTH'];

/**
 * Cost of the asset: a bar chart of assetCostTrend over the last 30 or 90
 * days by day, week or month in a chosen unit (the numbers also as a table),
 * and the cost of its newest materializations.
 */
export function AssetCost({ assetKey }: { assetKey: string }) {
  const { deployment } = useScope();
  const path = useScopedPath();
  const [days, setDays] = useState(30);
  const [grain, setGrain] = useState<CostGrain>('DAY');
  const [unit, setUnit] = useState('USD');
  const [trend, refetchTrend] = useQuery({
    query: CostTrendQuery,
    variables: { deployment, key: assetKey, ...lastDays(days), grain, unit },
  });
  const [perMaterialization, refetchPer] = useQuery({ query: CostPerMaterializationQuery, variables: { deployment, key: assetKey } });
  const buckets = trend.data?.assetCostTrend ?? [];

  return (
    <section aria-labelledby="cost-title">
      <h2 id="cost-title">Cost</h2>
      <div className="toolbar">
        <label>
          Window
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <option value={30}>Last 30 days</option>
            <option value={90}>Last 90 days</option>
          </select>
        </label>
        <label>
          Grain
          <select value={grain} onChange={(e) => setGrain(e.target.value as CostGrain)}>
            {GRAINS.map((g) => (
              <option key={g} value={g}>
                {g.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Unit
          <select value={unit} onChange={(e) => setUnit(e.target.value)}>
            {COST_UNITS.map((u) => (
              <option key={u}>{u}</option>
            ))}
          </select>
        </label>
      </div>
      {trend.error && !trend.data ? (
        <ErrorState error={trend.error} retry={() => refetchTrend({ requestPolicy: 'network-only' })} />
      ) : !trend.data ? (
        <Loading what="cost trend" />
      ) : buckets.length === 0 ? (
        <p className="muted">
          No {unit} cost recorded for this asset in the last {days} days.
        </p>
      ) : (
        <>
          <figure className="cost-chart" aria-label={`${unit} cost per ${grain.toLowerCase()} over the last ${days} days`}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={buckets} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="periodStart" />
                <YAxis width={90} tickFormatter={(v: number) => v.toPrecision(3)} />
                <Tooltip formatter={(v) => [`${String(v)} ${unit}`, 'Cost']} />
                <Bar dataKey="value" name="Cost" fill="#0550ae" maxBarSize={48} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <details>
            <summary>Cost trend as a table</summary>
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Period from</th>
                  <th scope="col">Total ({unit})</th>
                  <th scope="col">Measured</th>
                  <th scope="col">Priced</th>
                  <th scope="col">Reported</th>
                  <th scope="col">Records</th>
                </tr>
              </thead>
              <tbody>
                {buckets.map((b) => (
                  <tr key={b.periodStart}>
                    <td>{b.periodStart}</td>
                    <td className="mono">{b.amount}</td>
                    <td className="mono">{b.measured}</td>
                    <td className="mono">{b.priced}</td>
                    <td className="mono">{b.reported}</td>
                    <td>{b.records}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
      <h3>Cost per materialization</h3>
      {perMaterialization.error && !perMaterialization.data ? (
        <ErrorState error={perMaterialization.error} retry={() => refetchPer({ requestPolicy: 'network-only' })} />
      ) : !perMaterialization.data ? (
        <Loading what="cost per materialization" />
      ) : perMaterialization.data.assetCostPerMaterialization.length === 0 ? (
        <p className="muted">No materialization with cost yet.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Materialized</th>
              <th scope="col">Run</th>
              <th scope="col">Partition</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {perMaterialization.data.assetCostPerMaterialization.map((m) => (
              <tr key={`${m.runId}:${m.eventSeq}`}>
                <td>{formatDateTime(m.materializedAt)}</td>
                <td>
                  <Link className="mono" to={path(`runs/${m.runId}`)} aria-label={`Run ${m.runId}`}>
                    {m.runId.slice(0, 8)}
                  </Link>
                </td>
                <td className="mono">{m.partitionKey ?? '—'}</td>
                <td>
                  {m.costs.length === 0 ? (
                    '—'
                  ) : (
                    <ul className="plain-list">
                      {m.costs.map((c) => (
                        <li key={`${c.unit}:${c.source}`}>
                          <span className="mono">{c.amount}</span> {c.unit} <span className="muted">({c.source.toLowerCase()})</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

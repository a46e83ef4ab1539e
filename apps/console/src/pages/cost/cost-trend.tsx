import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { Empty, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import type { CostFilters } from './cost-filters';
import { bucketStarts, formatAmount, formatAxis, SERIES_COLOURS } from './money';

const CostByDeploymentQuery = graphql(`
  query CostByDeployment($deployment: String, $from: String!, $to: String!, $grain: CostGrain!, $unit: String!) {
    costBreakdown(dimension: DEPLOYMENT, deployment: $deployment, from: $from, to: $to, grain: $grain, unit: $unit) {
      key periodStart amount value unit measured priced reported records
    }
  }
`);

type Bucket = { key: string; periodStart: string; amount: string; value: number };

/** Rows of a stacked chart: one per period of the window (zero where nothing was recorded, so the line is continuous), one numeric field per key. */
function pivot(buckets: Bucket[], periods: string[]): { rows: Record<string, string | number>[]; keys: string[] } {
  const keys = [...new Set(buckets.map((b) => b.key))].sort();
  const byPeriod = new Map<string, Record<string, string | number>>();
  for (const p of periods) byPeriod.set(p, { period: p, ...Object.fromEntries(keys.map((k) => [k, 0])) });
  for (const b of buckets) {
    const row = byPeriod.get(b.periodStart) ?? { period: b.periodStart };
    row[b.key] = ((row[b.key] as number | undefined) ?? 0) + b.value;
    byPeriod.set(b.periodStart, row);
  }
  const rows = [...byPeriod.values()].sort((a, b) => String(a['period']).localeCompare(String(b['period'])));
  return { rows, keys };
}

/**
 * Cost over time per deployment (every deployment for organization-wide
 * members, else this one): a stacked area chart with a summary sentence and
 * the same figures as a table in a disclosure.
 */
export function CostTrend({ filters }: { filters: CostFilters }) {
  const [result, retry] = useQuery({
    query: CostByDeploymentQuery,
    variables: { deployment: filters.orgWide ? null : filters.deployment, from: filters.from, to: filters.to, grain: filters.grain, unit: filters.unit },
  });
  return (
    <QueryState result={result} what="cost trend" retry={() => retry({ requestPolicy: 'network-only' })}>
      {({ costBreakdown }) => {
        if (costBreakdown.length === 0) {
          return (
            <Empty title="No cost recorded yet">
              <p>Runs report cost when they finish.</p>
            </Empty>
          );
        }
        const { rows, keys } = pivot(costBreakdown, bucketStarts(filters.from, filters.to, filters.grain));
        const total = costBreakdown.reduce((sum, b) => sum + Number(b.amount), 0);
        const peak = [...costBreakdown].sort((a, b) => b.value - a.value)[0]!;
        const summary = `${formatAmount(total, filters.unit)} in total from ${filters.from} over ${rows.length} ${filters.grain.toLowerCase()}s across ${keys.length} deployment(s); the largest was ${formatAmount(peak.amount, filters.unit)} in ${peak.key} for the period starting ${peak.periodStart}.`;
        return (
          <>
            <p data-testid="trend-summary">{summary}</p>
            <figure className="chart" aria-label={`Stacked area chart of cost per deployment and period. ${summary}`}>
              <ResponsiveContainer width="100%" height="100%">
                <AreaChart data={rows} margin={{ left: 8, right: 16 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="period" tick={{ fontSize: 12 }} />
                  <YAxis tickFormatter={(v: number) => formatAxis(v, filters.unit)} width={84} />
                  <Tooltip formatter={(v) => formatAmount(Number(v), filters.unit)} />
                  <Legend />
                  {keys.map((k, i) => (
                    <Area key={k} type="linear" dataKey={k} stackId="cost" stroke={SERIES_COLOURS[i % SERIES_COLOURS.length]} fill={SERIES_COLOURS[i % SERIES_COLOURS.length]} fillOpacity={0.25} />
                  ))}
                </AreaChart>
              </ResponsiveContainer>
            </figure>
            <details>
              <summary>Show the trend as a table</summary>
              <table className="data" aria-label="Cost per deployment and period">
                <thead>
                  <tr>
                    <th scope="col">Period from</th>
                    <th scope="col">Deployment</th>
                    <th scope="col" className="num">Cost</th>
                    <th scope="col" className="num">Measured</th>
                    <th scope="col" className="num">Priced</th>
                    <th scope="col" className="num">Reported</th>
                  </tr>
                </thead>
                <tbody>
                  {costBreakdown.map((b) => (
                    <tr key={`${b.periodStart}/${b.key}`}>
                      <td>{b.periodStart}</td>
                      <td>{b.key}</td>
                      <td className="num">{formatAmount(b.amount, b.unit)}</td>
                      <td className="num">{formatAmount(b.measured, b.unit)}</td>
                      <td className="num">{formatAmount(b.priced, b.unit)}</td>
                      <td className="num">{formatAmount(b.reported, b.unit)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </>
        );
      }}
    </QueryState>
  );
}

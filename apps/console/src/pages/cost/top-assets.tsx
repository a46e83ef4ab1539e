import { Link } from 'react-router';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { Empty, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { useScopedPath } from '../../layout/scope';
import type { CostFilters } from './cost-filters';
import { formatAmount, formatAxis } from './money';

const TopCostAssetsQuery = graphql(`
  query TopCostAssets($deployment: String, $from: String!, $to: String!, $unit: String!) {
    topCostAssets(deployment: $deployment, from: $from, to: $to, unit: $unit, first: 20) {
      assetKey deployment group amount unit value
    }
  }
`);

/** The costliest assets of the deployment over the window: a horizontal bar chart of the top ten and a table of up to twenty with links to each asset. */
export function TopAssets({ filters }: { filters: CostFilters }) {
  const scoped = useScopedPath();
  const [result, retry] = useQuery({
    query: TopCostAssetsQuery,
    variables: { deployment: filters.deployment, from: filters.from, to: filters.to, unit: filters.unit },
  });
  return (
    <QueryState result={result} what="top assets" retry={() => retry({ requestPolicy: 'network-only' })}>
      {({ topCostAssets }) =>
        topCostAssets.length === 0 ? (
          <Empty title="No cost recorded yet">
            <p>Runs report cost when they finish; nothing in {filters.unit} was recorded in this window.</p>
          </Empty>
        ) : (
          <>
            <figure className="chart" style={{ height: 60 + 36 * Math.min(10, topCostAssets.length) }} aria-label={`Bar chart of the ${Math.min(10, topCostAssets.length)} costliest assets; the table below has the same figures`}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={topCostAssets.slice(0, 10)} layout="vertical" margin={{ left: 16, right: 16 }}>
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis type="number" tickFormatter={(v: number) => formatAxis(v, filters.unit)} />
                  <YAxis type="category" dataKey="assetKey" width={200} tick={{ fontSize: 12 }} />
                  <Tooltip formatter={(v) => formatAmount(Number(v), filters.unit)} />
                  <Bar dataKey="value" name="Cost" fill="#0550ae" maxBarSize={24} />
                </BarChart>
              </ResponsiveContainer>
            </figure>
            <table className="data" aria-label="Top assets by cost">
              <thead>
                <tr>
                  <th scope="col">Asset</th>
                  <th scope="col">Group</th>
                  <th scope="col" className="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                {topCostAssets.map((a) => (
                  <tr key={`${a.deployment}/${a.assetKey}`} data-testid="top-asset-row">
                    <td>
                      <Link to={scoped(`assets/${a.assetKey}`)}>{a.assetKey}</Link>
                    </td>
                    <td>{a.group}</td>
                    <td className="num" title={`${a.amount} ${a.unit}`}>{formatAmount(a.amount, a.unit)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      }
    </QueryState>
  );
}

import { useQuery } from 'urql';
import { Empty, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import type { CostFilters } from './cost-filters';
import { formatAmount } from './money';

const CostTotalsQuery = graphql(`
  query CostTotals($dimension: CostDimension!, $deployment: String, $from: String!, $to: String!, $grain: CostGrain!, $unit: String!) {
    costBreakdown(dimension: $dimension, deployment: $deployment, from: $from, to: $to, grain: $grain, unit: $unit) {
      key deployment periodStart amount value unit records
    }
  }
`);

const LABEL = { DEPLOYMENT: 'Deployment', GROUP: 'Group' } as const;

/**
 * Totals over the window per deployment (every deployment for
 * organization-wide members) or per asset group of this deployment: a table
 * with a bar per row relative to the largest, and the share in words.
 */
export function CostTotals({ filters, dimension }: { filters: CostFilters; dimension: 'DEPLOYMENT' | 'GROUP' }) {
  const deployment = dimension === 'DEPLOYMENT' && filters.orgWide ? null : filters.deployment;
  const [result, retry] = useQuery({
    query: CostTotalsQuery,
    variables: { dimension, deployment, from: filters.from, to: filters.to, grain: filters.grain, unit: filters.unit },
  });
  return (
    <QueryState result={result} what={`cost per ${LABEL[dimension].toLowerCase()}`} retry={() => retry({ requestPolicy: 'network-only' })}>
      {({ costBreakdown }) => {
        const totals = new Map<string, { value: number; records: number }>();
        for (const b of costBreakdown) {
          const t = totals.get(b.key) ?? { value: 0, records: 0 };
          totals.set(b.key, { value: t.value + Number(b.amount), records: t.records + b.records });
        }
        const rows = [...totals.entries()].sort((a, b) => b[1].value - a[1].value);
        if (rows.length === 0) return <Empty title="No cost recorded yet"><p>Runs report cost when they finish.</p></Empty>;
        const max = rows[0]![1].value || 1;
        const sum = rows.reduce((s, [, t]) => s + t.value, 0) || 1;
        return (
          <table className="data" aria-label={`Cost per ${LABEL[dimension].toLowerCase()}`}>
            <thead>
              <tr>
                <th scope="col">{LABEL[dimension]}</th>
                <th scope="col" className="num">Cost</th>
                <th scope="col">Share</th>
                <th scope="col" className="num">Records</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([key, t]) => (
                <tr key={key}>
                  <td>{key}</td>
                  <td className="num">{formatAmount(t.value, filters.unit)}</td>
                  <td>
                    <span className="meter" aria-hidden="true">
                      <span style={{ width: `${Math.max(1, (t.value / max) * 100)}%` }} />
                    </span>
                    {Math.round((t.value / sum) * 100)} %
                  </td>
                  <td className="num">{t.records}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      }}
    </QueryState>
  );
}

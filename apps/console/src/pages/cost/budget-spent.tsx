import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { currentPeriod, formatAmount } from './money';

const BudgetSpentQuery = graphql(`
  query BudgetSpent($dimension: CostDimension!, $deployment: String!, $from: String!, $to: String!, $grain: CostGrain!) {
    costBreakdown(dimension: $dimension, deployment: $deployment, from: $from, to: $to, grain: $grain, unit: "USD") {
      key amount
    }
  }
`);

/** A budget as far as spending goes: what it covers and its limit. */
export interface BudgetScope {
  scope: 'ASSET' | 'GROUP' | 'DEPLOYMENT';
  period: 'DAY' | 'WEEK' | 'MONTH';
  deployment: string;
  assetKey?: string | null;
  group?: string | null;
  limitUsd: string;
}

/** Spent in the budget's current period against its limit: amounts, a bar and the percentage in words (over 100 % is flagged in text too). */
export function BudgetSpent({ budget }: { budget: BudgetScope }) {
  const period = currentPeriod(budget.period);
  const [result] = useQuery({
    query: BudgetSpentQuery,
    variables: { dimension: budget.scope, deployment: budget.deployment, from: period.from, to: period.to, grain: budget.period },
  });
  if (result.error) return <span className="error">Spent unknown: {result.error.graphQLErrors[0]?.message ?? result.error.message}</span>;
  if (!result.data) return <span className="muted">…</span>;
  const key = budget.scope === 'ASSET' ? budget.assetKey : budget.scope === 'GROUP' ? budget.group : budget.deployment;
  const spent = result.data.costBreakdown.filter((b) => b.key === key).reduce((s, b) => s + Number(b.amount), 0);
  const limit = Number(budget.limitUsd);
  const percent = limit > 0 ? (spent / limit) * 100 : 0;
  const over = percent >= 100;
  return (
    <span data-testid="budget-spent">
      <span className={`meter${over ? ' over' : ''}`} aria-hidden="true">
        <span style={{ width: `${Math.min(100, Math.max(percent > 0 ? 1 : 0, percent))}%` }} />
      </span>
      {formatAmount(spent, 'USD')} of {formatAmount(budget.limitUsd, 'USD')} ({percent < 1 && percent > 0 ? '<1' : Math.round(percent)} %
      {over ? ', over budget' : ''}) since {period.from}
    </span>
  );
}

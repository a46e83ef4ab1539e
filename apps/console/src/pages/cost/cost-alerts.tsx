import { useQuery } from 'urql';
import { Empty, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { formatAmount } from './money';

const CostAlertsQuery = graphql(`
  query CostAlerts {
    costAlerts(first: 50) {
      id budgetId budgetName periodStart thresholdPercent spentUsd limitUsd createdAt deliveredAt attempts lastError
    }
  }
`);

/** Budget alerts of the organization, newest first: which budget crossed 80 or 100 % in which period, and whether its webhook got it. */
export function CostAlerts() {
  const [result, retry] = useQuery({ query: CostAlertsQuery });
  return (
    <QueryState result={result} what="budget alerts" retry={() => retry({ requestPolicy: 'network-only' })}>
      {({ costAlerts }) =>
        costAlerts.length === 0 ? (
          <Empty title="No budget alerts">
            <p>An alert is raised once per period when a budget reaches 80 % and again at 100 %.</p>
          </Empty>
        ) : (
          <table className="data" aria-label="Budget alerts">
            <thead>
              <tr>
                <th scope="col">Budget</th>
                <th scope="col">Period from</th>
                <th scope="col">Threshold</th>
                <th scope="col" className="num">Spent / limit</th>
                <th scope="col">Raised</th>
                <th scope="col">Webhook</th>
              </tr>
            </thead>
            <tbody>
              {costAlerts.map((a) => (
                <tr key={a.id}>
                  <td>{a.budgetName}</td>
                  <td>{a.periodStart}</td>
                  <td>
                    <span className={`status status-${a.thresholdPercent >= 100 ? 'FAILED' : 'QUEUED'}`}>{a.thresholdPercent} %</span>
                  </td>
                  <td className="num">
                    {formatAmount(a.spentUsd, 'USD')} / {formatAmount(a.limitUsd, 'USD')}
                  </td>
                  <td>{new Date(a.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC</td>
                  <td>
                    {a.deliveredAt ? (
                      'Delivered'
                    ) : (
                      <span className="error">
                        Not delivered after {a.attempts} attempt(s){a.lastError ? `: ${a.lastError}` : ''}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </QueryState>
  );
}

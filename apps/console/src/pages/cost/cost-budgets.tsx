import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { InlineConfirm } from '../../components/inline-confirm';
import { Empty, errorMessage, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { BudgetSpent } from './budget-spent';
import { formatAmount } from './money';

const CostBudgetsQuery = graphql(`
  query CostBudgets($deployment: String!) {
    costBudgets(deployment: $deployment) {
      id name scope assetKey group deployment period limitUsd webhookUrl createdAt
    }
    assets(deployment: $deployment) { id key group }
  }
`);

const CreateCostBudget = graphql(`
  mutation CreateCostBudget($input: CreateCostBudgetInput!) {
    createCostBudget(input: $input) { id name }
  }
`);

const DeleteCostBudget = graphql(`
  mutation DeleteCostBudget($id: ID!) {
    deleteCostBudget(id: $id)
  }
`);

type Scope = 'DEPLOYMENT' | 'GROUP' | 'ASSET';
type Period = 'DAY' | 'WEEK' | 'MONTH';
const PERIOD_LABEL: Record<Period, string> = { DAY: 'per day', WEEK: 'per week', MONTH: 'per month' };

/**
 * USD budgets of the deployment with spent vs limit in the current period;
 * Editors create them (scope, limit, period, webhook), organization-wide
 * Editors delete them (confirmed). The server checks both anyway.
 */
export function CostBudgets({ deployment, canCreate, canDelete }: { deployment: string; canCreate: boolean; canDelete: boolean }) {
  const [result, reexecute] = useQuery({ query: CostBudgetsQuery, variables: { deployment } });
  const [, create] = useMutation(CreateCostBudget);
  const [, remove] = useMutation(DeleteCostBudget);
  const [actionError, setActionError] = useState<string | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });

  return (
    <QueryState result={result} what="budgets" retry={refresh}>
      {({ costBudgets, assets }) => (
        <>
          {canCreate && (
            <CreateBudgetForm
              deployment={deployment}
              assets={assets.map((a) => a.key)}
              groups={[...new Set(assets.map((a) => a.group))].sort()}
              onCreate={async (input) => {
                const r = await create({ input });
                setActionError(r.error ? errorMessage(r.error) : null);
                if (!r.error) refresh();
                return !r.error;
              }}
            />
          )}
          {actionError && <p className="error" role="alert">{actionError}</p>}
          {costBudgets.length === 0 ? (
            <Empty title="No budgets in this deployment">
              <p>{canCreate ? 'Create one above to be alerted at 80 % and 100 % of a limit.' : 'Editors can create budgets.'}</p>
            </Empty>
          ) : (
            <table className="data" aria-label="Budgets">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Covers</th>
                  <th scope="col" className="num">Limit</th>
                  <th scope="col">Spent this period</th>
                  <th scope="col">Webhook</th>
                  {canDelete && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {costBudgets.map((b) => (
                  <tr key={b.id} data-testid="budget-row">
                    <td>{b.name}</td>
                    <td>
                      {b.scope === 'ASSET' ? `Asset ${b.assetKey ?? ''}` : b.scope === 'GROUP' ? `Group ${b.group ?? ''}` : `Deployment ${b.deployment}`}
                    </td>
                    <td className="num">
                      {formatAmount(b.limitUsd, 'USD')} {PERIOD_LABEL[b.period]}
                    </td>
                    <td>
                      <BudgetSpent budget={b} />
                    </td>
                    <td className="mono">{new URL(b.webhookUrl).host}</td>
                    {canDelete && (
                      <td className="actions">
                        <InlineConfirm
                          label="Delete"
                          subject={b.name}
                          question="Delete this budget and its alerts?"
                          confirmLabel="Delete budget"
                          onConfirm={async () => {
                            const r = await remove({ id: b.id });
                            setActionError(r.error ? errorMessage(r.error) : null);
                            if (!r.error) refresh();
                          }}
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </QueryState>
  );
}

interface BudgetInput {
  name: string;
  deployment: string;
  scope: Scope;
  assetKey?: string;
  group?: string;
  limitUsd: number;
  period: Period;
  webhookUrl: string;
}

/** Name, what it covers (deployment, a group or an asset), limit in USD, period and a Slack-compatible webhook URL. */
function CreateBudgetForm({ deployment, assets, groups, onCreate }: {
  deployment: string;
  assets: string[];
  groups: string[];
  onCreate: (input: BudgetInput) => Promise<boolean>;
}) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('DEPLOYMENT');
  const [assetKey, setAssetKey] = useState('');
  const [group, setGroup] = useState('');
  const [limit, setLimit] = useState('');
  const [period, setPeriod] = useState<Period>('MONTH');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const ok = await onCreate({
      name: name.trim(),
      deployment,
      scope,
      ...(scope === 'ASSET' && { assetKey: assetKey || assets[0] || '' }),
      ...(scope === 'GROUP' && { group: group || groups[0] || '' }),
      limitUsd: Number(limit),
      period,
      webhookUrl: webhookUrl.trim(),
    });
    setBusy(false);
    if (ok) {
      setName('');
      setLimit('');
      setWebhookUrl('');
    }
  };
  return (
    <form className="form" aria-label="Create a budget" onSubmit={(e) => void submit(e)}>
      <label>
        Budget name
        <input required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </label>
      <label>
        Covers
        <select value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
          <option value="DEPLOYMENT">This deployment</option>
          <option value="GROUP">An asset group</option>
          <option value="ASSET">One asset</option>
        </select>
      </label>
      {scope === 'GROUP' && (
        <label>
          Group
          <select value={group || groups[0] || ''} onChange={(e) => setGroup(e.target.value)}>
            {groups.map((g) => (
              <option key={g} value={g}>{g}</option>
            ))}
          </select>
        </label>
      )}
      {scope === 'ASSET' && (
        <label>
          Asset
          <select value={assetKey || assets[0] || ''} onChange={(e) => setAssetKey(e.target.value)}>
            {assets.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </select>
        </label>
      )}
      <label>
        Limit (USD)
        <input required type="number" min="0.000000001" max="1000000000" step="any" value={limit} onChange={(e) => setLimit(e.target.value)} />
      </label>
      <label>
        Period
        <select value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
          <option value="DAY">Day</option>
          <option value="WEEK">Week (from Monday)</option>
          <option value="MONTH">Month</option>
        </select>
      </label>
      <label>
        Webhook URL (Slack-compatible)
        <input required type="url" value={webhookUrl} onChange={(e) => setWebhookUrl(e.target.value)} placeholder="https://hooks.slack.com/services/…" size={36} />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        Create budget
      </button>
    </form>
  );
}

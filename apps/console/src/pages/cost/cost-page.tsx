import { useState } from 'react';
import { Page } from '../../components/page';
import { roleAtLeast, useScope } from '../../layout/scope';
import { CostAlerts } from './cost-alerts';
import { CostBudgets } from './cost-budgets';
import type { CostFilters } from './cost-filters';
import { CostTotals } from './cost-totals';
import { CostTrend } from './cost-trend';
import { COST_UNITS, lastDays } from './money';
import { TopAssets } from './top-assets';

const WINDOWS = [7, 30, 90] as const;

/**
 * `/:org/:deployment/cost`: window, grain and unit; the costliest assets, the
 * trend per deployment, totals per deployment and per group, budgets with
 * spent vs limit, and budget alerts (organization-wide members).
 */
export function CostPage() {
  const { deployment, deploymentRole, organizationRole } = useScope();
  const [days, setDays] = useState<(typeof WINDOWS)[number]>(30);
  const [grain, setGrain] = useState<CostFilters['grain']>('DAY');
  const [unit, setUnit] = useState('USD');
  const orgWide = roleAtLeast(organizationRole, 'VIEWER');
  const filters: CostFilters = { ...lastDays(days), grain, unit, deployment, orgWide };

  return (
    <Page title="Cost">
      <form className="toolbar" aria-label="Cost filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Window
          <select value={days} onChange={(e) => setDays(Number(e.target.value) as (typeof WINDOWS)[number])}>
            {WINDOWS.map((d) => (
              <option key={d} value={d}>Last {d} days</option>
            ))}
          </select>
        </label>
        <label>
          Grain
          <select value={grain} onChange={(e) => setGrain(e.target.value as CostFilters['grain'])}>
            <option value="DAY">Day</option>
            <option value="WEEK">Week</option>
            <option value="MONTH">Month</option>
          </select>
        </label>
        <label>
          Unit
          <select value={unit} onChange={(e) => setUnit(e.target.value)}>
            {COST_UNITS.map((u) => (
              <option key={u} value={u}>{u}</option>
            ))}
          </select>
        </label>
        <p className="muted">
          {filters.from} to {filters.to} (exclusive), UTC.
        </p>
      </form>

      <div className="cost-grid">
        <section aria-labelledby="top-assets-heading">
          <h2 id="top-assets-heading">Top assets in {deployment}</h2>
          <TopAssets filters={filters} />
        </section>
        <section aria-labelledby="trend-heading">
          <h2 id="trend-heading">Trend {orgWide ? 'per deployment' : `of ${deployment}`}</h2>
          <CostTrend filters={filters} />
        </section>
        <section aria-labelledby="per-deployment-heading">
          <h2 id="per-deployment-heading">Per deployment</h2>
          <CostTotals filters={filters} dimension="DEPLOYMENT" />
        </section>
        <section aria-labelledby="per-group-heading">
          <h2 id="per-group-heading">Per group in {deployment}</h2>
          <CostTotals filters={filters} dimension="GROUP" />
        </section>
      </div>

      <section aria-labelledby="budgets-heading">
        <h2 id="budgets-heading">Budgets (USD)</h2>
        <CostBudgets deployment={deployment} canCreate={roleAtLeast(deploymentRole, 'EDITOR')} canDelete={roleAtLeast(organizationRole, 'EDITOR')} />
      </section>
      {orgWide && (
        <section aria-labelledby="alerts-heading">
          <h2 id="alerts-heading">Budget alerts</h2>
          <CostAlerts />
        </section>
      )}
    </Page>
  );
}

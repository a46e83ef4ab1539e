import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { TouchedRollup } from '../ingest/cost-records.repository';

/** An alert raised by {@link CostBudgetsEvaluator.evaluate} (a new row of cost_alerts). */
export interface RaisedCostAlert {
  id: string;
  budget_id: string;
  /** First day of the period, `YYYY-MM-DD` (UTC). */
  period_start: string;
  threshold_percent: number;
  /** Decimal strings, USD. */
  spent_usd: string;
  limit_usd: string;
}

/**
 * Budgets in scope of the touched rollups, locked in id order (`FOR UPDATE`):
 * concurrent transactions evaluating the same budget take turns, and the
 * spend statement that follows (a new snapshot under READ COMMITTED) sees the
 * other's committed records, so no crossing is missed or raised twice.
 */
const LOCK_BUDGETS = `
SELECT b.id FROM cost_budgets b
WHERE b.org_id = $1 AND (
  (b.scope = 'ASSET' AND b.asset_id = ANY($2::uuid[]))
  OR (b.scope = 'DEPLOYMENT' AND b.deployment_id = ANY($3::uuid[]))
  OR (b.scope = 'GROUP' AND EXISTS (
        SELECT 1 FROM assets a WHERE a.org_id = $1 AND a.id = ANY($2::uuid[]) AND a.deployment_id = b.deployment_id AND a.group_name = b.group_name)))
ORDER BY b.id
FOR UPDATE OF b`;

/**
 * For each locked budget and each period holding a touched day: the USD spent
 * in scope (from the daily rollups), and a new alert per threshold (80, 100 %)
 * reached, inserted once per (budget, period, threshold).
 */
const RAISE_ALERTS = `
WITH periods AS (
  SELECT DISTINCT b.id AS budget_id, b.scope, b.asset_id, b.group_name, b.deployment_id, b.limit_usd,
         date_trunc(lower(b.period::text), d.day)::date AS period_start,
         (date_trunc(lower(b.period::text), d.day) + ('1 ' || lower(b.period::text))::interval)::date AS period_end
  FROM cost_budgets b CROSS JOIN unnest($3::date[]) AS d(day)
  WHERE b.org_id = $1 AND b.id = ANY($2::uuid[])
), spend AS (
  SELECT p.budget_id, p.period_start, p.limit_usd,
         (SELECT coalesce(sum(r.amount), 0) FROM cost_daily_rollups r
          WHERE r.org_id = $1 AND r.unit = 'USD' AND r.day >= p.period_start AND r.day < p.period_end
            AND CASE p.scope
                  WHEN 'ASSET' THEN r.asset_id = p.asset_id
                  WHEN 'DEPLOYMENT' THEN r.deployment_id = p.deployment_id
                  ELSE r.asset_id IN (SELECT a.id FROM assets a WHERE a.org_id = $1 AND a.deployment_id = p.deployment_id AND a.group_name = p.group_name)
                END) AS spent
  FROM periods p
)
INSERT INTO cost_alerts (id, org_id, budget_id, period_start, threshold_percent, spent_usd, limit_usd)
SELECT gen_random_uuid(), $1, s.budget_id, s.period_start, t.pct, s.spent, s.limit_usd
FROM spend s CROSS JOIN (VALUES (80), (100)) AS t(pct)
WHERE s.spent >= s.limit_usd * t.pct / 100
ORDER BY s.budget_id, s.period_start, t.pct
ON CONFLICT (budget_id, period_start, threshold_percent) DO NOTHING
RETURNING id, budget_id, to_char(period_start, 'YYYY-MM-DD') AS period_start, threshold_percent, spent_usd::text, limit_usd::text`;

/** Evaluates budgets against the rollups an ingest transaction just changed. */
@Injectable()
export class CostBudgetsEvaluator {
  /**
   * Runs inside the ingest transaction (after the rollups were upserted).
   * Only USD rollups count toward budgets. Returns the alerts raised by this
   * transaction (none when another one already raised them).
   */
  async evaluate(client: pg.PoolClient, orgId: string, touched: readonly TouchedRollup[]): Promise<RaisedCostAlert[]> {
    const usd = touched.filter((t) => t.unit === 'USD');
    if (usd.length === 0) return [];
    const assetIds = [...new Set(usd.map((t) => t.asset_id))];
    const deploymentIds = [...new Set(usd.map((t) => t.deployment_id))];
    const locked = await client.query<{ id: string }>(LOCK_BUDGETS, [orgId, assetIds, deploymentIds]);
    if (locked.rowCount === 0) return [];
    const days = [...new Set(usd.map((t) => t.day))];
    const raised = await client.query<RaisedCostAlert>(RAISE_ALERTS, [orgId, locked.rows.map((r) => r.id), days]);
    return raised.rows;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { TenantDb } from '../../database/tenant-db';

/** A budget row with its deployment name and asset key. */
export interface CostBudgetRow {
  id: string;
  name: string;
  deployment: string;
  scope: 'ASSET' | 'GROUP' | 'DEPLOYMENT';
  asset_key: string | null;
  group_name: string | null;
  period: 'DAY' | 'WEEK' | 'MONTH';
  limit_usd: string;
  webhook_url: string;
  created_at: Date;
}

/** An alert row with its budget's name. */
export interface CostAlertRow {
  id: string;
  budget_id: string;
  budget_name: string;
  period_start: string;
  threshold_percent: number;
  spent_usd: string;
  limit_usd: string;
  created_at: Date;
  delivered_at: Date | null;
  attempts: number;
  last_error: string | null;
}

const BUDGET_COLUMNS = `b.id, b.name, d.name AS deployment, b.scope::text AS scope, a.key AS asset_key, b.group_name, b.period::text AS period,
  b.limit_usd::text AS limit_usd, b.webhook_url, b.created_at`;

/** cost_budgets and cost_alerts for the API, through TenantDb (row-level security), filtered by organization. */
@Injectable()
export class CostBudgetsRepository {
  constructor(@Inject(TenantDb) private readonly db: TenantDb) {}

  /** Budgets of the organization (optionally of one deployment), by name. */
  list(orgId: string, deploymentId: string | null): Promise<CostBudgetRow[]> {
    return this.db.raw(orgId, async (c) =>
      (await c.query<CostBudgetRow>(
        `SELECT ${BUDGET_COLUMNS} FROM cost_budgets b JOIN deployments d ON d.id = b.deployment_id LEFT JOIN assets a ON a.id = b.asset_id
         WHERE b.org_id = $1 AND ($2::uuid IS NULL OR b.deployment_id = $2) ORDER BY b.name`,
        [orgId, deploymentId],
      )).rows,
    );
  }

  /** Inserts a budget; returns null when the name is taken in the organization. */
  create(
    orgId: string,
    b: { name: string; deploymentId: string; scope: string; assetId: string | null; groupName: string | null; period: string; limitUsd: string; webhookUrl: string; createdBy: string },
    /** Runs last in the same transaction (the audit event), only when the budget was inserted. */
    onCreated?: (client: pg.PoolClient, row: CostBudgetRow) => Promise<void>,
  ): Promise<CostBudgetRow | null> {
    return this.db.raw(orgId, async (c) => {
      const ins = await c.query<{ id: string }>(
        `INSERT INTO cost_budgets (id, org_id, deployment_id, name, scope, asset_id, group_name, period, limit_usd, webhook_url, created_by)
         VALUES (gen_random_uuid(), $1, $2, $3, $4::"CostBudgetScope", $5, $6, $7::"CostBudgetPeriod", $8::numeric, $9, $10)
         ON CONFLICT (org_id, name) DO NOTHING RETURNING id`,
        [orgId, b.deploymentId, b.name, b.scope, b.assetId, b.groupName, b.period, b.limitUsd, b.webhookUrl, b.createdBy],
      );
      if (ins.rowCount === 0) return null;
      const row = await c.query<CostBudgetRow>(
        `SELECT ${BUDGET_COLUMNS} FROM cost_budgets b JOIN deployments d ON d.id = b.deployment_id LEFT JOIN assets a ON a.id = b.asset_id WHERE b.id = $1`,
        [ins.rows[0]!.id],
      );
      const created = row.rows[0]!;
      if (onCreated) await onCreated(c, created);
      return created;
    });
  }

  /** Deletes a budget and its alerts; false when there is no such budget in the organization. */
  delete(orgId: string, id: string, onDeleted?: (client: pg.PoolClient, before: Record<string, unknown>) => Promise<void>): Promise<boolean> {
    return this.db.raw(orgId, async (c) => {
      await c.query('DELETE FROM cost_alerts WHERE org_id = $1 AND budget_id = $2', [orgId, id]);
      const deleted = await c.query<Record<string, unknown>>(
        `DELETE FROM cost_budgets WHERE org_id = $1 AND id = $2
         RETURNING name, deployment_id AS "deploymentId", scope::text AS scope, asset_id AS "assetId", group_name AS "group", period::text AS period, limit_usd::text AS "limitUsd"`,
        [orgId, id],
      );
      const before = deleted.rows[0];
      if (!before) return false;
      // Last: the audit event holds the organization's chain lock until commit.
      if (onDeleted) await onDeleted(c, before);
      return true;
    });
  }

  /** Newest alerts first. */
  alerts(orgId: string, limit: number): Promise<CostAlertRow[]> {
    return this.db.raw(orgId, async (c) =>
      (await c.query<CostAlertRow>(
        `SELECT al.id, al.budget_id, b.name AS budget_name, to_char(al.period_start, 'YYYY-MM-DD') AS period_start, al.threshold_percent,
                al.spent_usd::text AS spent_usd, al.limit_usd::text AS limit_usd, al.created_at, al.delivered_at, al.attempts, al.last_error
         FROM cost_alerts al JOIN cost_budgets b ON b.id = al.budget_id
         WHERE al.org_id = $1 ORDER BY al.created_at DESC, al.id LIMIT $2`,
        [orgId, limit],
      )).rows,
    );
  }
}

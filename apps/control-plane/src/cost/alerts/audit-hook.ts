import type pg from 'pg';
import { systemActor } from '../../audit/audit-actor';
import type { AuditLog } from '../../audit/audit-log.service';
import type { RaisedCostAlert } from './cost-budgets-evaluator';

/**
 * Records one raised budget alert in the audit log, inside the ingest
 * transaction that raised it (`client` has `gantry.org_id` = `orgId` set), so
 * the audit event commits or rolls back with the alert. Actor: the system
 * (`cost alerts`); action: `cost.budget_alert`; target: the budget
 * (`alert.budget_id`). Call it last in the transaction: the event holds the
 * organization's audit chain lock until commit.
 */
export async function recordCostAlertInAuditLog(audit: AuditLog, client: pg.PoolClient, orgId: string, alert: RaisedCostAlert): Promise<void> {
  await audit.record(
    {
      orgId,
      actor: systemActor('cost alerts'),
      action: 'cost.budget_alert',
      target: { type: 'cost_budget', id: alert.budget_id },
      after: { alertId: alert.id, periodStart: alert.period_start, thresholdPercent: alert.threshold_percent, spentUsd: alert.spent_usd, limitUsd: alert.limit_usd },
    },
    client,
  );
}

import type pg from 'pg';
import type { RaisedCostAlert } from './cost-budgets-evaluator';

/**
 * THE hook for the audit log (to be connected by the audit-log work): called
 * once per raised budget alert, inside the ingest transaction that raised it
 * (`client` has `gantry.org_id` = `orgId` set), so an audit event written here
 * commits or rolls back with the alert. Actor: the system (`cost-budgets`);
 * action: `cost.budget_alert`; target: the budget (`alert.budget_id`).
 *
 * Until the audit log exists this records nothing: the alert itself is kept
 * in `cost_alerts` (queryable as `costAlerts` in GraphQL).
 */
export async function recordCostAlertInAuditLog(client: pg.PoolClient, orgId: string, alert: RaisedCostAlert): Promise<void> {
  void client;
  void orgId;
  void alert;
  return Promise.resolve();
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type pg from 'pg';
import type { Logger } from 'pino';
import { PgPool } from '../../database/pg-pool';
import { TenantDb } from '../../database/tenant-db';
import { LOGGER } from '../../logging/logger';
import { slackAlertPayload, type CostAlertMessage } from './slack-payload';

/** Claimed alert with what the message needs. */
interface ClaimedAlert {
  id: string;
  attempts: number;
  webhook_url: string;
  name: string;
  scope: 'ASSET' | 'GROUP' | 'DEPLOYMENT';
  asset_key: string | null;
  group_name: string | null;
  deployment_name: string;
  period: 'DAY' | 'WEEK' | 'MONTH';
  period_start: string;
  threshold_percent: number;
  spent_usd: string;
  limit_usd: string;
}

/** Attempts before an alert is given up (kept with its last error). */
export const MAX_DELIVERY_ATTEMPTS = 8;
const CLAIM_LEASE_S = 30;
const WEBHOOK_TIMEOUT_MS = 5000;
const RETRY_EVERY_MS = 10_000;

/**
 * Claims due alerts of one organization: undelivered, due, not given up. The
 * claim pushes `next_attempt_at` one lease ahead, so another replica skips
 * them while this one posts (at-least-once delivery; the payload carries the
 * alert id for receivers that deduplicate).
 */
const CLAIM = `
UPDATE cost_alerts a SET attempts = a.attempts + 1, next_attempt_at = now() + interval '${CLAIM_LEASE_S} seconds'
FROM cost_budgets b, deployments d
WHERE a.id IN (
    SELECT id FROM cost_alerts
    WHERE org_id = $1 AND delivered_at IS NULL AND next_attempt_at <= now() AND attempts < ${MAX_DELIVERY_ATTEMPTS}
    ORDER BY created_at LIMIT 20 FOR UPDATE SKIP LOCKED)
  AND b.id = a.budget_id AND d.id = b.deployment_id
RETURNING a.id, a.attempts, b.webhook_url, b.name, b.scope, b.group_name, d.name AS deployment_name, b.period,
          to_char(a.period_start, 'YYYY-MM-DD') AS period_start, a.threshold_percent, a.spent_usd::text, a.limit_usd::text,
          (SELECT key FROM assets WHERE id = b.asset_id) AS asset_key`;

/**
 * Delivers budget alerts (an outbox in `cost_alerts`) to each budget's
 * webhook as a Slack-compatible JSON POST. Woken by {@link kick} after an
 * ingest transaction raised alerts; retries failures with backoff (every
 * 10 s sweep of organizations with pending alerts; at boot, a sweep of the
 * organizations with pending alerts, via gantry_cost_alert_organizations). A 2xx answer marks the alert delivered; anything else
 * records the error and schedules another attempt (30 s × 2^attempts),
 * up to {@link MAX_DELIVERY_ATTEMPTS}.
 */
@Injectable()
export class CostAlertDeliverer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log: Logger;
  private readonly pending = new Set<string>();
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    @Inject(TenantDb) private readonly tenantDb: TenantDb,
    @Inject(PgPool) private readonly pg: PgPool,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'cost-alerts' });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.drainSoon(), RETRY_EVERY_MS);
    this.timer.unref();
    // No organization is set here, so row-level security would hide every alert: a SECURITY DEFINER function names the organizations with pending ones.
    void this.pg.pool
      .query<{ org_id: string }>('SELECT org_id FROM gantry_cost_alert_organizations($1) AS org_id', [MAX_DELIVERY_ATTEMPTS])
      .then((r) => r.rows.forEach((o) => this.kick(o.org_id)))
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not list organizations for the alert sweep'));
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Delivers the due alerts of `orgId` soon (coalesced; never throws). */
  kick(orgId: string): void {
    this.pending.add(orgId);
    this.drainSoon();
  }

  /** Resolves once no delivery pass is running (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private drainSoon(): void {
    if (this.closed || this.pending.size === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.log.error({ err: error }, 'alert delivery pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.drainSoon();
        }
      });
  }

  private async drain(): Promise<void> {
    for (const orgId of [...this.pending]) {
      if (this.closed) return;
      const claimed = await this.tenantDb.raw(orgId, async (c) => (await c.query<ClaimedAlert>(CLAIM, [orgId])).rows);
      const left = await this.tenantDb.raw(orgId, async (c) => {
        for (const alert of claimed) await this.deliver(c, alert);
        const r = await c.query('SELECT 1 FROM cost_alerts WHERE org_id = $1 AND delivered_at IS NULL AND attempts < $2 LIMIT 1', [orgId, MAX_DELIVERY_ATTEMPTS]);
        return r.rowCount ?? 0;
      });
      if (left === 0) this.pending.delete(orgId);
    }
  }

  private async deliver(c: pg.PoolClient, a: ClaimedAlert): Promise<void> {
    const scopeLabel = a.scope === 'ASSET' ? `asset ${a.asset_key ?? '(deleted)'}` : a.scope === 'GROUP' ? `group ${a.group_name}` : `deployment ${a.deployment_name}`;
    const message: CostAlertMessage = {
      alertId: a.id,
      budgetName: a.name,
      scopeLabel: a.scope === 'DEPLOYMENT' ? scopeLabel : `${scopeLabel} (${a.deployment_name})`,
      period: a.period,
      periodStart: a.period_start,
      thresholdPercent: a.threshold_percent,
      spentUsd: a.spent_usd,
      limitUsd: a.limit_usd,
    };
    let error: string | undefined;
    try {
      const res = await fetch(a.webhook_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackAlertPayload(message)),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) error = `webhook answered HTTP ${res.status}`;
    } catch (e) {
      error = `webhook unreachable: ${(e as Error).message}`;
    }
    if (error === undefined) {
      await c.query('UPDATE cost_alerts SET delivered_at = now(), last_error = NULL WHERE id = $1', [a.id]);
      this.log.info({ alertId: a.id, budget: a.name, threshold: a.threshold_percent }, 'cost alert delivered');
    } else {
      const backoffS = 30 * 2 ** Math.min(a.attempts, 10);
      await c.query(`UPDATE cost_alerts SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`, [a.id, error, backoffS]);
      this.log.warn({ alertId: a.id, attempts: a.attempts, error }, 'cost alert delivery failed');
    }
  }
}

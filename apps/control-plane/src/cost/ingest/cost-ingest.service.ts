import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Logger } from 'pino';
import { fromNano, parseReportedCosts, type CostSourceName } from '@gantry/domain';
import { AuditLog } from '../../audit/audit-log.service';
import { TenantDb } from '../../database/tenant-db';
import type { PreparedEventBatch } from '../../ingest/event-batch';
import { LOGGER } from '../../logging/logger';
import { recordCostAlertInAuditLog } from '../alerts/audit-hook';
import { CostAlertDeliverer } from '../alerts/cost-alert-deliverer';
import { CostBudgetsEvaluator } from '../alerts/cost-budgets-evaluator';
import { attributionTargets, splitAmount } from './cost-attribution';
import { collectCostEvents, type UsageEvent } from './cost-events';
import { CostRecordsRepository, type CostAssetRow, type CostRunRow, type NewCostRecord } from './cost-records.repository';

/** A held run of the batch as the event store reports it. */
export interface StoredRun {
  run_id: string;
  expired: boolean;
}

/** The measured metrics of a usage event, split across the run's assets: [metric, source, unit, amount]. */
function usageMetrics(u: UsageEvent): Array<[string, CostSourceName, string, bigint]> {
  return [
    ['compute', 'PRICED', 'USD', u.usdNano],
    ['cpu_seconds', 'MEASURED', 'seconds', u.cpuSecondsNano],
    ['wall_seconds', 'MEASURED', 'seconds', u.wallSecondsNano],
    ['memory_gb_seconds', 'MEASURED', 'gb_seconds', u.memoryGbSecondsNano],
  ];
}

/**
 * Cost records on the ingest path. When a batch holds cost-bearing events
 * (RUN_RESOURCE_USAGE, or materializations with `gantry/` metadata), the
 * event insert and the cost derivation share one transaction (TenantDb.raw,
 * so row-level security applies): records (idempotent under replay), their
 * daily rollups, budget evaluation and raised alerts commit together with
 * the events or not at all. Alerts are delivered after the commit.
 *
 * Refused costs (malformed usage, asset outside the run's selection or not in
 * the catalog, reported entries breaking the convention) are logged here; the
 * agent reports convention breaches in the run itself as WARNING log events.
 */
@Injectable()
export class CostIngestService {
  private readonly log: Logger;

  constructor(
    @Inject(TenantDb) private readonly tenantDb: TenantDb,
    @Inject(CostRecordsRepository) private readonly records: CostRecordsRepository,
    @Inject(CostBudgetsEvaluator) private readonly budgets: CostBudgetsEvaluator,
    @Inject(CostAlertDeliverer) private readonly deliverer: CostAlertDeliverer,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'cost-ingest' });
  }

  /**
   * Runs `store` (the event insert) and derives the batch's costs in the same
   * transaction for the held, unexpired runs it returns. Errors: database
   * errors propagate (nothing is committed; the caller retries or the agent replays).
   */
  async storeWithCosts<T extends StoredRun>(batch: PreparedEventBatch, orgId: string, store: (client: pg.PoolClient) => Promise<T[]>): Promise<T[]> {
    let raised = 0;
    const held = await this.tenantDb.raw(orgId, async (client) => {
      const rows = await store(client);
      raised = await this.derive(client, orgId, batch, new Set(rows.filter((r) => !r.expired).map((r) => r.run_id)));
      return rows;
    });
    if (raised > 0) this.deliverer.kick(orgId);
    return held;
  }

  private async derive(client: pg.PoolClient, orgId: string, batch: PreparedEventBatch, runIds: ReadonlySet<string>): Promise<number> {
    const events = collectCostEvents(batch, runIds);
    const problems = [...events.problems];
    if (events.usage.length === 0 && events.reported.length === 0) {
      if (problems.length > 0) this.log.warn({ orgId, problems: problems.slice(0, 10) }, 'cost events refused');
      return 0;
    }
    const runList = [...new Set([...events.usage.map((u) => u.runId), ...events.reported.map((r) => r.runId)])];
    const runs = new Map((await this.records.runs(client, orgId, runList)).map((r) => [r.id, r]));
    const keys = new Set<string>(events.reported.map((r) => r.assetKey));
    for (const u of events.usage) for (const k of runs.get(u.runId)?.asset_keys ?? []) keys.add(k);
    const deployments = [...new Set([...runs.values()].map((r) => r.deployment_id))];
    const assets = await this.records.assets(client, orgId, deployments, [...keys]);
    const assetOf = (run: CostRunRow, key: string): CostAssetRow | undefined => assets.find((a) => a.deployment_id === run.deployment_id && a.key === key);

    const out: NewCostRecord[] = [];
    for (const r of events.reported) {
      const run = runs.get(r.runId);
      if (!run) continue;
      if (!run.asset_keys.includes(r.assetKey)) {
        problems.push({ runId: r.runId, seq: r.seq, problem: `reported cost for asset ${r.assetKey} outside the run's selection refused` });
        continue;
      }
      const asset = assetOf(run, r.assetKey);
      if (!asset) {
        problems.push({ runId: r.runId, seq: r.seq, problem: `reported cost for asset ${r.assetKey} unknown in the deployment refused` });
        continue;
      }
      const parsed = parseReportedCosts(r.metadata);
      for (const p of parsed.problems) problems.push({ runId: r.runId, seq: r.seq, problem: `reported cost ${p.key} refused: ${p.reason}` });
      for (const c of parsed.costs) {
        out.push({
          deploymentId: run.deployment_id,
          assetId: asset.id,
          runId: r.runId,
          eventSeq: r.seq,
          materializationSeq: r.seq,
          partitionKey: r.partitionKey ?? run.partition_key,
          source: 'REPORTED',
          metric: c.metric,
          unit: c.unit,
          amount: fromNano(c.amountNano),
          occurredAtMs: r.atMs,
        });
      }
    }

    if (events.usage.length > 0) {
      const bounds = new Map(events.usage.map((u) => [u.runId, u.seq]));
      const mats = await this.records.materializationsBefore(client, orgId, bounds);
      for (const u of events.usage) {
        const run = runs.get(u.runId);
        if (!run) continue;
        const selected = run.asset_keys.flatMap((k) => assetOf(run, k)?.id ?? []);
        const targets = attributionTargets(
          mats.filter((m) => m.run_id === u.runId).map((m) => ({ seq: m.event_seq, assetId: m.asset_id, partitionKey: m.partition_key, atMs: m.at_ms })),
          run.started_at_ms,
          selected,
          run.partition_key,
        );
        if (targets.length === 0) {
          problems.push({ runId: u.runId, seq: u.seq, problem: 'measured cost refused: the run has no asset to attribute it to' });
          continue;
        }
        for (const [metric, source, unit, total] of usageMetrics(u)) {
          splitAmount(total, targets).forEach((part, i) => {
            if (part === 0n) return;
            const t = targets[i]!;
            out.push({
              deploymentId: run.deployment_id,
              assetId: t.assetId,
              runId: u.runId,
              eventSeq: u.seq,
              materializationSeq: t.materializationSeq,
              partitionKey: t.partitionKey,
              source,
              metric,
              unit,
              amount: fromNano(part),
              occurredAtMs: u.atMs,
            });
          });
        }
      }
    }
    if (problems.length > 0) this.log.warn({ orgId, problems: problems.slice(0, 10), count: problems.length }, 'cost records refused');
    const touched = await this.records.insert(client, orgId, out);
    const alerts = await this.budgets.evaluate(client, orgId, touched);
    for (const alert of alerts) await recordCostAlertInAuditLog(this.audit, client, orgId, alert);
    return alerts.length;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { TenantDb } from '../../database/tenant-db';
import { CostDimension, type CostGrain } from './models/cost-enums';

/** A time window of whole UTC days: `from` inclusive, `to` exclusive (YYYY-MM-DD). */
export interface CostWindow {
  from: string;
  to: string;
}

/** Raw bucket row. */
export interface CostBucketRow {
  key: string;
  deployment: string | null;
  period_start: string;
  unit: string;
  amount: string;
  measured: string;
  priced: string;
  reported: string;
  records: number;
}

/** A row of {@link TOP_ASSETS_SQL}. */
export interface TopAssetRow {
  asset_key: string;
  deployment: string;
  group_name: string;
  amount: string;
}

/**
 * Top assets by total over a window, from the running totals: per asset,
 * cum(to - 1) - cum(from - 1), where a missing row means "before the asset's
 * first day" (0) or "after its last day" (its total). Touches one
 * cost_asset_totals row and at most two rollup rows per asset, whatever the
 * window's length. $1 org, $2 unit, $3 from (inclusive date), $4 to
 * (exclusive date), $5 limit, $6 deployment id or NULL. Exported for
 * bench/cost.bench.ts, which times it.
 */
export const TOP_ASSETS_SQL = `
SELECT a.key AS asset_key, d.name AS deployment, a.group_name, w.amount::text AS amount
FROM (SELECT t.asset_id, coalesce(e.cum_amount, t.total) - coalesce(s.cum_amount, 0) AS amount
      FROM cost_asset_totals t
      LEFT JOIN cost_daily_rollups e ON e.org_id = $1 AND e.unit = $2 AND e.day = $4::date - 1 AND e.asset_id = t.asset_id
      LEFT JOIN cost_daily_rollups s ON s.org_id = $1 AND s.unit = $2 AND s.day = $3::date - 1 AND s.asset_id = t.asset_id
      WHERE t.org_id = $1 AND t.unit = $2 AND t.first_day < $4::date AND t.last_day >= $3::date AND ($6::uuid IS NULL OR t.deployment_id = $6)
      ORDER BY amount DESC, t.asset_id LIMIT $5) w
JOIN assets a ON a.id = w.asset_id JOIN deployments d ON d.id = a.deployment_id
WHERE w.amount > 0
ORDER BY w.amount DESC, w.asset_id`;

/** Largest number of rows a breakdown returns. */
export const MAX_BUCKETS = 10_000;

const KEY: Record<CostDimension, { key: string; deployment: string; join: string }> = {
  [CostDimension.ASSET]: { key: 'a.key', deployment: 'd.name', join: 'JOIN assets a ON a.id = r.asset_id' },
  [CostDimension.GROUP]: { key: 'a.group_name', deployment: 'd.name', join: 'JOIN assets a ON a.id = r.asset_id' },
  [CostDimension.CODE_LOCATION]: { key: 'cl.name', deployment: 'd.name', join: 'JOIN assets a ON a.id = r.asset_id JOIN code_locations cl ON cl.id = a.code_location_id' },
  [CostDimension.DEPLOYMENT]: { key: 'd.name', deployment: 'NULL::text', join: '' },
  [CostDimension.ORGANIZATION]: { key: 'o.slug', deployment: 'NULL::text', join: 'JOIN organizations o ON o.id = r.org_id' },
};

/**
 * Read side of cost for the API. Totals over windows come from the daily
 * rollups (maintained at ingest, never recomputed per query); per
 * materialization and per partition views read the records of one asset
 * through its indexes. Every query runs in TenantDb.raw (row-level security)
 * and filters by organization.
 */
@Injectable()
export class CostQueriesRepository {
  constructor(@Inject(TenantDb) private readonly db: TenantDb) {}

  /** Totals per key and bucket of `grain`, ordered by bucket then key; at most MAX_BUCKETS + 1 rows (the caller refuses more). */
  breakdown(orgId: string, dimension: CostDimension, grain: CostGrain, w: CostWindow, unit: string, deploymentId: string | null, assetId: string | null): Promise<CostBucketRow[]> {
    const k = KEY[dimension];
    return this.db.raw(orgId, async (c) => {
      const res = await c.query<CostBucketRow>(
        `SELECT ${k.key} AS key, ${k.deployment} AS deployment, to_char(date_trunc($5, r.day), 'YYYY-MM-DD') AS period_start, r.unit,
                sum(r.amount)::text AS amount, sum(r.measured_amount)::text AS measured, sum(r.priced_amount)::text AS priced,
                sum(r.reported_amount)::text AS reported, sum(r.record_count)::int AS records
         FROM cost_daily_rollups r JOIN deployments d ON d.id = r.deployment_id ${k.join}
         WHERE r.org_id = $1 AND r.unit = $2 AND r.day >= $3::date AND r.day < $4::date
           AND ($6::uuid IS NULL OR r.deployment_id = $6) AND ($7::uuid IS NULL OR r.asset_id = $7)
         GROUP BY 1, 2, 3, 4 HAVING sum(r.record_count) > 0 ORDER BY 3, 1, 2 LIMIT ${MAX_BUCKETS + 1}`,
        [orgId, unit, w.from, w.to, grain.toLowerCase(), deploymentId, assetId],
      );
      return res.rows;
    });
  }

  /** The `limit` assets with the largest total in `unit` over the window (ties by asset id); the SQL is {@link TOP_ASSETS_SQL}. */
  topAssets(orgId: string, w: CostWindow, unit: string, limit: number, deploymentId: string | null) {
    return this.db.raw(orgId, async (c) => (await c.query<TopAssetRow>({ name: 'gantry_cost_top_assets', text: TOP_ASSETS_SQL, values: [orgId, unit, w.from, w.to, limit, deploymentId] })).rows);
  }

  /** The newest `limit` materializations of an asset with their cost records summed per unit and source. */
  perMaterialization(orgId: string, assetId: string, limit: number) {
    return this.db.raw(orgId, async (c) => {
      const res = await c.query<{ run_id: string; event_seq: number; partition_key: string | null; created_at: Date; unit: string | null; source: string | null; amount: string | null }>(
        `WITH m AS (
           SELECT id, run_id, event_seq, partition_key, created_at FROM materializations
           WHERE org_id = $1 AND asset_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3)
         SELECT m.run_id, m.event_seq, m.partition_key, m.created_at, c.unit, c.source::text AS source, sum(c.amount)::text AS amount
         FROM m LEFT JOIN cost_records c ON c.org_id = $1 AND c.run_id = m.run_id AND c.asset_id = $2 AND c.materialization_seq = m.event_seq
         GROUP BY m.id, m.run_id, m.event_seq, m.partition_key, m.created_at, c.unit, c.source
         ORDER BY m.created_at DESC, m.id DESC, c.unit, c.source`,
        [orgId, assetId, limit],
      );
      return res.rows;
    });
  }

  /** Totals per partition and unit of an asset, optionally within a window. */
  perPartition(orgId: string, assetId: string, w: CostWindow | null, unit: string | null) {
    return this.db.raw(orgId, async (c) => {
      const res = await c.query<{ partition_key: string | null; unit: string; amount: string; records: number }>(
        `SELECT partition_key, unit, sum(amount)::text AS amount, count(*)::int AS records FROM cost_records
         WHERE org_id = $1 AND asset_id = $2 AND ($3::date IS NULL OR occurred_at >= $3::date) AND ($4::date IS NULL OR occurred_at < $4::date)
           AND ($5::text IS NULL OR unit = $5)
         GROUP BY partition_key, unit ORDER BY partition_key NULLS FIRST, unit`,
        [orgId, assetId, w?.from ?? null, w?.to ?? null, unit],
      );
      return res.rows;
    });
  }
}

import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { CostSourceName } from '@gantry/domain';

/** One cost record to insert (amount as a NUMERIC(38, 9) decimal string). */
export interface NewCostRecord {
  deploymentId: string;
  assetId: string;
  runId: string;
  eventSeq: number;
  materializationSeq: number;
  partitionKey: string | null;
  source: CostSourceName;
  metric: string;
  unit: string;
  amount: string;
  occurredAtMs: number;
}

/** A run of the batch, as cost ingest needs it. */
export interface CostRunRow {
  id: string;
  deployment_id: string;
  partition_key: string | null;
  asset_keys: string[];
  started_at_ms: number | null;
}

/** An asset of the runs' deployments. */
export interface CostAssetRow {
  id: string;
  deployment_id: string;
  key: string;
}

/** A materialization of a run (for attribution). */
export interface CostMaterializationRow {
  run_id: string;
  event_seq: number;
  asset_id: string;
  partition_key: string | null;
  at_ms: number;
}

/** A (asset, UTC day, unit) rollup row the insert touched. */
export interface TouchedRollup {
  asset_id: string;
  deployment_id: string;
  day: string;
  unit: string;
}

/**
 * Inserts cost records (`ON CONFLICT … DO NOTHING`: a replayed event adds
 * nothing) and, in the same statement, adds exactly the inserted amounts to
 * the per asset × UTC day × unit rollups (a new rollup row starts with
 * cum_amount 0; {@link CUM_OUTSIDE} sets it). Returns the amount added per
 * (asset, unit, day).
 */
const INSERT_RECORDS = `
WITH input AS (
  SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int4[], $6::int4[], $7::text[], $8::"CostSource"[], $9::text[], $10::text[], $11::numeric[], $12::float8[])
    AS t(deployment_id, asset_id, run_id, event_seq, materialization_seq, partition_key, source, metric, unit, amount, ts_ms)
), ins AS (
  INSERT INTO cost_records (org_id, deployment_id, asset_id, run_id, event_seq, materialization_seq, partition_key, source, metric, unit, amount, occurred_at)
  SELECT $1::uuid, deployment_id, asset_id, run_id, event_seq, materialization_seq, partition_key, source, metric, unit, amount, to_timestamp(ts_ms / 1000.0)
  FROM input
  ON CONFLICT (run_id, event_seq, asset_id, metric, materialization_seq) DO NOTHING
  RETURNING deployment_id, asset_id, source, unit, amount, occurred_at
), agg AS (
  SELECT deployment_id, asset_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, unit,
         sum(amount) AS amount,
         coalesce(sum(amount) FILTER (WHERE source = 'MEASURED'), 0) AS measured,
         coalesce(sum(amount) FILTER (WHERE source = 'PRICED'), 0) AS priced,
         coalesce(sum(amount) FILTER (WHERE source = 'REPORTED'), 0) AS reported,
         count(*)::int AS n
  FROM ins GROUP BY 1, 2, 3, 4
), up AS (
  INSERT INTO cost_daily_rollups AS r (org_id, deployment_id, asset_id, day, unit, amount, measured_amount, priced_amount, reported_amount, record_count, updated_at)
  SELECT $1::uuid, deployment_id, asset_id, day, unit, amount, measured, priced, reported, n, now() FROM agg
  ORDER BY asset_id, day, unit
  ON CONFLICT (asset_id, day, unit) DO UPDATE SET
    amount = r.amount + EXCLUDED.amount,
    measured_amount = r.measured_amount + EXCLUDED.measured_amount,
    priced_amount = r.priced_amount + EXCLUDED.priced_amount,
    reported_amount = r.reported_amount + EXCLUDED.reported_amount,
    record_count = r.record_count + EXCLUDED.record_count,
    updated_at = now()
  RETURNING 1
)
SELECT asset_id, deployment_id, to_char(day, 'YYYY-MM-DD') AS day, unit, amount::text AS amount, (SELECT count(*) FROM up)::int AS upserted FROM agg`;

/** One (asset, unit) pair under a transaction-scoped advisory lock, taken in key order (no deadlock between batches). */
const LOCK_PAIRS = `
SELECT pg_advisory_xact_lock(k) FROM (
  SELECT DISTINCT hashtextextended(a::text || '/' || u, 7919) AS k FROM unnest($1::uuid[], $2::text[]) AS x(a, u) ORDER BY 1) s`;

/** Per-group parameters of the cumulative maintenance: $2..$10 group columns, $11..$14 per-day deltas. */
const GROUPS = `
  g AS (SELECT * FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::date[], $6::date[], $7::date[], $8::date[], $9::numeric[], $10::date[])
          AS g(asset_id, unit, deployment_id, lo, hi, old_first, old_last, old_total, dmin)),
  d AS (SELECT * FROM unnest($11::uuid[], $12::text[], $13::date[], $14::numeric[]) AS d(asset_id, unit, day, delta))`;

/**
 * Days of each (asset, unit) outside its previous [first, last] range: new
 * rows (or the ones INSERT_RECORDS just created) get the running total: 0 or
 * the previous total, plus the deltas up to that day.
 */
const CUM_OUTSIDE = `
WITH ${GROUPS},
days AS (
  SELECT g.*, s.day::date AS day FROM g CROSS JOIN LATERAL generate_series(g.lo::timestamp, g.hi::timestamp, interval '1 day') AS s(day)
  WHERE g.old_first IS NULL OR s.day < g.old_first OR s.day > g.old_last)
INSERT INTO cost_daily_rollups AS r (org_id, deployment_id, asset_id, day, unit, amount, cum_amount)
SELECT $1::uuid, x.deployment_id, x.asset_id, x.day, x.unit, 0,
       (CASE WHEN x.old_first IS NULL OR x.day < x.old_first THEN 0 ELSE x.old_total END)
       + coalesce((SELECT sum(d.delta) FROM d WHERE d.asset_id = x.asset_id AND d.unit = x.unit AND d.day <= x.day), 0)
FROM days x ORDER BY x.asset_id, x.day, x.unit
ON CONFLICT (asset_id, day, unit) DO UPDATE SET cum_amount = EXCLUDED.cum_amount`;

/** Days inside the previous range, from the earliest new day on: running total += the deltas up to that day. */
const CUM_INSIDE = `
WITH ${GROUPS},
x AS (
  SELECT g.asset_id, g.unit, s.day::date AS day,
         (SELECT coalesce(sum(d.delta), 0) FROM d WHERE d.asset_id = g.asset_id AND d.unit = g.unit AND d.day <= s.day::date) AS inc
  FROM g CROSS JOIN LATERAL generate_series(greatest(g.dmin, g.old_first)::timestamp, g.old_last::timestamp, interval '1 day') AS s(day)
  WHERE g.old_first IS NOT NULL)
UPDATE cost_daily_rollups r SET cum_amount = r.cum_amount + x.inc, updated_at = now()
FROM x WHERE r.org_id = $1::uuid AND r.asset_id = x.asset_id AND r.unit = x.unit AND r.day = x.day AND x.inc <> 0`;

/** The new first day, last day and total of each (asset, unit). */
const TOTALS = `
WITH ${GROUPS}
INSERT INTO cost_asset_totals AS t (org_id, deployment_id, asset_id, unit, first_day, last_day, total)
SELECT $1::uuid, g.deployment_id, g.asset_id, g.unit, g.lo, g.hi,
       coalesce(g.old_total, 0) + (SELECT coalesce(sum(d.delta), 0) FROM d WHERE d.asset_id = g.asset_id AND d.unit = g.unit)
FROM g ORDER BY g.asset_id, g.unit
ON CONFLICT (asset_id, unit) DO UPDATE SET first_day = EXCLUDED.first_day, last_day = EXCLUDED.last_day, total = EXCLUDED.total, updated_at = now()`;

/**
 * Cost tables on the ingest path. Every method runs on the caller's pg client,
 * inside the transaction that stores the batch (TenantDb.raw: `gantry.org_id`
 * is set, so row-level security applies), and filters by organization.
 */
@Injectable()
export class CostRecordsRepository {
  /** The runs (of `orgId`) with their deployment, partition, selection and start time. */
  async runs(client: pg.PoolClient, orgId: string, runIds: readonly string[]): Promise<CostRunRow[]> {
    const res = await client.query<CostRunRow>(
      `SELECT id, deployment_id, partition_key, asset_keys, (extract(epoch FROM started_at) * 1000)::float8 AS started_at_ms
       FROM runs WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, runIds],
    );
    return res.rows;
  }

  /** Assets of the given deployments with the given keys. */
  async assets(client: pg.PoolClient, orgId: string, deploymentIds: readonly string[], keys: readonly string[]): Promise<CostAssetRow[]> {
    const res = await client.query<CostAssetRow>(
      'SELECT id, deployment_id, key FROM assets WHERE org_id = $1 AND deployment_id = ANY($2::uuid[]) AND key = ANY($3::text[])',
      [orgId, deploymentIds, keys],
    );
    return res.rows;
  }

  /** Materializations of each run with an event seq below the run's bound (its usage event). */
  async materializationsBefore(client: pg.PoolClient, orgId: string, bounds: ReadonlyMap<string, number>): Promise<CostMaterializationRow[]> {
    const res = await client.query<CostMaterializationRow>(
      `SELECT m.run_id, m.event_seq, m.asset_id, m.partition_key, (extract(epoch FROM m.created_at) * 1000)::float8 AS at_ms
       FROM materializations m JOIN unnest($2::uuid[], $3::int4[]) AS b(run_id, before_seq) ON b.run_id = m.run_id
       WHERE m.org_id = $1 AND m.event_seq < b.before_seq
       ORDER BY m.run_id, m.event_seq`,
      [orgId, [...bounds.keys()], [...bounds.values()]],
    );
    return res.rows;
  }

  /**
   * Inserts records (idempotent) and maintains the rollups: the daily amounts
   * (same statement), then, under a per (asset, unit) advisory lock taken
   * before the insert, the running totals and per-asset totals. Returns the
   * (asset, day, unit) rollups that received an amount.
   */
  async insert(client: pg.PoolClient, orgId: string, records: readonly NewCostRecord[]): Promise<TouchedRollup[]> {
    if (records.length === 0) return [];
    await client.query({ name: 'gantry_cost_lock_pairs', text: LOCK_PAIRS, values: [records.map((r) => r.assetId), records.map((r) => r.unit)] });
    const col = <K extends keyof NewCostRecord>(k: K) => records.map((r) => r[k]);
    const res = await client.query<TouchedRollup & { amount: string }>({
      name: 'gantry_insert_cost_records',
      text: INSERT_RECORDS,
      values: [
        orgId,
        col('deploymentId'),
        col('assetId'),
        col('runId'),
        col('eventSeq'),
        col('materializationSeq'),
        col('partitionKey'),
        col('source'),
        col('metric'),
        col('unit'),
        col('amount'),
        col('occurredAtMs'),
      ],
    });
    const deltas = res.rows;
    if (deltas.length === 0) return [];
    await this.maintainRunningTotals(client, orgId, deltas);
    return deltas.map(({ asset_id, deployment_id, day, unit }) => ({ asset_id, deployment_id, day, unit }));
  }

  /** Running totals (gap-filled daily rows) and per-asset totals for the amounts just added; the caller holds the pair locks. */
  private async maintainRunningTotals(client: pg.PoolClient, orgId: string, deltas: ReadonlyArray<TouchedRollup & { amount: string }>): Promise<void> {
    const pairs = new Map<string, { asset_id: string; unit: string; deployment_id: string; dmin: string; dmax: string }>();
    for (const d of deltas) {
      const k = `${d.asset_id}/${d.unit}`;
      const p = pairs.get(k);
      if (!p) pairs.set(k, { asset_id: d.asset_id, unit: d.unit, deployment_id: d.deployment_id, dmin: d.day, dmax: d.day });
      else {
        if (d.day < p.dmin) p.dmin = d.day;
        if (d.day > p.dmax) p.dmax = d.day;
      }
    }
    const list = [...pairs.values()];
    const old = await client.query<{ asset_id: string; unit: string; first_day: string; last_day: string; total: string }>(
      `SELECT asset_id, unit, to_char(first_day, 'YYYY-MM-DD') AS first_day, to_char(last_day, 'YYYY-MM-DD') AS last_day, total::text AS total
       FROM cost_asset_totals t JOIN unnest($2::uuid[], $3::text[]) AS x(a, u) ON t.asset_id = x.a AND t.unit = x.u WHERE t.org_id = $1`,
      [orgId, list.map((p) => p.asset_id), list.map((p) => p.unit)],
    );
    const before = new Map(old.rows.map((r) => [`${r.asset_id}/${r.unit}`, r]));
    const g = list.map((p) => {
      const o = before.get(`${p.asset_id}/${p.unit}`);
      return {
        ...p,
        lo: o && o.first_day < p.dmin ? o.first_day : p.dmin,
        hi: o && o.last_day > p.dmax ? o.last_day : p.dmax,
        old_first: o?.first_day ?? null,
        old_last: o?.last_day ?? null,
        old_total: o?.total ?? null,
      };
    });
    const values = [
      orgId,
      g.map((x) => x.asset_id),
      g.map((x) => x.unit),
      g.map((x) => x.deployment_id),
      g.map((x) => x.lo),
      g.map((x) => x.hi),
      g.map((x) => x.old_first),
      g.map((x) => x.old_last),
      g.map((x) => x.old_total),
      g.map((x) => x.dmin),
      deltas.map((d) => d.asset_id),
      deltas.map((d) => d.unit),
      deltas.map((d) => d.day),
      deltas.map((d) => d.amount),
    ];
    await client.query({ name: 'gantry_cost_cum_outside', text: CUM_OUTSIDE, values });
    await client.query({ name: 'gantry_cost_cum_inside', text: CUM_INSIDE, values });
    await client.query({ name: 'gantry_cost_totals', text: TOTALS, values });
  }
}

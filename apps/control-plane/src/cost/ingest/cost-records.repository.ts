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
 * the per asset × UTC day × unit rollups. Returns the rollup rows touched.
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
)
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
RETURNING asset_id, deployment_id, to_char(day, 'YYYY-MM-DD') AS day, unit`;

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

  /** Inserts records (idempotent) and maintains the daily rollups in the same statement; returns the rollup rows touched. */
  async insert(client: pg.PoolClient, orgId: string, records: readonly NewCostRecord[]): Promise<TouchedRollup[]> {
    if (records.length === 0) return [];
    const col = <K extends keyof NewCostRecord>(k: K) => records.map((r) => r[k]);
    const res = await client.query<TouchedRollup>({
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
    return res.rows;
  }
}

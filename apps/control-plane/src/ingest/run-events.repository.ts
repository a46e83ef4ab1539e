import { Inject, Injectable } from '@nestjs/common';
import { hasCostEvents } from '../cost/ingest/cost-events';
import { CostIngestService } from '../cost/ingest/cost-ingest.service';
import { TenantDb } from '../database/tenant-db';
import { CHANNELS } from '../database/pg-listener';
import { LEASE_EXPIRED_REASON_PREFIX } from '../leases/leases.repository';
import type { PreparedEventBatch } from './event-batch';

/** A run of the batch that the storing agent holds. */
export interface HeldRunRow {
  run_id: string;
  /** The run was failed by the lease reaper: its events were not stored (but may be acked). */
  expired: boolean;
}

const TERMINAL = `('SUCCESS', 'FAILURE', 'CANCELED')`;
const RUN_END_TYPES = `('RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED')`;
const OBJECT_OR_EMPTY = (expr: string) => `CASE WHEN jsonb_typeof(${expr}) = 'object' THEN ${expr} ELSE '{}'::jsonb END`;

/**
 * The whole batch in ONE statement (so one implicit transaction and one round
 * trip): insert the events of runs held by the agent (`ON CONFLICT (run_id,
 * seq) DO NOTHING`: replays store nothing twice), derive from the newly
 * inserted rows only the materializations, check evaluations and run status
 * transitions (never out of a terminal status), NOTIFY `gantry_run_events`
 * per run that got new events, and return the held runs of the batch.
 *
 * $1..$8: event columns (run_id, seq, type, level, message, asset_key,
 * payload JSON text, timestamp ms); $9: distinct run ids; $10: agent id;
 * $11: organization id.
 */
const STORE_BATCH = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[])
    AS t(run_id, seq, type, level, message, asset_key, payload, ts_ms)
), held AS (
  SELECT r.id, r.org_id, r.deployment_id, r.partition_key,
         (r.status = 'FAILURE' AND coalesce(r.failure_reason, '') LIKE '${LEASE_EXPIRED_REASON_PREFIX}%') AS expired
  FROM runs r
  WHERE r.id = ANY($9::uuid[]) AND r.agent_id = $10 AND r.org_id = $11
), ins AS (
  INSERT INTO run_events (org_id, run_id, seq, type, level, message, asset_key, payload, timestamp)
  SELECT h.org_id, i.run_id, i.seq, i.type, i.level, i.message, i.asset_key, i.payload::jsonb, to_timestamp(i.ts_ms / 1000.0)
  FROM input i JOIN held h ON h.id = i.run_id AND NOT h.expired
  ON CONFLICT (run_id, seq) DO NOTHING
  RETURNING run_id, seq, type, message, asset_key, payload, timestamp
), mat AS (
  INSERT INTO materializations (id, org_id, deployment_id, asset_id, run_id, event_seq, partition_key, data_version, code_version, metadata, created_at)
  SELECT gen_random_uuid(), h.org_id, h.deployment_id, a.id, e.run_id, e.seq,
         coalesce(e.payload->>'partitionKey', h.partition_key), e.payload->>'dataVersion',
         coalesce(e.payload->>'codeVersion', a.code_version), ${OBJECT_OR_EMPTY(`e.payload->'metadata'`)}, e.timestamp
  FROM ins e
  JOIN held h ON h.id = e.run_id
  JOIN assets a ON a.deployment_id = h.deployment_id AND a.key = e.asset_key
  WHERE e.type = 'ASSET_MATERIALIZATION'
  ON CONFLICT (run_id, event_seq) DO NOTHING
), chk AS (
  INSERT INTO asset_check_evaluations (id, org_id, deployment_id, asset_id, check_name, run_id, event_seq, passed, severity, metadata, created_at)
  SELECT gen_random_uuid(), h.org_id, h.deployment_id, a.id, e.payload->>'checkName', e.run_id, e.seq,
         coalesce(e.payload->'passed' = 'true'::jsonb, false),
         (CASE WHEN e.payload->>'severity' = 'WARN' THEN 'WARN' ELSE 'ERROR' END)::"AssetCheckSeverity",
         ${OBJECT_OR_EMPTY(`e.payload->'metadata'`)}, e.timestamp
  FROM ins e
  JOIN held h ON h.id = e.run_id
  JOIN assets a ON a.deployment_id = h.deployment_id AND a.key = e.asset_key
  WHERE e.type = 'ASSET_CHECK_EVALUATION' AND e.payload->>'checkName' IS NOT NULL
  ON CONFLICT (run_id, event_seq) DO NOTHING
), transitions AS (
  SELECT run_id,
         min(timestamp) FILTER (WHERE type = 'RUN_STARTED') AS started_at,
         (array_agg(type ORDER BY seq DESC) FILTER (WHERE type IN ${RUN_END_TYPES}))[1] AS end_type,
         (array_agg(timestamp ORDER BY seq DESC) FILTER (WHERE type IN ${RUN_END_TYPES}))[1] AS ended_at,
         (array_agg(message ORDER BY seq DESC) FILTER (WHERE type IN ${RUN_END_TYPES}))[1] AS end_message
  FROM ins
  WHERE type IN ('RUN_STARTED', 'RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED')
  GROUP BY run_id
), upd AS (
  UPDATE runs r SET
    status = CASE t.end_type
               WHEN 'RUN_SUCCESS' THEN 'SUCCESS'::"RunStatus"
               WHEN 'RUN_FAILURE' THEN 'FAILURE'::"RunStatus"
               WHEN 'RUN_CANCELED' THEN 'CANCELED'::"RunStatus"
               ELSE CASE WHEN r.status = 'STARTING' THEN 'STARTED'::"RunStatus" ELSE r.status END
             END,
    started_at = coalesce(r.started_at, t.started_at),
    ended_at = CASE WHEN t.end_type IS NULL THEN r.ended_at ELSE t.ended_at END,
    failure_reason = CASE WHEN t.end_type = 'RUN_FAILURE' THEN coalesce(t.end_message, 'run failed') ELSE r.failure_reason END,
    lease_expires_at = CASE WHEN t.end_type IS NULL THEN r.lease_expires_at ELSE NULL END
  FROM transitions t
  WHERE r.id = t.run_id AND r.status NOT IN ${TERMINAL}
  RETURNING r.id
)
SELECT h.id AS run_id, h.expired,
       CASE WHEN EXISTS (SELECT 1 FROM ins WHERE ins.run_id = h.id)
            THEN pg_notify('${CHANNELS.runEvents}', json_build_object('runId', h.id)::text) END AS notified
FROM held h`;

/** PostgreSQL errors worth one more try: deadlock, serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);

/** Bulk storage of run events on the raw pg pool (the ingest hot path). */
@Injectable()
export class RunEventsRepository {
  constructor(
    @Inject(TenantDb) private readonly tenant: TenantDb,
    @Inject(CostIngestService) private readonly costs: CostIngestService,
  ) {}

  /**
   * Stores a prepared batch for `agentId` of `orgId` (see STORE_BATCH); only
   * runs the agent holds in that organization are touched. Returns those held
   * runs. Retries up to twice on deadlock or serialization failure. A batch
   * with cost-bearing events (RUN_RESOURCE_USAGE, `gantry/` cost metadata)
   * stores its events and derives its cost records in one transaction
   * (CostIngestService); other batches stay a single statement.
   */
  async storeBatch(batch: PreparedEventBatch, agentId: string, orgId: string): Promise<HeldRunRow[]> {
    const values = [
      batch.runIds,
      batch.seqs,
      batch.types,
      batch.levels,
      batch.messages,
      batch.assetKeys,
      batch.payloads,
      batch.timestampsMs,
      batch.distinctRunIds,
      agentId,
      orgId,
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        if (hasCostEvents(batch)) {
          // Same transaction as the events, organization set (TenantDb.raw inside storeWithCosts).
          return await this.costs.storeWithCosts(batch, orgId, async (client) => (await client.query<HeldRunRow>({ name: 'gantry_store_events', text: STORE_BATCH, values })).rows);
        }
        const res = await this.tenant.raw(orgId, (c) => c.query<HeldRunRow>({ name: 'gantry_store_events', text: STORE_BATCH, values }));
        return res.rows;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= 3 || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      }
    }
  }
}

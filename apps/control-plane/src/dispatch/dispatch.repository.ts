import { Inject, Injectable } from '@nestjs/common';
import { CHANNELS } from '../database/pg-listener';
import { TenantDb } from '../database/tenant-db';

/** A run just claimed for an agent, with the names the assignment needs. */
export interface ClaimedRunRow {
  id: string;
  deployment_name: string;
  /** Null only when the run names a code location that no longer exists. */
  code_location_name: string | null;
  code_location_version: number;
  asset_keys: string[] | null;
  partition_key: string | null;
  partition_range_start: string | null;
  partition_range_end: string | null;
  traceparent: string | null;
  tags: unknown;
  lease_expires_at: Date;
  /** Highest event seq stored for the run (0 when none). */
  stored_seq: number;
}

/** Who claims: the agent, its organization, the deployments (`null`: all of the organization's) and queues it serves. */
export interface Claimant {
  agentId: string;
  orgId: string;
  deploymentIds: ReadonlySet<string> | null;
  queues: ReadonlySet<string>;
}

// The columns RETURNING from the claim and the join that names deployment and
// code location, so a claim and everything the assignment needs is one round trip.
const CLAIMED = ['id', 'deployment_id', 'code_location_id', 'code_location_version', 'asset_keys', 'partition_key',
  'partition_range_start', 'partition_range_end', 'traceparent', 'tags', 'lease_expires_at', 'created_at'];
const SELECT_ASSIGNMENT = `
  SELECT c.id, d.name AS deployment_name, cl.name AS code_location_name, c.code_location_version, c.asset_keys,
         c.partition_key, c.partition_range_start, c.partition_range_end, c.traceparent, c.tags, c.lease_expires_at,
         coalesce((SELECT max(e.seq) FROM run_events e WHERE e.run_id = c.id), 0)::int AS stored_seq
  FROM claimed c
  JOIN deployments d ON d.id = c.deployment_id
  LEFT JOIN code_locations cl ON cl.id = c.code_location_id`;

const CLAIM_ONE = (deploymentFilter: string) => `
  WITH claimed AS (
    UPDATE runs SET status = 'STARTING', agent_id = $2, lease_expires_at = now() + $3 * interval '1 millisecond'
    -- "(org_id = $4) IS TRUE" (and the deployment filter's IS TRUE) are scope checks written so they cannot
    -- drive the plan: with young statistics the planner otherwise claims through
    -- the (org_id, created_at) index and filters every run of the organization
    -- by id (measured: 2 ms per claim at 3,000 runs); the primary key must win.
    WHERE id = $1 AND status = 'QUEUED' AND (org_id = $4) IS TRUE AND (queue = ANY($5::text[])) IS TRUE ${deploymentFilter}
    RETURNING ${CLAIMED.join(', ')}
  )${SELECT_ASSIGNMENT}`;

const CLAIM_OLDEST = (deploymentFilter: string) => `
  WITH picked AS (
    SELECT id FROM runs
    WHERE org_id = $4 AND status = 'QUEUED' AND queue = ANY($5::text[]) ${deploymentFilter}
    ORDER BY created_at, id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE runs r SET status = 'STARTING', agent_id = $2, lease_expires_at = now() + $3 * interval '1 millisecond'
    FROM picked WHERE r.id = picked.id
    RETURNING ${CLAIMED.map((c) => `r.${c}`).join(', ')}
  )${SELECT_ASSIGNMENT}
  ORDER BY c.created_at, c.id`;

const SQL = {
  claimOneScoped: CLAIM_ONE('AND (deployment_id = ANY($6::uuid[])) IS TRUE'),
  claimOneOrgWide: CLAIM_ONE(''),
  claimOldestScoped: CLAIM_OLDEST('AND deployment_id = ANY($6::uuid[])'),
  claimOldestOrgWide: CLAIM_OLDEST(''),
  requeue: `
    WITH requeued AS (
      UPDATE runs SET status = 'QUEUED', agent_id = NULL, lease_expires_at = NULL
      WHERE id = $1 AND agent_id = $2 AND status = 'STARTING'
      RETURNING id, deployment_id, org_id, queue
    )
    SELECT pg_notify('${CHANNELS.runQueued}', json_build_object('runId', id, 'deploymentId', deployment_id, 'orgId', org_id, 'queue', queue)::text) FROM requeued`,
};

/**
 * The dispatch claims, on the raw pg pool (hot path). Every claim is one
 * statement guarded by `status = 'QUEUED'`, so among replicas and agents
 * racing for a run exactly one wins; it is also scoped to the claimant's
 * organization (in the statement and by row-level security) and deployments,
 * so a run never crosses tenants.
 */
@Injectable()
export class DispatchRepository {
  constructor(@Inject(TenantDb) private readonly db: TenantDb) {}

  /** Claims run `runId` if it is still QUEUED and the claimant may serve it; undefined otherwise. */
  async claimRun(runId: string, who: Claimant, leaseTtlMs: number): Promise<ClaimedRunRow | undefined> {
    const scope = who.deploymentIds;
    const scoped = scope !== null;
    const values: unknown[] = [runId, who.agentId, leaseTtlMs, who.orgId, [...who.queues]];
    if (scope !== null) values.push([...scope]);
    const res = await this.db.raw(who.orgId, (c) =>
      c.query<ClaimedRunRow>({
        name: scoped ? 'gantry_claim_run_scoped' : 'gantry_claim_run_org',
        text: scoped ? SQL.claimOneScoped : SQL.claimOneOrgWide,
        values,
      }),
    );
    return res.rows[0];
  }

  /** Claims up to `limit` of the oldest QUEUED runs the claimant may serve, skipping rows other claims hold. */
  async claimOldest(limit: number, who: Claimant, leaseTtlMs: number): Promise<ClaimedRunRow[]> {
    const scope = who.deploymentIds;
    const scoped = scope !== null;
    const values: unknown[] = [limit, who.agentId, leaseTtlMs, who.orgId, [...who.queues]];
    if (scope !== null) values.push([...scope]);
    const res = await this.db.raw(who.orgId, (c) =>
      c.query<ClaimedRunRow>({
        name: scoped ? 'gantry_claim_oldest_scoped' : 'gantry_claim_oldest_org',
        text: scoped ? SQL.claimOldestScoped : SQL.claimOldestOrgWide,
        values,
      }),
    );
    return res.rows;
  }

  /**
   * Puts a claimed run that could not be delivered (its stream closed first)
   * back to QUEUED and announces it again on `gantry_run_queued`.
   */
  async requeue(orgId: string, runId: string, agentId: string): Promise<boolean> {
    const res = await this.db.raw(orgId, (c) => c.query(SQL.requeue, [runId, agentId]));
    return (res.rowCount ?? 0) > 0;
  }
}

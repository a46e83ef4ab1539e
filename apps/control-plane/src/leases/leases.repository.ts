import { Inject, Injectable } from '@nestjs/common';
import { PgPool } from '../database/pg-pool';
import { TenantDb } from '../database/tenant-db';
import { CHANNELS } from '../database/pg-listener';

/** Prefix of `runs.failure_reason` for runs the reaper failed; ingest recognizes such runs by it. */
export const LEASE_EXPIRED_REASON_PREFIX = 'lease expired:';

/** Result of renewing the leases an agent claims to hold. */
export interface LeaseRenewal {
  /** False when the session's agent token was revoked or expired meanwhile. */
  tokenValid: boolean;
  /** Runs whose lease was extended. */
  renewed: Set<string>;
  /**
   * Runs of this agent that already ended through its own events (SUCCESS,
   * FAILURE, CANCELED, not by lease expiry): nothing to revoke, the agent is
   * only finishing up (late events are still stored and acked).
   */
  finished: Set<string>;
}

/** A run the reaper failed. */
export interface ExpiredLease {
  runId: string;
  agentId: string;
  reason: string;
}

const ACTIVE = `('STARTING', 'STARTED', 'CANCELING')`;

const SQL = {
  renew: `
    WITH renewed AS (
      UPDATE runs SET lease_expires_at = now() + $4 * interval '1 millisecond'
      WHERE id = ANY($1::uuid[]) AND agent_id = $2 AND org_id = $3 AND status IN ${ACTIVE}
      RETURNING id
    ), touched AS (
      UPDATE agents SET last_heartbeat_at = now() WHERE id = $2 AND org_id = $3 RETURNING id
    )
    SELECT
      EXISTS (SELECT 1 FROM agent_tokens t WHERE t.id = $5 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())) AS token_valid,
      coalesce((SELECT array_agg(id) FROM renewed), '{}')::text[] AS renewed,
      coalesce((SELECT array_agg(r.id) FROM runs r
                WHERE r.id = ANY($1::uuid[]) AND r.agent_id = $2 AND r.org_id = $3
                  AND r.status IN ('SUCCESS', 'FAILURE', 'CANCELED')
                  AND NOT (r.status = 'FAILURE' AND coalesce(r.failure_reason, '') LIKE '${LEASE_EXPIRED_REASON_PREFIX}%')), '{}')::text[] AS finished,
      (SELECT count(*) FROM touched)::int AS touched`,
  // Candidates come from gantry_expired_leases (across organizations); the
  // update re-checks them inside one organization's transaction.
  reap: `
    WITH expired AS (
      UPDATE runs r SET status = 'FAILURE', ended_at = now(),
        failure_reason = '${LEASE_EXPIRED_REASON_PREFIX} agent ' || coalesce((SELECT a.name FROM agents a WHERE a.id = r.agent_id), r.agent_id::text)
                         || ' stopped heartbeating (lease ' || $1::text || ' ms)'
      WHERE r.id = ANY($2::uuid[]) AND r.status IN ${ACTIVE} AND r.lease_expires_at < now()
      RETURNING r.id, r.agent_id, r.failure_reason
    )
    SELECT id AS "runId", agent_id AS "agentId", failure_reason AS reason,
           pg_notify('${CHANNELS.runEvents}', json_build_object('runId', id)::text)
    FROM expired`,
};

/** Expired leases handled per reaper sweep and organization; the next sweep takes the rest. */
const REAP_BATCH = 500;

/** Lease renewal and expiry, on the raw pg pool (called per heartbeat and by the reaper). */
@Injectable()
export class LeasesRepository {
  constructor(
    @Inject(PgPool) private readonly pg: PgPool,
    @Inject(TenantDb) private readonly tenant: TenantDb,
  ) {}

  /**
   * Extends by `leaseTtlMs` the lease of each run in `runIds` still held by
   * the agent (status STARTING/STARTED/CANCELING), records the heartbeat on
   * the agent and re-checks its token, in one statement.
   */
  async renew(args: { agentId: string; orgId: string; tokenId: string; runIds: readonly string[]; leaseTtlMs: number }): Promise<LeaseRenewal> {
    const res = await this.tenant.raw(args.orgId, (c) =>
      c.query<{ token_valid: boolean; renewed: string[]; finished: string[] }>({
        name: 'gantry_renew_leases',
        text: SQL.renew,
        values: [[...args.runIds], args.agentId, args.orgId, args.leaseTtlMs, args.tokenId],
      }),
    );
    const row = res.rows[0];
    return { tokenValid: row?.token_valid ?? false, renewed: new Set(row?.renewed ?? []), finished: new Set(row?.finished ?? []) };
  }

  /**
   * Fails every active run whose lease expired: status FAILURE, `ended_at`,
   * failure_reason "lease expired: agent <name> stopped heartbeating (lease <ttl> ms)",
   * and NOTIFY gantry_run_events per run, in one statement per organization
   * (the candidates come from the SECURITY DEFINER function
   * `gantry_expired_leases`, the only cross-tenant read). Safe to run on every
   * replica at once.
   */
  async reapExpired(leaseTtlMs: number): Promise<ExpiredLease[]> {
    const candidates = await this.pg.pool.query<{ run_id: string; org_id: string }>('SELECT run_id, org_id FROM gantry_expired_leases($1)', [REAP_BATCH]);
    const byOrg = new Map<string, string[]>();
    for (const c of candidates.rows) byOrg.set(c.org_id, [...(byOrg.get(c.org_id) ?? []), c.run_id]);
    const reaped: ExpiredLease[] = [];
    for (const [orgId, runIds] of byOrg) {
      const res = await this.tenant.raw(orgId, (c) => c.query<ExpiredLease>({ name: 'gantry_reap_leases', text: SQL.reap, values: [String(leaseTtlMs), runIds] }));
      reaped.push(...res.rows);
    }
    return reaped;
  }
}

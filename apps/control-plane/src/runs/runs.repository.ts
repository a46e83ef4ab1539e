import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, RunModel } from '@gantry/db';
import type { RunStatus } from '@gantry/domain';
import { CHANNELS } from '../database/pg-listener';
import { TenantDb } from '../database/tenant-db';
import type { TimeIdCursor } from '../api/pagination/cursor';

// One statement (a single implicit transaction): the notifications go out exactly when the row commits.
const INSERT_QUEUED = `
  WITH created AS (
    INSERT INTO runs (id, org_id, deployment_id, code_location_id, code_location_version, status, asset_keys,
                      partition_key, partition_range_start, partition_range_end, tags, traceparent, launched_by)
    VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, 'QUEUED', $6::text[], $7, $8, $9, $10::jsonb, $11, $12)
    RETURNING id, org_id, deployment_id, queue, created_at
  )
  SELECT created_at, queue,
         pg_notify('${CHANNELS.runQueued}', json_build_object('runId', id, 'deploymentId', deployment_id, 'orgId', org_id, 'queue', queue)::text)::text AS queued,
         pg_notify('${CHANNELS.runEvents}', json_build_object('runId', id)::text)::text AS events
  FROM created`;

/** A run event as stored, without the surrogate id. */
export interface RunEventRow {
  runId: string;
  seq: number;
  type: string;
  level: string | null;
  message: string | null;
  assetKey: string | null;
  payload: Prisma.JsonValue;
  timestamp: Date;
}

/** Filters of {@link RunsRepository.list}. */
export interface RunFilter {
  deploymentId: string;
  statuses?: readonly RunStatus[] | null;
  /** Runs whose selection contains this asset key. */
  assetKey?: string | null;
}

/** Columns of a new QUEUED run. */
export interface NewRun {
  deploymentId: string;
  codeLocationId: string;
  codeLocationVersion: number;
  assetKeys: string[];
  partitionKey: string | null;
  partitionRangeStart: string | null;
  partitionRangeEnd: string | null;
  tags: Record<string, string>;
  traceparent: string | null;
  launchedBy: string;
}

/** What a cancel does to a run in a given status; decided by the service (see `planCancel`). */
export type CancelStep =
  | { kind: 'set'; status: 'CANCELED' | 'CANCELING'; notifyAgent: boolean }
  | { kind: 'renotify' }
  | { kind: 'refuse' };

/** Result of {@link RunsRepository.cancel}. */
export type CancelOutcome = { kind: 'not_found' } | { kind: 'refused'; status: RunStatus } | { kind: 'done'; run: RunModel };

/** One page request of events of one run (for the batched loader). */
export interface EventsPageKey {
  runId: string;
  afterSeq: number;
  limit: number;
}

/**
 * `runs` and `run_events`. Every method takes the organization. Writes that
 * other processes react to (queued, cancel, status) send their NOTIFY inside
 * the same transaction, so listeners wake exactly when the row is committed.
 */
@Injectable()
export class RunsRepository {
  constructor(@Inject(TenantDb) private readonly tenant: TenantDb) {}

  findById(orgId: string, id: string): Promise<RunModel | null> {
    return this.tenant.forOrg(orgId).run.findFirst({ where: { id, orgId } });
  }

  /** Runs newest first, strictly after `after`; `limit` rows at most. */
  list(orgId: string, filter: RunFilter, limit: number, after: TimeIdCursor | null): Promise<RunModel[]> {
    return this.tenant.forOrg(orgId).run.findMany({
      where: {
        orgId,
        deploymentId: filter.deploymentId,
        ...(filter.statuses?.length ? { status: { in: [...filter.statuses] } } : {}),
        ...(filter.assetKey ? { assetKeys: { has: filter.assetKey } } : {}),
        ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  /** Events of one run with `seq > afterSeq`, in seq order, at most `limit`. */
  async eventsAfter(orgId: string, runId: string, afterSeq: number, limit: number): Promise<RunEventRow[]> {
    const rows = await this.tenant.forOrg(orgId).runEvent.findMany({
      where: { orgId, runId, seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      take: limit,
      select: { runId: true, seq: true, type: true, level: true, message: true, assetKey: true, payload: true, timestamp: true },
    });
    return rows;
  }

  /** Several event pages (of several runs) in one statement: `result[i]` answers `keys[i]`. */
  async eventsPages(orgId: string, keys: readonly EventsPageKey[]): Promise<RunEventRow[][]> {
    const rows = await this.tenant.tx(orgId, (tx) => tx.$queryRaw<(RawEventRow & { i: bigint })[]>`
      SELECT k.i, e.run_id, e.seq, e.type, e.level, e.message, e.asset_key, e.payload, e.timestamp
      FROM unnest(${keys.map((k) => k.runId)}::uuid[], ${keys.map((k) => k.afterSeq)}::int[], ${keys.map((k) => k.limit)}::int[])
        WITH ORDINALITY AS k(run_id, after_seq, lim, i)
      CROSS JOIN LATERAL (
        SELECT * FROM run_events r
        WHERE r.org_id = ${orgId}::uuid AND r.run_id = k.run_id AND r.seq > k.after_seq
        ORDER BY r.seq LIMIT k.lim
      ) e
      ORDER BY k.i, e.seq`);
    const pages: RunEventRow[][] = keys.map(() => []);
    for (const row of rows) pages[Number(row.i) - 1]?.push(eventFromRaw(row));
    return pages;
  }

  /**
   * Inserts a QUEUED run and notifies `gantry_run_queued` `{runId, deploymentId, orgId, queue}`
   * and `gantry_run_events` `{runId}`, in ONE statement (inside the tenant
   * transaction: the notifications are delivered exactly when the row commits).
   * One statement instead of an interactive Prisma transaction keeps the
   * launch cheap for the replica that also dispatches; so does the raw pool
   * (Prisma's per-statement CPU competes with the dispatch claim that this
   * very commit wakes).
   */
  async insertQueued(orgId: string, run: NewRun): Promise<RunModel> {
    const id = randomUUID();
    const res = await this.tenant.raw(orgId, (c) =>
      c.query<{ created_at: Date; queue: string }>({
        name: 'gantry_insert_queued_run',
        text: INSERT_QUEUED,
        values: [id, orgId, run.deploymentId, run.codeLocationId, run.codeLocationVersion, run.assetKeys, run.partitionKey,
          run.partitionRangeStart, run.partitionRangeEnd, JSON.stringify(run.tags), run.traceparent, run.launchedBy],
      }),
    );
    const rows = res.rows;
    return {
      id,
      orgId,
      ...run,
      status: 'QUEUED',
      queue: rows[0]!.queue,
      agentId: null,
      leaseExpiresAt: null,
      failureReason: null,
      createdAt: rows[0]!.created_at,
      startedAt: null,
      endedAt: null,
    };
  }

  /**
   * Locks the run (`FOR UPDATE`), asks `plan` what to do for its current
   * status and does it in one transaction: set the status (CANCELED sets
   * `ended_at`), notify `gantry_run_cancel` `{runId, agentId}` when the agent
   * must stop it, and `gantry_run_events` `{runId}`.
   */
  cancel(orgId: string, runId: string, plan: (status: RunStatus) => CancelStep): Promise<CancelOutcome> {
    return this.tenant.tx(orgId, async (tx): Promise<CancelOutcome> => {
      const [locked] = await tx.$queryRaw<{ status: RunStatus; agent_id: string | null }[]>`
        SELECT status::text AS status, agent_id FROM runs WHERE id = ${runId}::uuid AND org_id = ${orgId}::uuid FOR UPDATE`;
      if (!locked) return { kind: 'not_found' };
      const step = plan(locked.status);
      if (step.kind === 'refuse') return { kind: 'refused', status: locked.status };
      const notifyAgent = step.kind === 'renotify' || step.notifyAgent;
      const run =
        step.kind === 'set'
          ? await tx.run.update({ where: { id: runId }, data: { status: step.status, ...(step.status === 'CANCELED' ? { endedAt: new Date() } : {}) } })
          : await tx.run.findUniqueOrThrow({ where: { id: runId } });
      if (notifyAgent) await tx.$executeRaw`SELECT pg_notify(${CHANNELS.runCancel}, ${JSON.stringify({ runId, agentId: locked.agent_id })})`;
      await tx.$executeRaw`SELECT pg_notify(${CHANNELS.runEvents}, ${JSON.stringify({ runId })})`;
      return { kind: 'done', run };
    });
  }
}

interface RawEventRow {
  run_id: string;
  seq: number;
  type: string;
  level: string | null;
  message: string | null;
  asset_key: string | null;
  payload: Prisma.JsonValue;
  timestamp: Date;
}

function eventFromRaw(r: RawEventRow): RunEventRow {
  return { runId: r.run_id, seq: r.seq, type: r.type, level: r.level, message: r.message, assetKey: r.asset_key, payload: r.payload, timestamp: r.timestamp };
}

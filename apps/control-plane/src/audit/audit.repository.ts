import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_COLUMNS, auditRecordFromRow, pgExecutor, verifyAuditChain, type AuditChainVerification, type AuditRecord } from '@gantry/db';
import { PgPool } from '../database/pg-pool';
import { TenantDb } from '../database/tenant-db';
import type { AuditFilter } from './audit-filter';

/**
 * Reads of `audit_events` (writes go through AuditLog). Every method takes the
 * organization and runs in a TenantDb transaction with it set.
 */
@Injectable()
export class AuditRepository {
  constructor(
    @Inject(TenantDb) private readonly db: TenantDb,
    @Inject(PgPool) private readonly pg: PgPool,
  ) {}

  /** Up to `limit` events of `orgId` matching `filter` with `seq < beforeSeq` (all when undefined), newest (highest seq) first. */
  list(orgId: string, filter: AuditFilter, page: { beforeSeq?: number; limit: number }): Promise<AuditRecord[]> {
    const where = ['org_id = $1::uuid'];
    const values: unknown[] = [orgId];
    const add = (sql: string, value: unknown): void => {
      values.push(value);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.actorKind) add('actor_kind = ?', filter.actorKind);
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.action) add('action = ?', filter.action);
    if (filter.actionPrefix) add("starts_with(action, ?)", filter.actionPrefix);
    if (filter.targetType) add('target_type = ?', filter.targetType);
    if (filter.targetId) add('target_id = ?', filter.targetId);
    if (filter.from) add('occurred_at >= ?::timestamptz', filter.from.toISOString());
    if (filter.to) add('occurred_at < ?::timestamptz', filter.to.toISOString());
    if (page.beforeSeq !== undefined) add('seq < ?::bigint', String(page.beforeSeq));
    values.push(page.limit);
    const sql = `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE ${where.join(' AND ')} ORDER BY audit_events.seq DESC LIMIT $${values.length}`;
    return this.db.raw(orgId, async (client) => (await client.query(sql, values)).rows.map((r: Record<string, unknown>) => auditRecordFromRow(r)));
  }

  /**
   * Verifies the chain of `orgId` (see verifyAuditChain in @gantry/db) in one
   * REPEATABLE READ snapshot, so retention or appends committing while the
   * batches are read cannot look like a gap.
   */
  async verify(orgId: string): Promise<AuditChainVerification> {
    return this.db.raw(orgId, (client) => verifyAuditChain(pgExecutor(client), orgId), { snapshot: true });
  }

  /**
   * Applies every organization's retention (`gantry_audit_apply_retention`,
   * SECURITY DEFINER: the service's role cannot delete audit events itself).
   * Returns the events deleted per organization id.
   */
  async applyRetention(orgId?: string): Promise<Map<string, number>> {
    const { rows } = await this.pg.pool.query<{ org_id: string; deleted: string }>('SELECT org_id, deleted::text AS deleted FROM gantry_audit_apply_retention($1::uuid)', [orgId ?? null]);
    return new Map(rows.map((r) => [r.org_id, Number(r.deleted)]));
  }
}

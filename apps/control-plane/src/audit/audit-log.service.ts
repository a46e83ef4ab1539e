import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { appendAuditEvent, pgExecutor, type AuditEventInput, type AuditRecord, type SqlExecutor } from '@gantry/db';
import { TenantDb, type TenantTx } from '../database/tenant-db';
import { currentAuditScope } from './audit-scope';

/** An open transaction to record in: a pg client inside BEGIN (e.g. from `TenantDb.raw`) or a Prisma transaction (`TenantDb.tx`). */
export type AuditTx = pg.ClientBase | pg.PoolClient | TenantTx;

function isPgClient(tx: AuditTx): tx is pg.ClientBase {
  return typeof (tx as { query?: unknown }).query === 'function';
}

/** A {@link SqlExecutor} over a pg client or a Prisma transaction client. */
export function executorOf(tx: AuditTx): SqlExecutor {
  if (isPgClient(tx)) return pgExecutor(tx);
  return (text, values) => tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
}

/**
 * Writes audit events: each one appended to its organization's hash chain
 * (`audit_events`, see libs/db/src/audit-chain.ts for the hash construction).
 *
 * Usage:
 * ```ts
 * await db.tx(auth.orgId, async (tx) => {
 *   const before = …; const after = await tx.apiToken.update(…);
 *   await audit.record({ ...auditWho(auth, origin), action: 'api_token.revoke',
 *     target: { type: 'api_token', id }, before, after }, tx);   // last: it holds the chain lock to commit
 * });
 * ```
 * Within a GraphQL mutation, recording marks the mutation as audited, so the
 * mutation interceptor does not add its generic `graphql.<field>` event.
 */
@Injectable()
export class AuditLog {
  constructor(@Inject(TenantDb) private readonly db: TenantDb) {}

  /**
   * Appends `event` to the chain of `event.orgId`. With `tx`, inside that
   * transaction (which must have `gantry.org_id` = `event.orgId`, as
   * `TenantDb.tx`/`raw` set it): the event commits or rolls back with the
   * audited change, and the chain's per-organization lock is held until that
   * transaction ends, so record last. Without `tx`, in a transaction of its
   * own. Returns the stored record (seq, hash).
   * Errors: InvalidAuditEventError (from @gantry/db) naming the bad field; database errors.
   */
  async record(event: AuditEventInput, tx?: AuditTx): Promise<AuditRecord> {
    const scope = currentAuditScope();
    const stored = tx ? await appendAuditEvent(executorOf(tx), event) : await this.db.raw(event.orgId, (client) => appendAuditEvent(pgExecutor(client), event));
    if (scope) scope.recorded++;
    return stored;
  }
}

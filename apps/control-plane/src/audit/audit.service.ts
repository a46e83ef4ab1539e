import { Inject, Injectable } from '@nestjs/common';
import type { AuditChainVerification, AuditRecord } from '@gantry/db';
import { toConnection, type ConnectionShape } from '../api/pagination/connection';
import { pageSize } from '../api/pagination/cursor';
import type { AuthContext } from '../auth/auth-context';
import { decodeAuditCursor, encodeAuditCursor, parseAuditFilter, type AuditFilter, type AuditFilterArgs } from './audit-filter';
import { toAuditEvent } from './audit.mappers';
import { AuditRepository } from './audit.repository';
import type { AuditEvent } from './models/audit-event.model';

/** Rows per statement when exporting. */
export const EXPORT_BATCH_SIZE = 500;

/** Reading the audit log: the paginated list, verification and exports, always in the caller's organization. */
@Injectable()
export class AuditService {
  constructor(@Inject(AuditRepository) private readonly repo: AuditRepository) {}

  /**
   * A page of the caller's organization's events matching `filter`, newest
   * first; `after` is an `endCursor` of this list.
   * Errors: InvalidArgumentError (filter, `first` outside 1..100), InvalidCursorError.
   */
  async list(auth: AuthContext, args: { filter?: AuditFilterArgs | null; first: number; after?: string | null }): Promise<ConnectionShape<AuditEvent>> {
    // Permission (Admin on the organization): rbac/permissions.ts, checked by the guard.
    const limit = pageSize(args.first);
    const filter = parseAuditFilter(args.filter);
    const beforeSeq = args.after ? decodeAuditCursor(args.after) : undefined;
    const rows = await this.repo.list(auth.orgId, filter, { limit: limit + 1, ...(beforeSeq !== undefined && { beforeSeq }) });
    return toConnection(rows, limit, (r) => encodeAuditCursor(r.seq), toAuditEvent);
  }

  /** Verifies the caller's organization's chain (see verifyAuditChain in @gantry/db). */
  verify(auth: AuthContext): Promise<AuditChainVerification> {
    // Permission (Admin on the organization): rbac/permissions.ts, checked by the guard.
    return this.repo.verify(auth.orgId);
  }

  /**
   * Every event of `orgId` matching `filter`, newest first, read
   * {@link EXPORT_BATCH_SIZE} at a time (one short transaction per batch, so a
   * slow client holds no transaction open).
   */
  async *exportEvents(orgId: string, filter: AuditFilter): AsyncGenerator<AuditRecord> {
    let beforeSeq: number | undefined;
    for (;;) {
      const rows = await this.repo.list(orgId, filter, { limit: EXPORT_BATCH_SIZE, ...(beforeSeq !== undefined && { beforeSeq }) });
      for (const r of rows) yield r;
      if (rows.length < EXPORT_BATCH_SIZE) return;
      beforeSeq = rows.at(-1)!.seq;
    }
  }
}

import type { AuditRecord } from '@gantry/db';
import type { JsonValue } from '../api/scalars/json.scalar';
import type { AuditEvent } from './models/audit-event.model';

/** A stored record as the GraphQL type. */
export function toAuditEvent(r: AuditRecord): AuditEvent {
  return {
    id: r.id,
    seq: r.seq,
    occurredAt: r.occurredAt,
    actor: { kind: r.actorKind, id: r.actorId, label: r.actorLabel },
    action: r.action,
    target: r.targetType ? { type: r.targetType, id: r.targetId } : null,
    outcome: r.outcome,
    before: r.before as JsonValue | null,
    after: r.after as JsonValue | null,
    metadata: r.metadata as JsonValue,
    sourceIp: r.sourceIp,
    userAgent: r.userAgent,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

/** A record as one NDJSON line's object (the same shape as the GraphQL type; time in ISO 8601). */
export function toExportObject(r: AuditRecord): Record<string, unknown> {
  return { ...toAuditEvent(r), occurredAt: r.occurredAt.toISOString() };
}

/** CSV columns of the export, in order. */
export const CSV_COLUMNS = [
  'seq', 'occurredAt', 'actorKind', 'actorId', 'actorLabel', 'action', 'targetType', 'targetId', 'outcome',
  'before', 'after', 'metadata', 'sourceIp', 'userAgent', 'id', 'prevHash', 'hash',
] as const;

/** A record as one CSV row (JSON columns as JSON text, absent values empty). */
export function toCsvRow(r: AuditRecord): Record<(typeof CSV_COLUMNS)[number], string | number> {
  const json = (v: unknown): string => (v === null || v === undefined ? '' : JSON.stringify(v));
  return {
    seq: r.seq,
    occurredAt: r.occurredAt.toISOString(),
    actorKind: r.actorKind,
    actorId: r.actorId ?? '',
    actorLabel: r.actorLabel ?? '',
    action: r.action,
    targetType: r.targetType ?? '',
    targetId: r.targetId ?? '',
    outcome: r.outcome,
    before: json(r.before),
    after: json(r.after),
    metadata: json(r.metadata),
    sourceIp: r.sourceIp ?? '',
    userAgent: r.userAgent ?? '',
    id: r.id,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

import { AUDIT_ACTOR_KINDS, type AuditActorKind } from '@gantry/db';
import { InvalidArgumentError, InvalidCursorError } from '../api/errors/api.errors';

/** Raw filter values as the GraphQL input or the export's query string give them. */
export interface AuditFilterArgs {
  actor?: string | null;
  action?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  from?: Date | string | null;
  to?: Date | string | null;
}

/** A validated filter: only the given conditions are set. */
export interface AuditFilter {
  actorKind?: AuditActorKind;
  actorId?: string;
  action?: string;
  /** Matches actions starting with this (the filter's `x.*` form, stored without the `*`: `x.`). */
  actionPrefix?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

const MAX_FILTER_LENGTH = 512;
const ACTION_FILTER = /^[a-z][a-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*(\.\*)?$/;

function text(argument: string, value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidArgumentError(argument, 'must be a non-empty string when given');
  if (value.length > MAX_FILTER_LENGTH) throw new InvalidArgumentError(argument, `is longer than ${MAX_FILTER_LENGTH} characters`);
  return value.trim();
}

function date(argument: string, value: Date | string | null | undefined): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const d = value instanceof Date ? value : /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(argument, `must be an ISO 8601 date-time, got ${JSON.stringify(String(value).slice(0, 60))}`);
  return d;
}

/**
 * Validates the filters of `auditEvents` and the exports.
 * - `actor`: `<kind>:<id>`, a bare kind, or a bare id (any kind);
 * - `action`: an exact dotted action, or a prefix ending in `.*`;
 * - `from` ≤ `to`, both ISO 8601.
 * Errors: InvalidArgumentError naming the field (`filter.actor`, …) and why.
 */
export function parseAuditFilter(args: AuditFilterArgs | null | undefined, prefix = 'filter.'): AuditFilter {
  const out: AuditFilter = {};
  if (!args) return out;
  const actor = text(`${prefix}actor`, args.actor);
  if (actor !== undefined) {
    const colon = actor.indexOf(':');
    const kind = colon >= 0 ? actor.slice(0, colon) : actor;
    if (colon >= 0 || AUDIT_ACTOR_KINDS.includes(kind as AuditActorKind)) {
      if (!AUDIT_ACTOR_KINDS.includes(kind as AuditActorKind)) {
        throw new InvalidArgumentError(`${prefix}actor`, `unknown actor kind ${JSON.stringify(kind)}: use one of ${AUDIT_ACTOR_KINDS.join(', ')}`);
      }
      out.actorKind = kind as AuditActorKind;
      if (colon >= 0) {
        const id = actor.slice(colon + 1);
        if (id === '') throw new InvalidArgumentError(`${prefix}actor`, 'the id after "<kind>:" is empty');
        out.actorId = id;
      }
    } else {
      out.actorId = actor;
    }
  }
  const action = text(`${prefix}action`, args.action);
  if (action !== undefined) {
    if (!ACTION_FILTER.test(action)) throw new InvalidArgumentError(`${prefix}action`, `must be a dotted action like "run.launch" or a prefix like "auth.*", got ${JSON.stringify(action)}`);
    if (action.endsWith('.*')) out.actionPrefix = action.slice(0, -1);
    else out.action = action;
  }
  const targetType = text(`${prefix}targetType`, args.targetType);
  if (targetType !== undefined) out.targetType = targetType;
  const targetId = text(`${prefix}targetId`, args.targetId);
  if (targetId !== undefined) out.targetId = targetId;
  const from = date(`${prefix}from`, args.from);
  const to = date(`${prefix}to`, args.to);
  if (from && to && from > to) throw new InvalidArgumentError(`${prefix}from`, 'is after filter.to');
  if (from) out.from = from;
  if (to) out.to = to;
  return out;
}

const CURSOR_KIND = 'audit_events';

/** Cursor of an audit event in the newest-first list: base64url of `["audit_events", seq]`. */
export function encodeAuditCursor(seq: number): string {
  return Buffer.from(JSON.stringify([CURSOR_KIND, seq]), 'utf8').toString('base64url');
}

/** The seq of a cursor from {@link encodeAuditCursor}. Errors: InvalidCursorError when malformed or of another list. */
export function decodeAuditCursor(cursor: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(cursor);
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== CURSOR_KIND || !Number.isSafeInteger(parsed[1]) || (parsed[1] as number) < 1) {
    throw new InvalidCursorError(cursor);
  }
  return parsed[1] as number;
}

import { InvalidArgumentError, InvalidCursorError } from '../errors/api.errors';

/** Largest page a list returns; `first` above it is refused. */
export const MAX_PAGE_SIZE = 100;

/**
 * Validates a `first` argument (1..MAX_PAGE_SIZE).
 * Errors: InvalidArgumentError naming the argument.
 */
export function pageSize(first: number, max = MAX_PAGE_SIZE, argument = 'first'): number {
  if (!Number.isInteger(first) || first < 1 || first > max) throw new InvalidArgumentError(argument, `must be between 1 and ${max}, got ${first}`);
  return first;
}

/**
 * A keyset position in a list ordered by (timestamp DESC, id DESC): the
 * cursor is base64url of `["<kind>", "<ISO time>", "<id>"]`, so a cursor of
 * another list is refused.
 */
export interface TimeIdCursor {
  at: Date;
  id: string;
}

/** Encodes a (time, id) keyset cursor for list `kind`. */
export function encodeTimeIdCursor(kind: string, at: Date, id: string): string {
  return Buffer.from(JSON.stringify([kind, at.toISOString(), id]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor from {@link encodeTimeIdCursor}.
 * Errors: InvalidCursorError when it is malformed or belongs to another list.
 */
export function decodeTimeIdCursor(kind: string, cursor: string): TimeIdCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(cursor);
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== kind || typeof parsed[1] !== 'string' || typeof parsed[2] !== 'string') {
    throw new InvalidCursorError(cursor);
  }
  const at = new Date(parsed[1]);
  if (Number.isNaN(at.getTime()) || !UUID.test(parsed[2])) throw new InvalidCursorError(cursor);
  return { at, id: parsed[2] };
}

/** Canonical UUID text form (any version); ids outside it never match a row. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID in text form (so it can be sent to a uuid column). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

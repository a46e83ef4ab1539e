import { partitionsDefinitionSchema, type PartitionsDefinition as PartitionsSpec } from '@gantry/code-location';

export type { PartitionsSpec };

/** Most keys a time partitions definition may expand to (about 270 years of days). */
export const MAX_PARTITION_KEYS = 100_000;

/**
 * Reads `assets.partitions_definition` (the gantry.yaml `partitions` block as
 * stored) into its typed form; null for unpartitioned assets or a value this
 * version cannot read.
 */
export function parsePartitions(json: unknown): PartitionsSpec | null {
  if (json === null || json === undefined) return null;
  const parsed = partitionsDefinitionSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

const DAY_MS = 86_400_000;

/** Parses `YYYY-MM` or `YYYY-MM-DD` as a UTC date (first of the month for `YYYY-MM`); undefined when malformed. */
function parseDate(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return date;
}

function keyOf(cron: 'daily' | 'monthly', date: Date): string {
  const iso = date.toISOString();
  return cron === 'monthly' ? iso.slice(0, 7) : iso.slice(0, 10);
}

/** Period start of `date` (first of the month, or the day itself). */
function periodStart(cron: 'daily' | 'monthly', date: Date): Date {
  return cron === 'monthly' ? new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)) : new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

function nextPeriod(cron: 'daily' | 'monthly', date: Date): Date {
  return cron === 'monthly' ? new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)) : new Date(date.getTime() + DAY_MS);
}

function previousPeriod(cron: 'daily' | 'monthly', date: Date): Date {
  return cron === 'monthly' ? new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1)) : new Date(date.getTime() - DAY_MS);
}

/**
 * First and last period start of a time definition: from the first period
 * starting at or after `start`, to the period containing `end` (inclusive),
 * or without `end` to the last complete period before `now` (Dagster's
 * default). Undefined when `start`/`end` are malformed or the range is empty.
 */
function timeBounds(spec: Extract<PartitionsSpec, { type: 'time' }>, now: Date): { first: Date; last: Date } | undefined {
  const start = parseDate(spec.start);
  if (!start) return undefined;
  const startPeriod = periodStart(spec.cron, start);
  const first = startPeriod.getTime() === start.getTime() ? start : nextPeriod(spec.cron, startPeriod);
  let last: Date;
  if (spec.end !== undefined) {
    const end = parseDate(spec.end);
    if (!end) return undefined;
    last = periodStart(spec.cron, end);
  } else {
    last = previousPeriod(spec.cron, periodStart(spec.cron, now));
  }
  return first <= last ? { first, last } : undefined;
}

/**
 * Every partition key of a definition in order: period starts for time
 * partitions (`2001-01`, or `2001-01-31` for daily), the listed keys for static.
 */
export function partitionKeys(spec: PartitionsSpec, now: Date = new Date()): string[] {
  if (spec.type === 'static') return [...spec.keys];
  const bounds = timeBounds(spec, now);
  if (!bounds) return [];
  const keys: string[] = [];
  for (let d = bounds.first; d <= bounds.last && keys.length < MAX_PARTITION_KEYS; d = nextPeriod(spec.cron, d)) keys.push(keyOf(spec.cron, d));
  return keys;
}

/**
 * Position of `key` among the definition's keys, or a reason it is not one
 * (malformed, misaligned, before the first or after the last partition).
 */
export function partitionIndex(spec: PartitionsSpec, key: string, now: Date = new Date()): { index: number } | { reason: string } {
  if (spec.type === 'static') {
    const index = spec.keys.indexOf(key);
    return index >= 0 ? { index } : { reason: `${JSON.stringify(key)} is not one of the keys ${spec.keys.join(', ')}` };
  }
  const format = spec.cron === 'monthly' ? 'YYYY-MM' : 'YYYY-MM-DD';
  const date = parseDate(key);
  if (!date || keyOf(spec.cron, date) !== key) return { reason: `${JSON.stringify(key)} is not a ${spec.cron} partition key (${format})` };
  const bounds = timeBounds(spec, now);
  if (!bounds) return { reason: 'the asset has no partitions yet' };
  if (date < bounds.first || date > bounds.last) {
    return { reason: `${JSON.stringify(key)} is outside the partitions ${keyOf(spec.cron, bounds.first)}…${keyOf(spec.cron, bounds.last)}` };
  }
  const index =
    spec.cron === 'monthly'
      ? (date.getUTCFullYear() - bounds.first.getUTCFullYear()) * 12 + (date.getUTCMonth() - bounds.first.getUTCMonth())
      : Math.round((date.getTime() - bounds.first.getTime()) / DAY_MS);
  return { index };
}

/** True when two definitions describe the same partitions (so one key means the same slice for both). */
export function samePartitions(a: PartitionsSpec, b: PartitionsSpec): boolean {
  if (a.type === 'static' && b.type === 'static') return a.keys.length === b.keys.length && a.keys.every((k, i) => k === b.keys[i]);
  if (a.type === 'time' && b.type === 'time') return a.cron === b.cron && a.start === b.start && (a.end ?? null) === (b.end ?? null);
  return false;
}

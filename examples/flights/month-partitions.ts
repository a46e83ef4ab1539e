import type { PartitionsDefinition } from '@gantry/code-location';

/** Raised when the run asks for partitions the asset does not define. */
export class PartitionSelectionError extends Error {
  readonly code = 'PARTITION_SELECTION';
}

const MONTH = /^(\d{4})-(\d{2})$/;

/**
 * Every month key (`YYYY-MM`) of a monthly time partitions definition, from
 * `start` to `end` inclusive. `start`/`end` may be `YYYY-MM` or `YYYY-MM-DD`
 * (the day is ignored). Errors: PartitionSelectionError for a definition that
 * is not monthly time partitions with an explicit `end`, or malformed dates.
 */
export function monthKeys(spec: PartitionsDefinition): string[] {
  if (spec.type !== 'time' || spec.cron !== 'monthly' || spec.end === undefined) {
    throw new PartitionSelectionError('this pipeline only handles monthly time partitions with an explicit end');
  }
  const first = parseMonth(spec.start.slice(0, 7));
  const last = parseMonth(spec.end.slice(0, 7));
  const keys: string[] = [];
  for (let i = first[0] * 12 + first[1] - 1; i <= last[0] * 12 + last[1] - 1; i += 1) {
    keys.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  }
  if (keys.length === 0) throw new PartitionSelectionError(`empty partitions definition ${spec.start}..${spec.end}`);
  return keys;
}

function parseMonth(text: string): [number, number] {
  const m = MONTH.exec(text);
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12) throw new PartitionSelectionError(`not a month key (YYYY-MM): ${JSON.stringify(text)}`);
  return [Number(m[1]), month];
}

/**
 * The months a run should compute, as Dagster Pipes hands them over: one
 * `partitionKey`, or an inclusive `partitionKeyRange`, or — with neither —
 * every defined month. Keys may carry a day (`2001-03-01`), which is ignored.
 * Errors: PartitionSelectionError for a key outside `defined` or a range whose
 * start is after its end.
 */
export function selectMonths(
  defined: readonly string[],
  partitionKey: string | null,
  partitionKeyRange: { start: string; end: string } | null,
): string[] {
  const indexOf = (key: string): number => {
    const i = defined.indexOf(key.slice(0, 7));
    if (i < 0) throw new PartitionSelectionError(`partition ${JSON.stringify(key)} is not one of ${defined[0]}..${defined.at(-1)}`);
    return i;
  };
  if (partitionKey !== null) return [defined[indexOf(partitionKey)]!];
  if (partitionKeyRange !== null) {
    const [from, to] = [indexOf(partitionKeyRange.start), indexOf(partitionKeyRange.end)];
    if (from > to) throw new PartitionSelectionError(`partition range ${partitionKeyRange.start}..${partitionKeyRange.end} runs backwards`);
    return defined.slice(from, to + 1);
  }
  return [...defined];
}

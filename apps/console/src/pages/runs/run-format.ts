/** Run statuses after which nothing changes any more. */
export const TERMINAL_STATUSES: readonly string[] = ['SUCCESS', 'FAILURE', 'CANCELED'];

/** True for SUCCESS, FAILURE and CANCELED. */
export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** A timestamp in the reader's locale with seconds, or "—" when absent. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A duration as "850 ms", "12.3 s", "4 min 05 s" or "2 h 03 min". */
export function formatDuration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Duration of a run: start (or creation) to end, or to `now` while it runs; null before it started. */
export function runDurationMs(run: { createdAt: string; startedAt?: string | null; endedAt?: string | null }, now: number): number | null {
  const start = run.startedAt ?? (run.endedAt ? run.createdAt : null);
  if (!start) return null;
  const end = run.endedAt ? Date.parse(run.endedAt) : now;
  return end - Date.parse(start);
}

/** "2001-03" for a single key, "2001-01 … 2001-06" for a range, "—" for neither. */
export function formatPartition(run: { partitionKey?: string | null; partitionRange?: { start: string; end: string } | null }): string {
  if (run.partitionKey) return run.partitionKey;
  if (run.partitionRange) return `${run.partitionRange.start} … ${run.partitionRange.end}`;
  return '—';
}

/**
 * Where a run's output stands in its container log, read with
 * `timestamps=true`: every line the kubelet returns starts with its
 * RFC3339Nano timestamp and a space (Kubernetes pod log API). Timestamps,
 * unlike byte offsets, survive log rotation and reopened streams: resuming
 * asks for `sinceTime` and skips lines up to the cursor.
 */
export interface LogCursor {
  /** Timestamp of the last line delivered (as the API wrote it); undefined before the first line. */
  since?: string;
  /** Lines delivered carrying exactly that timestamp (they may share one). */
  count: number;
}

/** Sortable form of an RFC3339(Nano) UTC timestamp: seconds part and a 9-digit fraction (Go trims trailing zeros). */
export function timestampKey(ts: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(ts);
  if (!m) return ts;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}`;
}

/** The `sinceTime` to ask for: the cursor's timestamp cut to whole seconds (what the API accepts), so nothing after the cursor is missed. */
export function sinceTimeOf(cursor: LogCursor): string | undefined {
  return cursor.since ? `${cursor.since.slice(0, 19)}Z` : undefined;
}

/**
 * Splits timestamped log lines and drops those at or before a cursor.
 * {@link accept} takes one line (without its newline) and returns its
 * content, or undefined for a line already delivered; {@link cursor} is
 * where the delivered lines end.
 */
export class LogLineFilter {
  private skipKey: string | undefined;
  private skipLeft: number;
  private current: LogCursor;

  constructor(start: LogCursor) {
    this.skipKey = start.since ? timestampKey(start.since) : undefined;
    this.skipLeft = start.count;
    this.current = { ...start };
  }

  get cursor(): LogCursor {
    return { ...this.current };
  }

  accept(line: Buffer): Buffer | undefined {
    const space = line.indexOf(0x20);
    const ts = space > 0 ? line.subarray(0, space).toString('latin1') : '';
    const content = space > 0 ? line.subarray(space + 1) : line;
    const key = timestampKey(ts);
    if (this.skipKey !== undefined) {
      if (key < this.skipKey) return undefined;
      if (key === this.skipKey && this.skipLeft > 0) {
        this.skipLeft -= 1;
        return undefined;
      }
      this.skipKey = undefined;
    }
    if (this.current.since !== undefined && timestampKey(this.current.since) === key) this.current.count += 1;
    else this.current = { since: ts, count: 1 };
    return content;
  }
}

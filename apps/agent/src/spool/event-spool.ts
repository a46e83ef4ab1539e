import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { TERMINAL_EVENT_TYPES, type AgentRunEvent } from '../runs/event-sequencer';

/** Options of {@link EventSpool}. */
export interface EventSpoolOptions {
  /** Folder of the spool files (one `<runId>.jsonl` per run). */
  dir: string;
  logger: Logger;
  /** Called after a flush made new events durable (time to send them). */
  onSpooled: () => void;
  /** Pending events that trigger an immediate flush (default 1000). */
  flushAtEvents?: number;
  /** Longest an event waits before it is written, ms (default 2). */
  flushDelayMs?: number;
}

/** A run found in the spool when the agent starts. */
export interface SpooledRun {
  runId: string;
  /** Highest seq written for the run. */
  lastSeq: number;
  /** True when the spool holds the run's terminal event. */
  finished: boolean;
  /** Events not yet acknowledged. */
  unacked: number;
  /** The last output position noted for the run (see {@link EventSpool.note}), when any. */
  position?: string;
}

interface RunLog {
  runId: string;
  filePath: string;
  file: FileHandle | undefined;
  /** Durable, unacknowledged events in seq order; `events[head..]` are live. */
  events: AgentRunEvent[];
  head: number;
  /** `events[head..sent)` were sent on the current stream and await their ack. */
  sent: number;
  ackedSeq: number;
  persistedAck: number;
  lastSeq: number;
  finished: boolean;
  dropped: boolean;
  pending: AgentRunEvent[];
  /** Output position to write after the pending events. */
  pendingPosition: string | undefined;
  position: string | undefined;
}

/**
 * The agent's on-disk event spool. Every event is appended to its run's spool
 * file (JSON lines: wire events, plus `{"ack":n}` watermarks) before it is
 * sent: events are buffered and written with one write and one fdatasync per
 * run file per flush, never per event. A run's output position (where a
 * launcher resumes its output after a restart, `{"position":…}` lines) is
 * written after the events it covers, in the same write. Acknowledged events
 * leave memory; a run's file is deleted once its terminal event is
 * acknowledged (or its lease was revoked). After a restart {@link load} brings back every unacknowledged
 * event. A torn last line (crash mid-write) is skipped.
 */
export class EventSpool {
  private readonly runs = new Map<string, RunLog>();
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private closed = false;
  private readonly flushAtEvents: number;
  private readonly flushDelayMs: number;

  constructor(private readonly options: EventSpoolOptions) {
    this.flushAtEvents = options.flushAtEvents ?? 1000;
    this.flushDelayMs = options.flushDelayMs ?? 2;
  }

  /** Creates the folder and reads leftovers of a previous agent process. */
  async load(): Promise<SpooledRun[]> {
    await mkdir(this.options.dir, { recursive: true });
    const found: SpooledRun[] = [];
    for (const name of await readdir(this.options.dir)) {
      if (!name.endsWith('.jsonl')) continue;
      const filePath = path.join(this.options.dir, name);
      const text = await readFile(filePath, 'utf8');
      let ackedSeq = 0;
      let lastSeq = 0;
      let finished = false;
      let runId: string | undefined;
      let position: string | undefined;
      const bySeq = new Map<number, AgentRunEvent>();
      for (const line of text.split('\n')) {
        if (line === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          this.options.logger.warn({ file: filePath }, 'skipping a torn line in the event spool');
          continue;
        }
        if (typeof value !== 'object' || value === null) continue;
        const record = value as Partial<AgentRunEvent> & { ack?: number; position?: string };
        if (typeof record.position === 'string') {
          position = record.position;
          continue;
        }
        if (typeof record.ack === 'number') {
          ackedSeq = Math.max(ackedSeq, record.ack);
          continue;
        }
        if (typeof record.runId !== 'string' || typeof record.seq !== 'number') continue;
        runId = record.runId;
        bySeq.set(record.seq, record as AgentRunEvent);
        lastSeq = Math.max(lastSeq, record.seq);
        if (TERMINAL_EVENT_TYPES.includes(record.type as never)) finished = true;
      }
      if (runId === undefined) {
        await unlink(filePath).catch(() => undefined);
        continue;
      }
      const events = [...bySeq.values()].filter((e) => e.seq > ackedSeq).sort((a, b) => a.seq - b.seq);
      const run = this.newRun(runId, filePath);
      Object.assign(run, { events, ackedSeq, persistedAck: ackedSeq, lastSeq, finished, position });
      this.runs.set(runId, run);
      found.push({ runId, lastSeq, finished, unacked: events.length, ...(position !== undefined && { position }) });
    }
    return found;
  }

  /** Buffers one event for the next flush. */
  append(event: AgentRunEvent): void {
    if (this.closed) return;
    let run = this.runs.get(event.runId);
    if (!run) {
      run = this.newRun(event.runId, path.join(this.options.dir, `${encodeURIComponent(event.runId)}.jsonl`));
      this.runs.set(event.runId, run);
    }
    if (run.dropped) return;
    run.pending.push(event);
    run.lastSeq = Math.max(run.lastSeq, event.seq);
    if (TERMINAL_EVENT_TYPES.includes(event.type as never)) run.finished = true;
    this.pendingCount += 1;
    if (this.pendingCount >= this.flushAtEvents) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushDelayMs);
  }

  /**
   * Records where the run's output stands after the events appended so far
   * (an opaque launcher position); written after those events, so after a
   * crash the spooled position never runs ahead of the spooled events.
   */
  note(runId: string, position: string): void {
    if (this.closed) return;
    const run = this.runs.get(runId);
    if (!run || run.dropped || run.finished || position === run.position) return;
    run.pendingPosition = position;
    run.position = position;
    this.timer ??= setTimeout(() => void this.flush(), this.flushDelayMs);
  }

  /** Highest seq known for a run (spooled or pending), 0 when unknown. */
  lastSeqOf(runId: string): number {
    return this.runs.get(runId)?.lastSeq ?? 0;
  }

  /** Highest acknowledged seq of a run; Infinity when the run is no longer tracked (retired or dropped). */
  ackedSeqOf(runId: string): number {
    const run = this.runs.get(runId);
    return !run || run.dropped ? Number.POSITIVE_INFINITY : run.ackedSeq;
  }

  /** Runs with events the control plane has not acknowledged yet. */
  unackedRunIds(): string[] {
    return [...this.runs.values()].filter((r) => !r.dropped && (r.ackedSeq < r.lastSeq)).map((r) => r.runId);
  }

  /** True when nothing is pending or unacknowledged. */
  isIdle(): boolean {
    return this.pendingCount === 0 && [...this.runs.values()].every((r) => r.dropped || r.ackedSeq >= r.lastSeq);
  }

  /**
   * Takes up to `max` durable events not yet sent on the current stream, in seq
   * order per run, rotating between runs. Marks them sent.
   */
  takeBatch(max: number): AgentRunEvent[] {
    const out: AgentRunEvent[] = [];
    for (const run of this.runs.values()) {
      if (run.dropped) continue;
      if (run.sent < run.head) run.sent = run.head;
      while (run.sent < run.events.length && out.length < max) {
        out.push(run.events[run.sent]!);
        run.sent += 1;
      }
      if (out.length >= max) break;
    }
    return out;
  }

  /** After a reconnect: every unacknowledged event is to be sent again. */
  resetSent(): void {
    for (const run of this.runs.values()) run.sent = run.head;
  }

  /** Records `EventAck{runId, upToSeq}`: drops acknowledged events from memory. */
  ack(runId: string, upToSeq: number): void {
    const run = this.runs.get(runId);
    if (!run || run.dropped || upToSeq <= run.ackedSeq) return;
    run.ackedSeq = upToSeq;
    while (run.head < run.events.length && run.events[run.head]!.seq <= upToSeq) run.head += 1;
    if (run.head > 1024 && run.head * 2 > run.events.length) {
      run.events = run.events.slice(run.head);
      run.sent = Math.max(0, run.sent - run.head);
      run.head = 0;
    }
    if (run.sent < run.head) run.sent = run.head;
    this.timer ??= setTimeout(() => void this.flush(), this.flushDelayMs);
  }

  /** LeaseRevoked: forget the run's unsent and unacknowledged events and delete its file. */
  drop(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    this.pendingCount -= run.pending.length;
    run.pending = [];
    run.events = [];
    run.head = 0;
    run.sent = 0;
    run.dropped = true;
    void this.flush();
  }

  /** Writes everything pending now; resolves once it is durable. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      do {
        this.flushAgain = false;
        await this.flushOnce();
      } while (this.flushAgain && !this.closed);
    })().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Flushes and closes every file (graceful stop). */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await Promise.all([...this.runs.values()].map((r) => r.file?.close().catch(() => undefined)));
  }

  /** Closes files without flushing (abrupt kill, for tests). */
  abandon(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const run of this.runs.values()) void run.file?.close().catch(() => undefined);
  }

  private newRun(runId: string, filePath: string): RunLog {
    return { runId, filePath, file: undefined, events: [], head: 0, sent: 0, ackedSeq: 0, persistedAck: 0, lastSeq: 0, finished: false, dropped: false, pending: [], pendingPosition: undefined, position: undefined };
  }

  private async flushOnce(): Promise<void> {
    if (this.closed) return;
    let wroteEvents = false;
    const synced: Promise<void>[] = [];
    for (const run of [...this.runs.values()]) {
      if (run.dropped) {
        await this.retire(run);
        continue;
      }
      const batch = run.pending;
      if (batch.length === 0 && run.finished && run.ackedSeq >= run.lastSeq) {
        await this.retire(run);
        continue;
      }
      const ackLine = run.ackedSeq > run.persistedAck ? `{"ack":${run.ackedSeq}}\n` : '';
      const positionLine = run.pendingPosition !== undefined ? `${JSON.stringify({ position: run.pendingPosition })}\n` : '';
      if (batch.length === 0 && ackLine === '' && positionLine === '') continue;
      run.pending = [];
      run.pendingPosition = undefined;
      this.pendingCount -= batch.length;
      let text = ackLine;
      for (const e of batch) text += `${JSON.stringify(e)}\n`;
      text += positionLine;
      const ackedNow = run.ackedSeq;
      try {
        run.file ??= await open(run.filePath, 'a');
        await run.file.write(text);
        if (batch.length > 0) synced.push(run.file.datasync());
      } catch (error) {
        if (this.closed) return;
        this.options.logger.error({ err: error, runId: run.runId }, 'could not write the event spool; events stay in memory');
      }
      run.persistedAck = ackedNow;
      for (const e of batch) run.events.push(e);
      if (batch.length > 0) wroteEvents = true;
    }
    await Promise.all(synced).catch((error: unknown) => this.options.logger.error({ err: error }, 'fdatasync of the event spool failed'));
    if (wroteEvents) this.options.onSpooled();
  }

  private async retire(run: RunLog): Promise<void> {
    this.runs.delete(run.runId);
    const f = run.file;
    run.file = undefined;
    await f?.close().catch(() => undefined);
    await unlink(run.filePath).catch(() => undefined);
  }
}

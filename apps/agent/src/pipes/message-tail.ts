import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { LineSplitter, type SplitLine } from './line-splitter';

/** Options of {@link MessageTail}. */
export interface MessageTailOptions {
  /** The file to follow (it may not exist yet). */
  path: string;
  /** Longest line kept, bytes; longer lines come out as `oversized`. */
  maxLineBytes: number;
  /** Receives each line in file order. */
  onLine: (line: SplitLine) => void;
  /** Fallback polling interval when fs.watch misses a change, ms (default 100). */
  pollMs?: number;
  /** Bytes read per read call (default 1 MiB). */
  chunkBytes?: number;
}

/**
 * Follows a Pipes messages file as the customer process appends to it: reads
 * by offset whenever fs.watch reports a change or the poll timer fires, splits
 * into lines (partial lines wait for their newline), and on {@link drain}
 * reads to the end and flushes a last line without newline.
 */
export class MessageTail {
  private offset = 0;
  private handle: FileHandle | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly splitter: LineSplitter;
  private readonly buffer: Buffer;

  constructor(private readonly options: MessageTailOptions) {
    this.splitter = new LineSplitter(options.maxLineBytes, options.onLine);
    this.buffer = Buffer.allocUnsafe(options.chunkBytes ?? 1024 * 1024);
  }

  /** Starts following. Errors of watch/read are retried on the next tick of the poll timer. */
  start(): void {
    try {
      this.watcher = watch(this.options.path, () => this.kick());
      this.watcher.on('error', () => undefined);
    } catch {
      // The file may not exist yet; polling covers it.
    }
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 100);
    this.kick();
  }

  /** Reads everything written so far, emits the final partial line, and stops following. */
  async drain(): Promise<void> {
    this.stopWatching();
    await this.readAvailable();
    this.splitter.end();
    await this.close();
  }

  /** Stops following without reading further. */
  async close(): Promise<void> {
    this.stopWatching();
    this.stopped = true;
    await this.reading?.catch(() => undefined);
    const h = this.handle;
    this.handle = undefined;
    await h?.close().catch(() => undefined);
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readLoop().finally(() => {
      this.reading = undefined;
    });
  }

  private async readLoop(): Promise<void> {
    do {
      this.again = false;
      await this.readToEnd().catch(() => undefined);
    } while (this.again && !this.stopped);
  }

  private async readAvailable(): Promise<void> {
    while (this.reading) await this.reading;
    await this.readToEnd();
  }

  private async readToEnd(): Promise<void> {
    if (!this.handle) {
      try {
        this.handle = await open(this.options.path, 'r');
      } catch {
        return;
      }
    }
    for (;;) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, this.buffer.length, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      this.splitter.push(this.buffer.subarray(0, bytesRead));
    }
  }
}

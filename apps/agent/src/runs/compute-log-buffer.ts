/** Options of {@link ComputeLogBuffer}. */
export interface ComputeLogBufferOptions {
  /** Largest chunk per event, bytes (default 64 KiB). */
  maxChunkBytes?: number;
  /** Longest a complete line waits before it is sent, ms (default 100). */
  flushMs?: number;
  /** Receives each coalesced chunk. */
  emit: (stream: 'stdout' | 'stderr', text: string) => void;
}

/**
 * Coalesces a process's stdout and stderr into COMPUTE_LOG chunks: whole lines
 * only (a partial line waits for its newline, the size limit or the end), at
 * most `maxChunkBytes` per chunk and at most `flushMs` of delay.
 */
export class ComputeLogBuffer {
  private readonly pending = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  private readonly sizes = { stdout: 0, stderr: 0 };
  private timer: NodeJS.Timeout | undefined;
  private readonly maxChunkBytes: number;

  constructor(private readonly options: ComputeLogBufferOptions) {
    this.maxChunkBytes = options.maxChunkBytes ?? 64 * 1024;
  }

  /** Adds output of one stream. */
  push(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this.pending[stream].push(Buffer.from(chunk));
    this.sizes[stream] += chunk.length;
    if (this.sizes[stream] >= this.maxChunkBytes) this.flushStream(stream, false);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flushStream('stdout', false);
      this.flushStream('stderr', false);
      if (this.sizes.stdout + this.sizes.stderr > 0) this.timer ??= setTimeout(() => this.flushAll(), this.options.flushMs ?? 100);
    }, this.options.flushMs ?? 100);
  }

  /** Sends everything held, partial lines included (call when the process ended). */
  flushAll(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushStream('stdout', true);
    this.flushStream('stderr', true);
  }

  private flushStream(stream: 'stdout' | 'stderr', all: boolean): void {
    if (this.sizes[stream] === 0) return;
    let buf = Buffer.concat(this.pending[stream]);
    this.pending[stream] = [];
    this.sizes[stream] = 0;
    while (buf.length > 0) {
      let cut: number;
      if (buf.length > this.maxChunkBytes) {
        const nl = buf.lastIndexOf(0x0a, this.maxChunkBytes - 1);
        cut = nl >= 0 ? nl + 1 : utf8Boundary(buf, this.maxChunkBytes);
      } else if (all) {
        cut = buf.length;
      } else {
        cut = buf.lastIndexOf(0x0a) + 1;
        if (cut === 0) break;
      }
      this.options.emit(stream, buf.subarray(0, cut).toString('utf8'));
      buf = buf.subarray(cut);
    }
    if (buf.length > 0) {
      this.pending[stream] = [buf];
      this.sizes[stream] = buf.length;
    }
  }
}

/** The largest cut <= limit that does not split a UTF-8 character. */
function utf8Boundary(buf: Buffer, limit: number): number {
  let cut = limit;
  while (cut > 0 && ((buf[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  return cut === 0 ? limit : cut;
}

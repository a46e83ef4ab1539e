import { StringDecoder } from 'node:string_decoder';

/** Characters of an oversized line kept for the error report. */
export const OVERSIZED_HEAD_CHARS = 1024;

/**
 * What a {@link LineSplitter} cuts out of its input: a complete line (without
 * its `\n` and a trailing `\r`), or a line longer than the limit, reported by
 * its first characters and its full size in bytes (it was never held whole).
 */
export type SplitLine = { kind: 'line'; text: string } | { kind: 'oversized'; head: string; bytes: number };

/**
 * Cuts a byte stream into lines, robust to lines split across chunks and to
 * multi-byte UTF-8 characters split across chunks. A line longer than
 * `maxLineBytes` is never held in memory whole: its head is kept, the rest is
 * counted until its newline, and it comes out as `{ kind: 'oversized' }`.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  /** While skipping an oversized line: its head and the bytes seen so far. */
  private skipping: { head: string; bytes: number } | undefined;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: SplitLine) => void,
  ) {}

  /** Feeds a chunk; complete lines go to `onLine` synchronously, in order. */
  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text.length === 0) return;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) {
        this.keep(text.slice(start));
        return;
      }
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (this.skipping) {
        const { head, bytes } = this.skipping;
        this.skipping = undefined;
        this.partial = '';
        this.onLine({ kind: 'oversized', head, bytes: bytes + Buffer.byteLength(piece) });
        continue;
      }
      const line = this.partial.length > 0 ? this.partial + piece : piece;
      this.partial = '';
      this.emit(line);
    }
  }

  /** Ends the input: a last line without a newline is emitted as a line. */
  end(): void {
    const rest = this.decoder.end();
    if (rest.length > 0) this.keep(rest);
    if (this.skipping) {
      const { head, bytes } = this.skipping;
      this.skipping = undefined;
      this.onLine({ kind: 'oversized', head, bytes });
    } else if (this.partial.length > 0) {
      this.emit(this.partial);
    }
    this.partial = '';
  }

  private keep(text: string): void {
    if (text.length === 0) return;
    if (this.skipping) {
      this.skipping.bytes += Buffer.byteLength(text);
      return;
    }
    this.partial += text;
    // Characters are at least one byte each: past the limit in characters means past it in bytes.
    if (this.partial.length > this.maxLineBytes) {
      this.skipping = { head: this.partial.slice(0, OVERSIZED_HEAD_CHARS), bytes: Buffer.byteLength(this.partial) };
      this.partial = '';
    }
  }

  private emit(raw: string): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // A UTF-16 code unit is at most 3 UTF-8 bytes: count bytes only when it could matter.
    if (text.length * 3 > this.maxLineBytes) {
      const bytes = Buffer.byteLength(text);
      if (bytes > this.maxLineBytes) {
        this.onLine({ kind: 'oversized', head: text.slice(0, OVERSIZED_HEAD_CHARS), bytes });
        return;
      }
    }
    this.onLine({ kind: 'line', text });
  }
}

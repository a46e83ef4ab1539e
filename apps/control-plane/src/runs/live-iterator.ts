/** One poll of a live stream. */
export interface LivePoll<T> {
  /** New items, in order. */
  items: T[];
  /** More items are ready right away (poll again without waiting). */
  more: boolean;
  /** Nothing will follow: end the stream after `items`. */
  done: boolean;
}

/** Options of {@link LiveIterator}. */
export interface LiveIteratorOptions<T> {
  /** Registers the wake-up callback; returns the function that unregisters it. */
  watch: (wake: () => void) => () => void;
  /** Reads what is new since the last poll (the caller keeps its own position). */
  poll: () => Promise<LivePoll<T>>;
  /** Maps an error of `poll` to what the client receives. */
  mapError: (error: unknown) => Error;
  /** Polls even without a notification after this long, ms (notifications are lost while LISTEN reconnects). Default 15000. */
  safetyPollMs?: number;
}

/**
 * An async iterator over a live source: polls once at start, then again on
 * each wake-up (a NOTIFY) or after `safetyPollMs`. `return()` (the client
 * left) ends it at once, even while it waits, and unregisters the watcher;
 * so does the end of the stream or an error. Not a generator on purpose: a
 * generator suspended in an `await` cannot be stopped from outside.
 */
export class LiveIterator<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private dirty = true;
  private finished = false;
  private closed = false;
  private wakeUp: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly unwatch: () => void;
  private readonly safetyPollMs: number;

  constructor(private readonly options: LiveIteratorOptions<T>) {
    this.safetyPollMs = options.safetyPollMs ?? 15_000;
    this.unwatch = options.watch(() => this.wake());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      if (this.buffer.length > 0) return { done: false, value: this.buffer.shift() as T };
      if (this.finished) {
        this.close();
        return { done: true, value: undefined };
      }
      if (!this.dirty) {
        await this.sleep();
        continue;
      }
      this.dirty = false;
      let result: LivePoll<T>;
      try {
        result = await this.options.poll();
      } catch (error) {
        this.close();
        throw this.options.mapError(error);
      }
      if (this.closed) return { done: true, value: undefined };
      this.buffer.push(...result.items);
      if (result.more) this.dirty = true;
      else if (result.done) this.finished = true;
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.close();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    this.close();
    throw error;
  }

  /** True once the stream ended or was closed (and its watcher removed). */
  get isClosed(): boolean {
    return this.closed;
  }

  private wake(): void {
    this.dirty = true;
    const resolve = this.wakeUp;
    this.wakeUp = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    resolve?.();
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      this.timer = setTimeout(() => this.wake(), this.safetyPollMs);
      this.timer.unref();
    });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch();
    this.buffer.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const resolve = this.wakeUp;
    this.wakeUp = undefined;
    resolve?.();
  }
}

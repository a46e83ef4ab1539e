/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** Delay of the first retry, ms (default 100; jitter adds up to as much again). */
  initialMs?: number;
  /** Largest delay, ms (default 5000). */
  maxMs?: number;
  /** Growth factor per attempt (default 2). */
  factor?: number;
  /** Source of randomness in [0, 1) (default Math.random); tests pass a fixed one. */
  random?: () => number;
}

/**
 * Exponential backoff with jitter for reconnects: attempt n waits
 * `min(max, initial * factor^n) * (1 + random)` / 2-ish, i.e. the first retry
 * lands between `initialMs` and `2 * initialMs`, later ones never above `maxMs`.
 */
export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 100;
    this.maxMs = options.maxMs ?? 5000;
    this.factor = options.factor ?? 2;
    this.random = options.random ?? Math.random;
  }

  /** Delay before the next attempt, ms; advances the attempt counter. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt += 1;
    return Math.min(this.maxMs, Math.round(base * (1 + this.random())));
  }

  /** Starts over after a successful connection. */
  reset(): void {
    this.attempt = 0;
  }
}

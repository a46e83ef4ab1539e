/**
 * A bounded in-memory cache of layouts (promises), least recently used first
 * out. Concurrent callers of the same key share one computation; a failed
 * computation is dropped so the next caller retries. Keys are
 * `<scope>\u0000<version>`: storing a new version of a scope (a new catalog
 * fingerprint of one deployment) drops the scope's older versions, which can
 * no longer be asked for.
 */
export class LayoutCache<V> {
  private readonly entries = new Map<string, Promise<V>>();

  constructor(
    /** Most entries kept. */
    readonly maxEntries = 64,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be an integer >= 1, got ${maxEntries}`);
  }

  /** Number of entries (settled or in flight). */
  get size(): number {
    return this.entries.size;
  }

  /** The cached value of (`scope`, `version`), or `compute()`'s, cached. */
  get(scope: string, version: string, compute: () => Promise<V>): Promise<V> {
    const key = `${scope}\u0000${version}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    for (const other of this.entries.keys()) if (other.startsWith(`${scope}\u0000`)) this.entries.delete(other);
    const value = compute();
    this.entries.set(key, value);
    value.catch(() => {
      if (this.entries.get(key) === value) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}

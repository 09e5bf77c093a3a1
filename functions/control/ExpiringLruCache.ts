/**
 * A small in-memory cache of values that go stale: each entry lives for a fixed time, the
 * cache holds at most a fixed number of entries (the least recently used leaves first), and
 * a value read from the store before an invalidation is never stored after it.
 */

export interface ExpiringLruCacheOptions {
  /** How long an entry is served after it was stored. */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

export class ExpiringLruCache<V> {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  // Maps iterate in insertion order: re-inserting on every hit keeps the least recently used first.
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  /** Bumped by every invalidation, so a load that started before one does not store its result. */
  #invalidations = 0;

  constructor(options: ExpiringLruCacheOptions) {
    if (!(options.ttlMs > 0) || !Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError('ExpiringLruCache needs ttlMs > 0 and maxEntries ≥ 1');
    }
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }

  /**
   * The cached value, or the loaded one. Only a defined result is stored (a miss is asked
   * again next time), and only when nothing was invalidated while it loaded: the load may have
   * read the store before the write that caused the invalidation.
   */
  async getOrLoad(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const invalidationsBefore = this.#invalidations;
    const loaded = await load();
    if (loaded !== undefined && this.#invalidations === invalidationsBefore) this.set(key, loaded);
    return loaded;
  }

  delete(key: string): void {
    this.#invalidations += 1;
    this.#entries.delete(key);
  }

  /** Removes every entry whose value matches (the cache is small: a full pass is cheap). */
  deleteWhere(matches: (value: V) => boolean): void {
    this.#invalidations += 1;
    for (const [key, entry] of this.#entries) {
      if (matches(entry.value)) this.#entries.delete(key);
    }
  }
}

import { LRUCache } from 'lru-cache';

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

export class ExpiringLruCache<V extends NonNullable<unknown>> {
  // lru-cache keeps the entries: least recently used out first, each for ttlMs.
  readonly #entries: LRUCache<string, V>;
  /** Bumped by every invalidation, so a load that started before one does not store its result. */
  #invalidations = 0;

  constructor(options: ExpiringLruCacheOptions) {
    if (!(options.ttlMs > 0) || !Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError('ExpiringLruCache needs ttlMs > 0 and maxEntries ≥ 1');
    }
    this.#entries = new LRUCache<string, V>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      // Read the clock on every check: an entry is never served past its TTL.
      ttlResolution: 0,
      ...(options.now ? { perf: { now: options.now } } : {}),
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: V): void {
    this.#entries.set(key, value);
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
}

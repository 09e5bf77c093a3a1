import { describe, expect, it } from 'vitest';
import { ExpiringLruCache } from './ExpiringLruCache.ts';

function cacheWithClock(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const clock = { now: 1_000 };
  const cache = new ExpiringLruCache<string>({
    ttlMs: options.ttlMs ?? 5_000,
    maxEntries: options.maxEntries ?? 10,
    now: () => clock.now,
  });
  return { cache, clock };
}

/** A load that counts its calls and answers what it is told to. */
function countingLoad(answer: string | undefined) {
  const calls = { count: 0 };
  const load = async () => {
    calls.count += 1;
    return answer;
  };
  return { load, calls };
}

describe('ExpiringLruCache', () => {
  it('serves a loaded value from memory until its TTL has passed, then loads again', async () => {
    const { cache, clock } = cacheWithClock({ ttlMs: 5_000 });
    const { load, calls } = countingLoad('admin');

    const first = await cache.getOrLoad('k', load);
    clock.now += 5_000;
    const atTtl = await cache.getOrLoad('k', load);
    clock.now += 1;
    const pastTtl = await cache.getOrLoad('k', load);

    expect([first, atTtl, pastTtl]).toEqual(['admin', 'admin', 'admin']);
    expect(calls.count).toBe(2);
  });

  it('does not keep a miss: an undefined load is asked again', async () => {
    const { cache } = cacheWithClock();
    const { load, calls } = countingLoad(undefined);

    await cache.getOrLoad('k', load);
    await cache.getOrLoad('k', load);

    expect(calls.count).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('delete removes an entry at once and leaves the others', async () => {
    const { cache } = cacheWithClock();
    cache.set('a', 'token-1');
    cache.set('b', 'token-2');

    cache.delete('b');

    expect([cache.get('a'), cache.get('b')]).toEqual(['token-1', undefined]);
  });

  it('does not store a value loaded across an invalidation (it may predate the change)', async () => {
    const { cache } = cacheWithClock();
    let finishLoad!: (value: string) => void;
    const loading = cache.getOrLoad(
      'k',
      () => new Promise<string>((resolve) => (finishLoad = resolve)),
    );

    cache.delete('k');
    finishLoad('admin (read before the role change)');
    const answered = await loading;

    expect(answered).toBe('admin (read before the role change)');
    expect(cache.get('k')).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the least recently used first', () => {
    const { cache } = cacheWithClock({ maxEntries: 3 });
    cache.set('a', '1');
    cache.set('b', '2');
    cache.set('c', '3');
    cache.get('a');

    cache.set('d', '4');

    expect(cache.size).toBe(3);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([
      '1',
      undefined,
      '3',
      '4',
    ]);
  });

  it.each([
    { ttlMs: 0, maxEntries: 10 },
    { ttlMs: 5_000, maxEntries: 0 },
    { ttlMs: 5_000, maxEntries: 1.5 },
  ])('refuses options %j', (options) => {
    expect(() => new ExpiringLruCache(options)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import type { IngestKeyItem, ProjectItem } from '../control/controlPlaneTables.ts';
import { IngestKeyCache, type ProjectKeyLookup } from './ingestKeyCache.ts';

function countingLookup(options: { fail?: boolean; known?: boolean } = {}) {
  const calls = { projects: 0 };
  const lookup: ProjectKeyLookup = {
    async getProject(projectId) {
      calls.projects += 1;
      if (options.fail) throw new Error('DynamoDB unavailable');
      return options.known === false
        ? undefined
        : ({ projectId, name: projectId, retentionDays: 30, createdAt: '' } satisfies ProjectItem);
    },
    async getIngestKey(projectId, keyId) {
      return {
        projectId,
        keyId,
        secret: 's'.repeat(43),
        status: 'active',
        createdAt: '',
      } satisfies IngestKeyItem;
    },
  };
  return { lookup, calls };
}

describe('IngestKeyCache', () => {
  it('reads a key once per TTL', async () => {
    let now = 0;
    const { lookup, calls } = countingLookup();
    const cache = new IngestKeyCache(lookup, { ttlSeconds: 60, now: () => now });
    await Promise.all([cache.resolve('p1', 'k1'), cache.resolve('p1', 'k1')]);
    now = 59_000;
    await cache.resolve('p1', 'k1');
    expect(calls.projects).toBe(1);
    now = 61_000;
    await cache.resolve('p1', 'k1');
    expect(calls.projects).toBe(2);
  });

  it('remembers a miss only briefly', async () => {
    let now = 0;
    const { lookup, calls } = countingLookup({ known: false });
    const cache = new IngestKeyCache(lookup, { ttlSeconds: 60, now: () => now });
    expect((await cache.resolve('nope', 'k')).project).toBeUndefined();
    now = 4_000;
    await cache.resolve('nope', 'k');
    expect(calls.projects).toBe(1);
    now = 10_000;
    await cache.resolve('nope', 'k');
    expect(calls.projects).toBe(2);
  });

  it('does not cache a failed lookup', async () => {
    const { lookup, calls } = countingLookup({ fail: true });
    const cache = new IngestKeyCache(lookup, { ttlSeconds: 60 });
    await expect(cache.resolve('p', 'k')).rejects.toThrow('DynamoDB unavailable');
    await expect(cache.resolve('p', 'k')).rejects.toThrow('DynamoDB unavailable');
    expect(calls.projects).toBe(2);
  });

  it('keeps at most maxEntries keys', async () => {
    const { lookup } = countingLookup();
    const cache = new IngestKeyCache(lookup, { ttlSeconds: 60, maxEntries: 100 });
    for (let index = 0; index < 1_000; index += 1) await cache.resolve(`forged-${index}`, 'k');
    expect(cache.size).toBe(100);
  });
});

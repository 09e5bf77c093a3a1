/**
 * Trace and span ids: the W3C form (lower-case hex of 16 and 8 bytes, never all zeros), and
 * distinct across many pool refills.
 */
import { describe, expect, it } from 'vitest';
import { isSpanId, isTraceId } from './contract/index.ts';
import { newSpanId, newTraceId } from './ids.ts';

describe('ids', () => {
  it('makes valid, distinct trace and span ids across many refills of the random pool', () => {
    // Act: 20,000 of each draw 480 KB, ~120 refills of the 4 KiB pool.
    const traceIds = Array.from({ length: 20_000 }, () => newTraceId());
    const spanIds = Array.from({ length: 20_000 }, () => newSpanId());
    // Assess
    expect(traceIds.filter((id) => !isTraceId(id) || !/^[0-9a-f]{32}$/.test(id))).toEqual([]);
    expect(spanIds.filter((id) => !isSpanId(id) || !/^[0-9a-f]{16}$/.test(id))).toEqual([]);
    expect(new Set(traceIds).size).toBe(traceIds.length);
    expect(new Set(spanIds).size).toBe(spanIds.length);
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  bucketFor,
  checkTimeRange,
  describeTimeRange,
  resolveTimeRange,
  timeRangeQueryShape,
} from './timeRange.ts';

const schema = z.object(timeRangeQueryShape).superRefine(checkTimeRange);
const NOW = new Date('2026-11-26T12:00:00.000Z');

describe('time range query', () => {
  it.each([
    [{}, true],
    [{ range: '7d' }, true],
    [{ range: '2d' }, false],
    [{ from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z' }, true],
    [{ from: '2026-11-20T00:00:00+02:00' }, true],
    [{ from: 'yesterday' }, false],
    [{ to: '2026-11-21T00:00:00Z' }, false],
    [{ from: '2026-11-21T00:00:00Z', to: '2026-11-20T00:00:00Z' }, false],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-11-20T00:00:00Z' }, false],
  ])('%j valid: %s', (query, valid) => {
    expect(schema.safeParse(query).success).toBe(valid);
  });
});

describe('resolveTimeRange', () => {
  it('defaults to the last 24 hours, bucketed by hour', () => {
    const range = resolveTimeRange({}, NOW);

    expect(range).toEqual({
      from: new Date('2026-11-25T12:00:00.000Z'),
      to: NOW,
      preset: '24h',
      bucket: 'hour',
    });
    expect(describeTimeRange(range)).toBe('last 24 hours');
  });

  it('reads a custom window and picks its bucket from its length', () => {
    const range = resolveTimeRange(
      { from: '2026-10-01T00:00:00Z', to: '2026-10-31T00:00:00Z', range: '1h' },
      NOW,
    );

    expect(range.preset).toBeNull();
    expect(range.bucket).toBe('day');
    expect(describeTimeRange(range)).toBe('2026-10-01 00:00 → 2026-10-31 00:00 UTC');
  });

  it.each([
    [60 * 60 * 1000, 'minute'],
    [7 * 24 * 60 * 60 * 1000, 'hour'],
    [30 * 24 * 60 * 60 * 1000, 'day'],
  ])('a %s ms window is bucketed by %s', (duration, bucket) => {
    expect(bucketFor(duration)).toBe(bucket);
  });
});

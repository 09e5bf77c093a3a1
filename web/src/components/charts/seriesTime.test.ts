import { describe, expect, it } from 'vitest';
import { fillSeriesGaps, formatBucketTick, parseBucketStart } from './seriesTime.ts';

describe('parseBucketStart', () => {
  it.each([
    ['2026-11-26 14:00:00', Date.UTC(2026, 10, 26, 14)],
    ['2026-11-26T14:00:00.000Z', Date.UTC(2026, 10, 26, 14)],
    ['nonsense', Number.NaN],
  ])('%s', (text, expected) => {
    expect(parseBucketStart(text)).toBe(expected);
  });
});

describe('fillSeriesGaps', () => {
  it('fills missing hours with the empty point and keeps the ones that exist', () => {
    const points = [{ bucketStart: '2026-11-26 01:00:00', requests: 5 }];

    const filled = fillSeriesGaps(points, {
      from: new Date('2026-11-26T00:30:00Z'),
      to: new Date('2026-11-26T03:00:00Z'),
      bucket: 'hour',
      empty: { requests: 0 },
    });

    expect(filled.map((point) => point.requests)).toEqual([0, 5, 0]);
    expect(filled[0]?.time).toBe(Date.UTC(2026, 10, 26, 0));
  });

  it('does not fill a window with more points than the cap', () => {
    const filled = fillSeriesGaps([{ bucketStart: '2026-11-26 01:00:00', requests: 1 }], {
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-11-26T03:00:00Z'),
      bucket: 'minute',
      empty: { requests: 0 },
      maxPoints: 100,
    });

    expect(filled).toHaveLength(1);
  });
});

describe('formatBucketTick', () => {
  it.each([
    [Date.UTC(2026, 10, 26, 14, 5), 'minute', false, '14:05'],
    [Date.UTC(2026, 10, 26, 0, 0), 'hour', false, 'Nov 26 00:00'],
    [Date.UTC(2026, 10, 26, 14, 0), 'hour', true, 'Nov 26 14:00'],
    [Date.UTC(2026, 10, 26), 'day', false, 'Nov 26'],
  ] as const)('%s by %s', (time, bucket, long, expected) => {
    expect(formatBucketTick(time, bucket, long)).toBe(expected);
  });
});

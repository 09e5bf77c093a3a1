import { describe, expect, it } from 'vitest';
import { barGeometry } from './TraceWaterfall.tsx';

describe('barGeometry', () => {
  const window = { startMs: 1_000, durationMs: 1_000 };

  it.each([
    [
      { startMs: 1_000, duration_ms: 1_000 },
      { leftPercent: 0, widthPercent: 100 },
    ],
    [
      { startMs: 1_500, duration_ms: 250 },
      { leftPercent: 50, widthPercent: 25 },
    ],
    [
      { startMs: 2_000, duration_ms: 0 },
      { leftPercent: 100, widthPercent: 0.4 },
    ],
  ])('places %j', (span, expected) => {
    expect(barGeometry(span, window)).toEqual(expected);
  });

  it('fills the track for a zero-length trace', () => {
    expect(barGeometry({ startMs: 5, duration_ms: 0 }, { startMs: 5, durationMs: 0 })).toEqual({
      leftPercent: 0,
      widthPercent: 100,
    });
  });
});

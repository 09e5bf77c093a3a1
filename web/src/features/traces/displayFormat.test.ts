import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatTimeAgo, formatTimestamp } from './displayFormat.ts';

describe('formatDuration', () => {
  it.each([
    [0.42, '0.42 ms'],
    [850.4, '850 ms'],
    [1_250, '1.25 s'],
    [12_340, '12.3 s'],
    [125_000, '2 min 05 s'],
    [3_900_000, '1 h 05 min'],
    [null, '—'],
    [Number.NaN, '—'],
    [-5, '0.00 ms'],
  ])('formats %s ms as %s', (input, expected) => {
    expect(formatDuration(input)).toBe(expected);
  });
});

describe('formatTimeAgo', () => {
  const now = Date.UTC(2026, 10, 26, 14, 0, 0);
  it.each([
    [now - 4_000, '4 s ago'],
    [now - 12 * 60_000, '12 min ago'],
    [now - 3 * 3_600_000, '3 h ago'],
    [now - 5 * 86_400_000, '5 d ago'],
    [now + 60_000, 'in the future'],
    [Number.NaN, ''],
  ])('formats %s', (input, expected) => {
    expect(formatTimeAgo(input, now)).toBe(expected);
  });
});

describe('formatTimestamp and formatCount', () => {
  it('formats UTC with milliseconds and falls back for unparseable times', () => {
    expect(formatTimestamp(Date.UTC(2026, 10, 26, 14, 20, 1, 123))).toBe(
      '2026-11-26 14:20:01.123 UTC',
    );
    expect(formatTimestamp(Number.NaN, 'raw')).toBe('raw');
  });

  it('groups thousands', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});

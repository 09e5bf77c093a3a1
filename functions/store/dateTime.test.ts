/**
 * DateTime64 text: the integer formatting agrees with a Date's ISO string at every kind of
 * instant (leap days, century rules, year ends, sub-millisecond fractions) and reads back.
 */
import { describe, expect, it } from 'vitest';
import { dateTime64Micros, fromDateTime64, toDateTime64 } from './dateTime.ts';

/** The formatting the integer arithmetic replaced, as the reference. */
function byDate(epochMillis: number): string {
  const wholeMillis = Math.floor(epochMillis);
  const micros = Math.min(999, Math.round((epochMillis - wholeMillis) * 1000));
  const iso = new Date(wholeMillis).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(micros).padStart(3, '0')}`;
}

describe('toDateTime64', () => {
  it.each([
    ['the epoch', 0],
    ['a millisecond before the epoch', -1],
    ['year 0000', -62_167_219_200_000],
    ['a leap day', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['the day after a leap day', Date.UTC(2024, 2, 1)],
    ['1900, not a leap year', Date.UTC(1900, 1, 28, 12)],
    ['2000, a leap year', Date.UTC(2000, 1, 29, 6, 7, 8, 9)],
    ['the last instant of 2099', Date.UTC(2099, 11, 31, 23, 59, 59, 999)],
    ['year 9999', Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
    ['a fraction of a millisecond', 1_764_201_600_123.456],
    ['a fraction rounding to 999 microseconds', 1_764_201_600_123 + 0.9996],
  ])('agrees with the ISO string at %s', (_label, epochMillis) => {
    expect(toDateTime64(epochMillis)).toBe(byDate(epochMillis));
  });

  it('agrees with the ISO string at 20,000 random instants from 1970 to 2100', () => {
    let seed = 42;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 20_000; i += 1) {
      const epochMillis = random() * 4_102_444_800_000 + (i % 3 === 0 ? random() : 0);
      expect(toDateTime64(epochMillis)).toBe(byDate(epochMillis));
    }
  });

  it('throws for NaN, as the ISO string does, and for years past 9999, which DateTime64 cannot hold', () => {
    expect(() => toDateTime64(Number.NaN)).toThrow(RangeError);
    expect(() => toDateTime64(Date.UTC(10_000, 0, 1))).toThrow(RangeError);
  });

  it('reads back', () => {
    const epochMillis = Date.UTC(2026, 10, 27, 3, 4, 5, 678) + 0.25;
    expect(fromDateTime64(toDateTime64(epochMillis))).toBeCloseTo(epochMillis, 6);
  });
});

describe('dateTime64Micros', () => {
  it('reads DateTime64(6) text to the microsecond', () => {
    expect(dateTime64Micros('2026-11-26 15:50:59.123456')).toBe(
      Date.UTC(2026, 10, 26, 15, 50, 59) * 1000 + 123_456,
    );
    expect(dateTime64Micros('1970-01-01 00:00:00.000001')).toBe(1);
    expect(dateTime64Micros('2026-11-26T15:50:59.123456Z')).toBe(
      dateTime64Micros('2026-11-26 15:50:59.123456'),
    );
  });
});

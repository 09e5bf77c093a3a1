import { describe, expect, it } from 'vitest';
import {
  formatCompactCount,
  formatCost,
  formatLatency,
  formatPercent,
  formatUsd,
} from './humanFormat.ts';

describe('formatCompactCount', () => {
  it.each([
    [0, '0'],
    [950, '950'],
    [1_234, '1.2K'],
    [3_400_000, '3.4M'],
    [Number.NaN, '—'],
    [null, '—'],
  ])('%s → %s', (value, expected) => {
    expect(formatCompactCount(value)).toBe(expected);
  });
});

describe('formatLatency', () => {
  it.each([
    [0.42, '0.4 ms'],
    [850, '850 ms'],
    [3_400, '3.40 s'],
    [12_500, '12.5 s'],
    [126_000, '2.1 min'],
    [-5, '0.0 ms'],
    [null, '—'],
  ])('%s → %s', (value, expected) => {
    expect(formatLatency(value)).toBe(expected);
  });
});

describe('formatUsd', () => {
  it.each([
    [0, '$0'],
    [0.0123, '$0.0123'],
    [0.00123, '$0.00123'],
    [0.000004567, '$0.00000457'],
    [0.5, '$0.50'],
    [12.345, '$12.35'],
    [12_345, '$12.3K'],
    [Number.POSITIVE_INFINITY, '—'],
  ])('%s → %s', (value, expected) => {
    expect(formatUsd(value)).toBe(expected);
  });
});

describe('formatCost', () => {
  it.each([
    [{ costUsd: null }, 'unpriced'],
    [{ costUsd: 0, requests: 10, unpricedRequests: 10 }, 'unpriced'],
    [{ costUsd: 1.5, requests: 10, unpricedRequests: 2 }, '$1.50+'],
    [{ costUsd: 1.5, requests: 10, unpricedRequests: 0 }, '$1.50'],
    [{ costUsd: 0, requests: 0, unpricedRequests: 0 }, '$0'],
  ])('%j → %s', (input, expected) => {
    expect(formatCost(input)).toBe(expected);
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0%'],
    [0.0012, '0.12%'],
    [0.045, '4.5%'],
    [1, '100%'],
    [undefined, '—'],
  ])('%s → %s', (value, expected) => {
    expect(formatPercent(value)).toBe(expected);
  });
});

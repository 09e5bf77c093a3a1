/**
 * Numbers as people read them on the dashboards: compact counts (1.2k), durations (850 ms,
 * 3.4 s), dollars with enough digits for fractions of a cent ($0.0123) and percentages.
 * Pure and locale-fixed (en-US) so server and client render the same text.
 */

const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const USD_CENTS = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const USD_SMALL = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumSignificantDigits: 1,
  maximumSignificantDigits: 3,
});
const USD_COMPACT = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const PERCENT_SMALL = new Intl.NumberFormat('en-US', {
  style: 'percent',
  maximumSignificantDigits: 2,
});

const DASH = '—';

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `950`, `1.2k`, `3.4M`. */
export function formatCompactCount(value: number | null | undefined): string {
  if (!isNumber(value)) return DASH;
  return Math.abs(value) < 1_000 ? WHOLE.format(value) : COMPACT.format(value);
}

/** `0.4 ms`, `850 ms`, `3.4 s`, `2.1 min`. */
export function formatLatency(milliseconds: number | null | undefined): string {
  if (!isNumber(milliseconds)) return DASH;
  const ms = Math.max(0, milliseconds);
  if (ms < 1) return `${ms.toFixed(1)} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** `$0`, `$0.0123`, `$0.50`, `$12.35`, `$12.3k`. */
export function formatUsd(value: number | null | undefined): string {
  if (!isNumber(value)) return DASH;
  if (value === 0) return '$0';
  const magnitude = Math.abs(value);
  if (magnitude < 0.1) return USD_SMALL.format(value);
  if (magnitude < 10_000) return USD_CENTS.format(value);
  return USD_COMPACT.format(value);
}

/**
 * Cost of a set of requests, honest about what was not priced: `unpriced` when none of the
 * requests had a price (never `$0`), and the priced part with a marker when only some had.
 */
export function formatCost(p: {
  costUsd: number | null | undefined;
  requests?: number;
  unpricedRequests?: number;
}): string {
  const { costUsd, requests, unpricedRequests = 0 } = p;
  if (costUsd === null || costUsd === undefined) return 'unpriced';
  if (requests !== undefined && requests > 0 && unpricedRequests >= requests) return 'unpriced';
  const text = formatUsd(costUsd);
  return unpricedRequests > 0 ? `${text}+` : text;
}

/** A ratio in [0, 1] as `0%`, `0.12%`, `4.5%`, `100%`. */
export function formatPercent(ratio: number | null | undefined): string {
  if (!isNumber(ratio)) return DASH;
  if (ratio === 0) return '0%';
  return Math.abs(ratio) < 0.01 ? PERCENT_SMALL.format(ratio) : PERCENT.format(ratio);
}

/** Which formatter a chart axis or tile uses; a string so server components can pass it. */
export type ValueKind = 'count' | 'latency' | 'usd' | 'percent';

export function formatValue(kind: ValueKind, value: number | null | undefined): string {
  switch (kind) {
    case 'count':
      return formatCompactCount(value);
    case 'latency':
      return formatLatency(value);
    case 'usd':
      return formatUsd(value);
    case 'percent':
      return formatPercent(value);
  }
}

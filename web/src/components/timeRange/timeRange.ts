/**
 * The time window every explore page and metrics API reads: a preset relative to now
 * (`range=1h|24h|7d|30d`, the default is 24h) or a custom window (`from`, `to` as ISO 8601
 * times). The zod shape is shared by the pages' URL parsing and the API's query validation,
 * so a link and an API call mean the same window.
 */
import { z } from 'zod';

export const TIME_RANGE_PRESETS = {
  '1h': 60 * 60 * 1000,
  '24h': 24 * 60 * 60 * 1000,
  '7d': 7 * 24 * 60 * 60 * 1000,
  '30d': 30 * 24 * 60 * 60 * 1000,
} as const;

export type TimeRangePreset = keyof typeof TIME_RANGE_PRESETS;
export const PRESET_NAMES = Object.keys(TIME_RANGE_PRESETS) as [
  TimeRangePreset,
  ...TimeRangePreset[],
];
export const DEFAULT_PRESET: TimeRangePreset = '24h';

/** The longest custom window: data is kept 90 days, so a longer window only costs time. */
export const MAX_RANGE_DAYS = 92;

const isoTime = z.iso.datetime({ offset: true });

export const timeRangeQueryShape = {
  range: z
    .enum(PRESET_NAMES)
    .optional()
    .describe('A window ending now. Ignored when `from` is given. Default 24h.'),
  from: isoTime.optional().describe('Start of a custom window (ISO 8601, inclusive).'),
  to: isoTime.optional().describe('End of a custom window (ISO 8601, exclusive). Default now.'),
};

export interface TimeRangeQuery {
  range?: TimeRangePreset | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** zod refinement for objects built from `timeRangeQueryShape`: a custom window must make sense. */
export function checkTimeRange(query: TimeRangeQuery, ctx: z.RefinementCtx): void {
  if (query.to !== undefined && query.from === undefined) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: '`to` needs `from`' });
    return;
  }
  if (query.from === undefined) return;
  const from = Date.parse(query.from);
  const to = query.to === undefined ? Date.now() : Date.parse(query.to);
  if (!(from < to)) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: '`from` must be before `to`' });
  } else if (to - from > MAX_RANGE_DAYS * 24 * 60 * 60 * 1000) {
    ctx.addIssue({
      code: 'custom',
      path: ['from'],
      message: `the window may span at most ${MAX_RANGE_DAYS} days`,
    });
  }
}

export type MetricsBucket = 'minute' | 'hour' | 'day';

export interface ResolvedTimeRange {
  from: Date;
  to: Date;
  /** Set when the window is a preset ending now (moves with live refresh). */
  preset: TimeRangePreset | null;
  /** The series resolution that gives a readable number of points for this window. */
  bucket: MetricsBucket;
}

export function bucketFor(durationMs: number): MetricsBucket {
  if (durationMs <= 6 * 60 * 60 * 1000) return 'minute';
  if (durationMs <= 8 * 24 * 60 * 60 * 1000) return 'hour';
  return 'day';
}

/** The window a validated query means, at `now`. */
export function resolveTimeRange(query: TimeRangeQuery, now: Date = new Date()): ResolvedTimeRange {
  if (query.from !== undefined) {
    const from = new Date(query.from);
    const to = query.to === undefined ? now : new Date(query.to);
    return { from, to, preset: null, bucket: bucketFor(to.getTime() - from.getTime()) };
  }
  const preset = query.range ?? DEFAULT_PRESET;
  const durationMs = TIME_RANGE_PRESETS[preset];
  return {
    from: new Date(now.getTime() - durationMs),
    to: now,
    preset,
    bucket: bucketFor(durationMs),
  };
}

/** `last 24 hours`, or `2026-11-20 10:00 → 2026-11-21 10:00 UTC`. */
export function describeTimeRange(range: ResolvedTimeRange): string {
  if (range.preset) {
    const labels: Record<TimeRangePreset, string> = {
      '1h': 'last hour',
      '24h': 'last 24 hours',
      '7d': 'last 7 days',
      '30d': 'last 30 days',
    };
    return labels[range.preset];
  }
  const minute = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');
  return `${minute(range.from)} → ${minute(range.to)} UTC`;
}

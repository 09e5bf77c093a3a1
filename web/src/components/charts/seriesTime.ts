/**
 * Time axis of the metrics charts: bucket start times as epoch milliseconds, gaps filled so a
 * quiet hour shows as zero rather than a line drawn across it, and tick labels in UTC.
 */
import type { MetricsBucket } from '../timeRange/timeRange.ts';

const BUCKET_MS: Record<MetricsBucket, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** ClickHouse DateTime text (`2026-11-26 14:00:00`, UTC) or ISO 8601 → epoch ms (NaN if neither). */
export function parseBucketStart(text: string): number {
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  return Date.parse(iso);
}

export function bucketFloor(epochMs: number, bucket: MetricsBucket): number {
  const size = BUCKET_MS[bucket];
  return Math.floor(epochMs / size) * size;
}

/**
 * One point per bucket from `from` to `to`: the given points where they exist, `empty` for the
 * others. Capped so a bad window cannot make a huge array.
 */
export function fillSeriesGaps<P extends { bucketStart: string }>(
  points: readonly P[],
  p: {
    from: Date;
    to: Date;
    bucket: MetricsBucket;
    empty: Omit<P, 'bucketStart'>;
    maxPoints?: number;
  },
): Array<P & { time: number }> {
  const size = BUCKET_MS[p.bucket];
  const byTime = new Map<number, P>();
  for (const point of points) {
    const time = parseBucketStart(point.bucketStart);
    if (Number.isFinite(time)) byTime.set(bucketFloor(time, p.bucket), point);
  }
  const start = bucketFloor(p.from.getTime(), p.bucket);
  const end = p.to.getTime();
  const maxPoints = p.maxPoints ?? 2_000;
  if ((end - start) / size > maxPoints) {
    return [...byTime.entries()]
      .sort(([a], [b]) => a - b)
      .map(([time, point]) => ({ ...point, time }));
  }
  const filled: Array<P & { time: number }> = [];
  for (let time = start; time < end; time += size) {
    const point = byTime.get(time);
    filled.push(
      point
        ? { ...point, time }
        : ({ ...p.empty, bucketStart: new Date(time).toISOString(), time } as P & { time: number }),
    );
  }
  return filled;
}

/** `14:05` for minutes and hours, `Nov 26` for days; `Nov 26 14:00` in tooltips. */
export function formatBucketTick(epochMs: number, bucket: MetricsBucket, long = false): string {
  if (!Number.isFinite(epochMs)) return '';
  const iso = new Date(epochMs).toISOString();
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const day = `${months[Number(iso.slice(5, 7)) - 1]} ${Number(iso.slice(8, 10))}`;
  const clock = iso.slice(11, 16);
  if (bucket === 'day') return day;
  return long || clock === '00:00' ? `${day} ${clock}` : clock;
}

/**
 * Dashboard metrics of model calls (spans of kind 'llm' or 'embedding'): time series,
 * summary, breakdowns and top users. Read from the rollups of migrations 0006/0007 (per
 * minute and per hour; the per-tag tables when a tag is involved) and the per-hour user
 * rollup; ranges are therefore minute-granular (hour-granular for users): a minute belongs
 * to the range when it starts in [from rounded down to the minute, to).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { InvalidQueryError } from './queryErrors.ts';
import { rangeParams, requireLimit, type TimeRange } from './timeRange.ts';

export type { TimeRange } from './timeRange.ts';

export interface MetricsFilter {
  projectId: string;
  range: TimeRange;
  model?: string;
  environment?: string;
  promptName?: string;
  promptVersion?: string;
  tag?: string;
  name?: string;
}

export interface MetricsValues {
  requests: number;
  errors: number;
  errorRate: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedRequests: number;
}

export type MetricsBucket = 'minute' | 'hour' | 'day';
export type BreakdownDimension = 'model' | 'prompt_version' | 'environment' | 'tag' | 'name';

export const MAX_SERIES_BUCKETS = 10_000;
export const MAX_BREAKDOWN_LIMIT = 1_000;

const BUCKET_MS: Record<MetricsBucket, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

const BUCKET_EXPRESSION: Record<MetricsBucket, string> = {
  minute: 'minute',
  hour: 'toStartOfHour(minute)',
  day: 'toStartOfDay(minute)',
};

const DIMENSION_EXPRESSION: Record<BreakdownDimension, string> = {
  model: 'model',
  // A prompt version is only meaningful with its prompt: `name@version`, '' without one.
  prompt_version: "if(prompt_name = '', '', concat(prompt_name, '@', prompt_version))",
  environment: 'environment',
  tag: 'tag',
  name: 'name',
};

/** The aggregates every metrics query selects, named so they never shadow a column. */
export const METRICS_AGGREGATES = `
  sum(requests) AS m_requests,
  sum(errors) AS m_errors,
  quantilesTDigestMerge(0.5, 0.95, 0.99)(latency_ms) AS m_latency,
  quantilesTDigestIfMerge(0.5, 0.95)(ttft_ms) AS m_ttft,
  sum(input_tokens) AS m_input_tokens,
  sum(output_tokens) AS m_output_tokens,
  sum(cost_usd) AS m_cost_usd,
  sum(unpriced) AS m_unpriced`;

export interface MetricsAggregateRow {
  m_requests: string | number;
  m_errors: string | number;
  m_latency: Array<number | null>;
  m_ttft: Array<number | null>;
  m_input_tokens: string | number;
  m_output_tokens: string | number;
  m_cost_usd: number;
  m_unpriced: string | number;
}

function finiteOrNull(value: number | null | undefined, requests: number): number | null {
  if (requests === 0 || value === null || value === undefined || !Number.isFinite(value)) {
    return null;
  }
  return value;
}

export const EMPTY_METRICS: MetricsValues = {
  requests: 0,
  errors: 0,
  errorRate: 0,
  latencyP50Ms: null,
  latencyP95Ms: null,
  latencyP99Ms: null,
  ttftP50Ms: null,
  ttftP95Ms: null,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  unpricedRequests: 0,
};

export function toMetricsValues(row: MetricsAggregateRow | undefined): MetricsValues {
  if (!row) return { ...EMPTY_METRICS };
  const requests = Number(row.m_requests);
  const errors = Number(row.m_errors);
  const ttftCount = requests;
  return {
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    latencyP50Ms: finiteOrNull(row.m_latency[0], requests),
    latencyP95Ms: finiteOrNull(row.m_latency[1], requests),
    latencyP99Ms: finiteOrNull(row.m_latency[2], requests),
    ttftP50Ms: finiteOrNull(row.m_ttft[0], ttftCount),
    ttftP95Ms: finiteOrNull(row.m_ttft[1], ttftCount),
    inputTokens: Number(row.m_input_tokens),
    outputTokens: Number(row.m_output_tokens),
    costUsd: Number(row.m_cost_usd),
    unpricedRequests: Number(row.m_unpriced),
  };
}

interface RollupQuery {
  /** A subquery with the rollup rows of the range and filter (column `minute` = row start). */
  source: string;
  params: Record<string, unknown>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The per-project tier's rows in the per-combination tiers' shape (no dimensions: empty). */
const PROJECT_TIER_COLUMNS = `'' AS model, '' AS environment, '' AS prompt_name,
    '' AS prompt_version, '' AS name, requests, errors, latency_ms, ttft_ms, input_tokens,
    output_tokens, cost_usd, unpriced`;

/** `[from, to)` in epoch milliseconds; empty when `to <= from`. */
type Span = readonly [number, number];

/**
 * How a range splits over the rollup tiers, from the coarsest one allowed down: whole days,
 * then whole hours, then minutes, each finer tier covering only what the coarser one cannot.
 * Pure, so the split is tested on its own.
 */
export function splitRollupRange(
  fromMs: number,
  toMs: number,
  coarsest: MetricsBucket,
): { days: Span | undefined; hours: Span[]; minutes: Span[] } {
  const firstMinute = Math.floor(fromMs / 60_000) * 60_000;
  const hoursFrom = Math.ceil(firstMinute / HOUR_MS) * HOUR_MS;
  const hoursTo = Math.floor(toMs / HOUR_MS) * HOUR_MS;
  if (coarsest === 'minute' || hoursFrom >= hoursTo)
    return { days: undefined, hours: [], minutes: [[firstMinute, toMs]] };
  const minutes: Span[] = [
    [firstMinute, hoursFrom],
    [hoursTo, toMs],
  ];
  const daysFrom = Math.ceil(hoursFrom / DAY_MS) * DAY_MS;
  const daysTo = Math.floor(hoursTo / DAY_MS) * DAY_MS;
  if (coarsest === 'hour' || daysFrom >= daysTo)
    return { days: undefined, hours: [[hoursFrom, hoursTo]], minutes };
  return {
    days: [daysFrom, daysTo],
    hours: [
      [hoursFrom, daysFrom],
      [daysTo, hoursTo],
    ],
    minutes,
  };
}

/**
 * Which rollups answer the filter, as one bound subquery: whole days from the daily tier
 * (0015) unless the caller buckets by hour or minute, whole hours from the hourly tier (0007)
 * and the partial hours at the range's edges from the per-minute tier (0006), or the
 * per-minute tier alone when minute buckets are asked for. With a tag in the filter or the
 * breakdown, the per-tag tables. A caller that only totals the project (`projectTotals`: no
 * dimension read, no filter but the project) gets whole hours from the per-project tier
 * (0016), its dimension columns empty.
 */
export function metricsRollupQuery(
  filter: MetricsFilter,
  options: { needsTag?: boolean; bucket?: MetricsBucket; projectTotals?: boolean } = {},
): RollupQuery {
  const { fromMs, toMs } = rangeParams(filter.range);
  const useTags = options.needsTag === true || filter.tag !== undefined;
  const prefix = useTags ? 'span_tag_metrics' : 'span_metrics';
  const conditions = ['project_id = {projectId:String}'];
  const params: Record<string, unknown> = { projectId: filter.projectId };
  const optional: Array<[keyof MetricsFilter, string]> = [
    ['model', 'model'],
    ['environment', 'environment'],
    ['promptName', 'prompt_name'],
    ['promptVersion', 'prompt_version'],
    ['tag', 'tag'],
    ['name', 'name'],
  ];
  for (const [key, column] of optional) {
    const value = filter[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new InvalidQueryError(`${key} must be a string`);
    conditions.push(`${column} = {${key}:String}`);
    params[key] = value;
  }
  const columns = `${useTags ? 'tag, ' : ''}model, environment, prompt_name, prompt_version, name,
    requests, errors, latency_ms, ttft_ms, input_tokens, output_tokens, cost_usd, unpriced`;
  const filters = conditions.join(' AND ');
  // Buckets no coarser than the tier: an hour bucket cannot be answered from a day's row.
  const split = splitRollupRange(fromMs, toMs, options.bucket ?? 'day');
  const parts: string[] = [];
  const within = (column: string, spans: readonly Span[], name: string) => {
    const ranges = spans
      .filter(([from, to]) => to > from)
      .map(([from, to], index) => {
        params[`${name}From${index}`] = from;
        params[`${name}To${index}`] = to;
        return `(${column} >= fromUnixTimestamp64Milli({${name}From${index}:Int64}, 'UTC') AND ${column} < fromUnixTimestamp64Milli({${name}To${index}:Int64}, 'UTC'))`;
      });
    return ranges.length === 0 ? undefined : `(${ranges.join(' OR ')})`;
  };
  const projectHours = options.projectTotals === true && conditions.length === 1 && !useTags;
  const tiers: Array<[string, string, readonly Span[], string, string]> = [
    ['day', `${prefix}_daily`, split.days ? [split.days] : [], 'days', columns],
    projectHours
      ? ['hour', 'span_metrics_project_hourly', split.hours, 'hours', PROJECT_TIER_COLUMNS]
      : ['hour', `${prefix}_hourly`, split.hours, 'hours', columns],
    ['minute', `${prefix}_minutely`, split.minutes, 'minutes', columns],
  ];
  for (const [column, table, spans, name, selected] of tiers) {
    const range = within(column, spans, name);
    if (range) {
      parts.push(
        `SELECT ${column} AS minute, ${selected} FROM ${table} WHERE ${filters} AND ${range}`,
      );
    }
  }
  // An empty range still needs a (row-less) source of the right shape.
  if (parts.length === 0) {
    parts.push(`SELECT minute, ${columns} FROM ${prefix}_minutely WHERE 0`);
  }
  return { source: `(${parts.join('\n      UNION ALL\n      ')})`, params };
}

export async function getMetricsSummary(
  client: ClickHouseClient,
  { filter }: { filter: MetricsFilter },
): Promise<MetricsValues> {
  const { source, params } = metricsRollupQuery(filter, { projectTotals: true });
  const result = await client.query({
    query: `SELECT ${METRICS_AGGREGATES} FROM ${source}`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.metrics.summary' },
  });
  const [row] = await result.json<MetricsAggregateRow>();
  return toMetricsValues(row);
}

export async function getMetricsSeries(
  client: ClickHouseClient,
  { filter, bucket }: { filter: MetricsFilter; bucket: MetricsBucket },
): Promise<Array<MetricsValues & { bucketStart: string }>> {
  const bucketMs = BUCKET_MS[bucket];
  if (bucketMs === undefined) throw new InvalidQueryError(`Unknown bucket ${String(bucket)}`);
  const { fromMs, toMs } = rangeParams(filter.range);
  const firstBucket = Math.floor(fromMs / bucketMs) * bucketMs;
  if ((toMs - firstBucket) / bucketMs > MAX_SERIES_BUCKETS) {
    throw new InvalidQueryError(
      `The range holds more than ${MAX_SERIES_BUCKETS} ${bucket} buckets; choose a larger bucket`,
    );
  }
  const { source, params } = metricsRollupQuery(filter, { bucket, projectTotals: true });
  const result = await client.query({
    query: `SELECT toUnixTimestamp(${BUCKET_EXPRESSION[bucket]}) * 1000 AS bucket_ms, ${METRICS_AGGREGATES}
      FROM ${source}
      GROUP BY bucket_ms ORDER BY bucket_ms`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.metrics.series' },
  });
  const byBucket = new Map<number, MetricsValues>();
  for (const row of await result.json<MetricsAggregateRow & { bucket_ms: string | number }>()) {
    byBucket.set(Number(row.bucket_ms), toMetricsValues(row));
  }
  // Zero-filled so a chart shows quiet periods as quiet, not as a line across the gap.
  const series: Array<MetricsValues & { bucketStart: string }> = [];
  for (let start = firstBucket; start < toMs; start += bucketMs) {
    series.push({
      bucketStart: new Date(start).toISOString(),
      ...(byBucket.get(start) ?? EMPTY_METRICS),
    });
  }
  return series;
}

export async function getMetricsBreakdown(
  client: ClickHouseClient,
  {
    filter,
    dimension,
    limit,
  }: { filter: MetricsFilter; dimension: BreakdownDimension; limit: number },
): Promise<Array<MetricsValues & { key: string }>> {
  const expression = DIMENSION_EXPRESSION[dimension];
  if (expression === undefined) {
    throw new InvalidQueryError(`Unknown breakdown dimension ${String(dimension)}`);
  }
  requireLimit(limit, MAX_BREAKDOWN_LIMIT);
  const { source, params } = metricsRollupQuery(filter, { needsTag: dimension === 'tag' });
  const result = await client.query({
    query: `SELECT ${expression} AS m_key, ${METRICS_AGGREGATES}
      FROM ${source}
      GROUP BY m_key ORDER BY m_requests DESC, m_key LIMIT {limit:UInt32}`,
    query_params: { ...params, limit },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.metrics.breakdown' },
  });
  return (await result.json<MetricsAggregateRow & { m_key: string }>()).map((row) => ({
    key: row.m_key,
    ...toMetricsValues(row),
  }));
}

export interface TopUserRow {
  userId: string;
  requests: number;
  errors: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Users by cost in the range. Answered from the per-hour user rollup (hour-granular range)
 * unless the filter names a tag or span name, which that rollup does not keep: then from
 * spans FINAL.
 */
export async function getTopUsersByCost(
  client: ClickHouseClient,
  { filter, limit }: { filter: MetricsFilter; limit: number },
): Promise<TopUserRow[]> {
  requireLimit(limit, MAX_BREAKDOWN_LIMIT);
  const { fromMs, toMs } = rangeParams(filter.range);
  const params: Record<string, unknown> = { projectId: filter.projectId, fromMs, toMs, limit };
  const fromRollup = filter.tag === undefined && filter.name === undefined;
  const conditions = fromRollup
    ? [
        'project_id = {projectId:String}',
        "hour >= toStartOfHour(fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC'))",
        "hour < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')",
      ]
    : [
        'project_id = {projectId:String}',
        "start_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')",
        "start_time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')",
        "user_id != ''",
      ];
  const optional: Array<[keyof MetricsFilter, string, string]> = [
    ['model', 'model', 'request_model'],
    ['environment', 'environment', 'environment'],
    ['promptName', 'prompt_name', 'prompt_name'],
    ['promptVersion', 'prompt_version', 'prompt_version'],
    ['tag', 'tag', 'tags'],
    ['name', 'name', 'name'],
  ];
  for (const [key, rollupColumn, spanColumn] of optional) {
    const value = filter[key];
    if (value === undefined) continue;
    params[key] = value;
    if (key === 'tag') conditions.push(`has(tags, {tag:String})`);
    else conditions.push(`${fromRollup ? rollupColumn : spanColumn} = {${key}:String}`);
  }
  const query = fromRollup
    ? `SELECT user_id, sum(requests) AS u_requests, sum(errors) AS u_errors,
         sum(cost_usd) AS u_cost, sum(input_tokens) AS u_input, sum(output_tokens) AS u_output
       FROM user_metrics_hourly WHERE ${conditions.join(' AND ')}
       GROUP BY user_id ORDER BY u_cost DESC, u_requests DESC, user_id LIMIT {limit:UInt32}`
    : `SELECT user_id, countIf(kind IN ('llm', 'embedding')) AS u_requests,
         countIf(kind IN ('llm', 'embedding') AND status_code = 'error') AS u_errors,
         sumIf(ifNull(cost_usd, 0), kind IN ('llm', 'embedding')) AS u_cost,
         sumIf(input_tokens, kind IN ('llm', 'embedding')) AS u_input,
         sumIf(output_tokens, kind IN ('llm', 'embedding')) AS u_output
       FROM spans FINAL WHERE ${conditions.join(' AND ')}
       GROUP BY user_id ORDER BY u_cost DESC, u_requests DESC, user_id LIMIT {limit:UInt32}`;
  const result = await client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.metrics.topUsers' },
  });
  const rows = await result.json<{
    user_id: string;
    u_requests: string | number;
    u_errors: string | number;
    u_cost: number;
    u_input: string | number;
    u_output: string | number;
  }>();
  return rows.map((row) => ({
    userId: row.user_id,
    requests: Number(row.u_requests),
    errors: Number(row.u_errors),
    costUsd: Number(row.u_cost),
    inputTokens: Number(row.u_input),
    outputTokens: Number(row.u_output),
  }));
}

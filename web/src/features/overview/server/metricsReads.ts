/**
 * The overview's reads, one function per read, shared by the dashboard page and the
 * `/api/v1/projects/{projectId}/metrics/*` routes: a validated query in, the documented
 * response out.
 */
import {
  getMetricsBreakdown,
  getMetricsSeries,
  getMetricsSummary,
  getTopUsersByCost,
  type MetricsFilter,
} from '../../../../../functions/store/metricsRepository.ts';
import { withClickHouse } from '../../../server/clickhouse.ts';
import {
  resolveTimeRange,
  type ResolvedTimeRange,
} from '../../../components/timeRange/timeRange.ts';
import type {
  MetricsBreakdownResponse,
  MetricsQuery,
  MetricsSeriesResponse,
  MetricsSummaryResponse,
  TopUsersResponse,
} from '../api/operations.ts';
import { BREAKDOWN_DIMENSIONS, METRICS_BUCKETS } from '../api/operations.ts';

type Dimension = (typeof BREAKDOWN_DIMENSIONS)[number];
type Bucket = (typeof METRICS_BUCKETS)[number];

/** The repository filter a query means, over an already resolved window. */
export function metricsFilterFor(
  projectId: string,
  query: MetricsQuery,
  range: ResolvedTimeRange,
): MetricsFilter {
  const filter: MetricsFilter = { projectId, range: { from: range.from, to: range.to } };
  if (query.model) filter.model = query.model;
  if (query.environment) filter.environment = query.environment;
  if (query.promptName) filter.promptName = query.promptName;
  if (query.promptVersion) filter.promptVersion = query.promptVersion;
  if (query.tag) filter.tag = query.tag;
  if (query.name) filter.name = query.name;
  return filter;
}

function windowOf(range: ResolvedTimeRange) {
  return { from: range.from.toISOString(), to: range.to.toISOString() };
}

export async function readMetricsSummary(
  projectId: string,
  query: MetricsQuery,
  range: ResolvedTimeRange = resolveTimeRange(query),
): Promise<MetricsSummaryResponse> {
  const filter = metricsFilterFor(projectId, query, range);
  const summary = await withClickHouse((client) => getMetricsSummary(client, { filter }));
  return { ...windowOf(range), summary };
}

export async function readMetricsSeries(
  projectId: string,
  query: MetricsQuery & { bucket?: Bucket | undefined },
  range: ResolvedTimeRange = resolveTimeRange(query),
): Promise<MetricsSeriesResponse> {
  const filter = metricsFilterFor(projectId, query, range);
  const bucket = query.bucket ?? range.bucket;
  const points = await withClickHouse((client) => getMetricsSeries(client, { filter, bucket }));
  return { ...windowOf(range), bucket, points };
}

export async function readMetricsBreakdown(
  projectId: string,
  query: MetricsQuery & { dimension: Dimension; limit: number },
  range: ResolvedTimeRange = resolveTimeRange(query),
): Promise<MetricsBreakdownResponse> {
  const filter = metricsFilterFor(projectId, query, range);
  const rows = await withClickHouse((client) =>
    getMetricsBreakdown(client, { filter, dimension: query.dimension, limit: query.limit }),
  );
  return { ...windowOf(range), dimension: query.dimension, rows };
}

export async function readTopUsers(
  projectId: string,
  query: MetricsQuery & { limit: number },
  range: ResolvedTimeRange = resolveTimeRange(query),
): Promise<TopUsersResponse> {
  const filter = metricsFilterFor(projectId, query, range);
  const users = await withClickHouse((client) =>
    getTopUsersByCost(client, { filter, limit: query.limit }),
  );
  return { ...windowOf(range), users };
}

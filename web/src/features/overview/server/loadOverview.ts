/** Everything the overview page shows for one query, read in parallel. */
import { resolveTimeRange } from '../../../components/timeRange/timeRange.ts';
import type { MetricsQuery } from '../api/operations.ts';
import type { OverviewData } from '../components/OverviewDashboard.tsx';
import {
  readMetricsBreakdown,
  readMetricsSeries,
  readMetricsSummary,
  readTopUsers,
} from './metricsReads.ts';

const BREAKDOWN_ROWS = 10;

export async function loadOverview(projectId: string, query: MetricsQuery): Promise<OverviewData> {
  const range = resolveTimeRange(query);
  const breakdown = (dimension: 'model' | 'prompt_version' | 'environment' | 'tag' | 'name') =>
    readMetricsBreakdown(projectId, { ...query, dimension, limit: BREAKDOWN_ROWS }, range);
  const [summary, series, model, promptVersion, environment, tag, name, topUsers] =
    await Promise.all([
      readMetricsSummary(projectId, query, range),
      readMetricsSeries(projectId, query, range),
      breakdown('model'),
      breakdown('prompt_version'),
      breakdown('environment'),
      breakdown('tag'),
      breakdown('name'),
      readTopUsers(projectId, { ...query, limit: BREAKDOWN_ROWS }, range),
    ]);
  return {
    range,
    summary,
    series,
    breakdowns: { model, prompt_version: promptVersion, environment, tag, name },
    topUsers,
  };
}

/**
 * `/api/v1` operations of the overview dashboard: metrics of a project over a time window,
 * as totals, as a time series, broken down by a dimension, and the users who cost most. The
 * query schemas are also what the overview page parses its URL with.
 */
import { z } from 'zod';
import { defineOperation } from '../../../server/api/operations.ts';
import { checkTimeRange, timeRangeQueryShape } from '../../../components/timeRange/timeRange.ts';

const filterValue = z.string().min(1).max(256);

/** Filters every metrics read accepts (all optional, combined with AND). */
export const metricsFilterQueryShape = {
  ...timeRangeQueryShape,
  model: filterValue.optional().describe('The model the calls requested.'),
  environment: filterValue.optional(),
  promptName: filterValue.optional(),
  promptVersion: filterValue.optional(),
  tag: filterValue.optional().describe('Spans carrying this tag.'),
  name: filterValue.optional().describe('The model call span’s name.'),
};

export const MetricsQuerySchema = z.object(metricsFilterQueryShape).superRefine(checkTimeRange);
export type MetricsQuery = z.infer<typeof MetricsQuerySchema>;

export const METRICS_BUCKETS = ['minute', 'hour', 'day'] as const;
export const BREAKDOWN_DIMENSIONS = [
  'model',
  'prompt_version',
  'environment',
  'tag',
  'name',
] as const;

export const MetricsSeriesQuerySchema = z
  .object({
    ...metricsFilterQueryShape,
    bucket: z
      .enum(METRICS_BUCKETS)
      .optional()
      .describe('Point spacing; by default chosen from the window length.'),
  })
  .superRefine(checkTimeRange);

export const MetricsBreakdownQuerySchema = z
  .object({
    ...metricsFilterQueryShape,
    dimension: z.enum(BREAKDOWN_DIMENSIONS),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .superRefine(checkTimeRange);

export const TopUsersQuerySchema = z
  .object({
    ...metricsFilterQueryShape,
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .superRefine(checkTimeRange);

export const MetricsValuesSchema = z.object({
  requests: z.number(),
  errors: z.number(),
  errorRate: z.number().describe('errors / requests, 0 when there are no requests'),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  latencyP99Ms: z.number().nullable(),
  ttftP50Ms: z.number().nullable(),
  ttftP95Ms: z.number().nullable(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number().describe('Cost of the priced requests only'),
  unpricedRequests: z.number().describe('Requests without a price (unknown model or no usage)'),
});
export type MetricsValuesView = z.infer<typeof MetricsValuesSchema>;

const windowFields = {
  from: z.string().describe('Start of the window read (ISO 8601)'),
  to: z.string().describe('End of the window read (ISO 8601)'),
};

export const MetricsSummaryResponseSchema = z.object({
  ...windowFields,
  summary: MetricsValuesSchema,
});
export const MetricsSeriesResponseSchema = z.object({
  ...windowFields,
  bucket: z.enum(METRICS_BUCKETS),
  points: z.array(MetricsValuesSchema.extend({ bucketStart: z.string() })),
});
export const MetricsBreakdownResponseSchema = z.object({
  ...windowFields,
  dimension: z.enum(BREAKDOWN_DIMENSIONS),
  rows: z.array(MetricsValuesSchema.extend({ key: z.string() })),
});
export const TopUsersResponseSchema = z.object({
  ...windowFields,
  users: z.array(
    z.object({
      userId: z.string(),
      requests: z.number(),
      errors: z.number(),
      costUsd: z.number(),
      inputTokens: z.number(),
      outputTokens: z.number(),
    }),
  ),
});

export type MetricsSummaryResponse = z.infer<typeof MetricsSummaryResponseSchema>;
export type MetricsSeriesResponse = z.infer<typeof MetricsSeriesResponseSchema>;
export type MetricsBreakdownResponse = z.infer<typeof MetricsBreakdownResponseSchema>;
export type TopUsersResponse = z.infer<typeof TopUsersResponseSchema>;

const TAG = 'Metrics';

export const getMetricsSummaryOperation = defineOperation({
  id: 'getMetricsSummary',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/metrics/summary',
  summary:
    'Totals over a window: requests, error rate, latency and TTFT percentiles, tokens, cost.',
  tag: TAG,
  permission: 'metrics:read',
  query: MetricsQuerySchema,
  response: MetricsSummaryResponseSchema,
});

export const getMetricsSeriesOperation = defineOperation({
  id: 'getMetricsSeries',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/metrics/series',
  summary: 'The same metrics per minute, hour or day over a window.',
  tag: TAG,
  permission: 'metrics:read',
  query: MetricsSeriesQuerySchema,
  response: MetricsSeriesResponseSchema,
});

export const getMetricsBreakdownOperation = defineOperation({
  id: 'getMetricsBreakdown',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/metrics/breakdown',
  summary: 'The metrics per model, prompt version, environment, tag or route, largest first.',
  tag: TAG,
  permission: 'metrics:read',
  query: MetricsBreakdownQuerySchema,
  response: MetricsBreakdownResponseSchema,
});

export const getTopUsersOperation = defineOperation({
  id: 'getTopUsersByCost',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/metrics/top-users',
  summary: 'The users who cost most over a window.',
  tag: TAG,
  permission: 'metrics:read',
  query: TopUsersQuerySchema,
  response: TopUsersResponseSchema,
});

export const overviewOperations = [
  getMetricsSummaryOperation,
  getMetricsSeriesOperation,
  getMetricsBreakdownOperation,
  getTopUsersOperation,
];

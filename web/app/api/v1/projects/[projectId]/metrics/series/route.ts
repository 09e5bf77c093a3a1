/** `GET /api/v1/projects/{projectId}/metrics/series`. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { getMetricsSeriesOperation } from '../../../../../../../src/features/overview/api/operations.ts';
import { readMetricsSeries } from '../../../../../../../src/features/overview/server/metricsReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getMetricsSeriesOperation, ({ access, query }) =>
  readMetricsSeries(access.projectId, query),
);

/** `GET /api/v1/projects/{projectId}/metrics/summary`. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { getMetricsSummaryOperation } from '../../../../../../../src/features/overview/api/operations.ts';
import { readMetricsSummary } from '../../../../../../../src/features/overview/server/metricsReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getMetricsSummaryOperation, ({ access, query }) =>
  readMetricsSummary(access.projectId, query),
);

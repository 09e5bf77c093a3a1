/** `GET /api/v1/projects/{projectId}/metrics/breakdown`. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { getMetricsBreakdownOperation } from '../../../../../../../src/features/overview/api/operations.ts';
import { readMetricsBreakdown } from '../../../../../../../src/features/overview/server/metricsReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getMetricsBreakdownOperation, ({ access, query }) =>
  readMetricsBreakdown(access.projectId, query),
);

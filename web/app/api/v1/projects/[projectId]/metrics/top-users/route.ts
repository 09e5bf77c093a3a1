/** `GET /api/v1/projects/{projectId}/metrics/top-users`. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { getTopUsersOperation } from '../../../../../../../src/features/overview/api/operations.ts';
import { readTopUsers } from '../../../../../../../src/features/overview/server/metricsReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getTopUsersOperation, ({ access, query }) =>
  readTopUsers(access.projectId, query),
);

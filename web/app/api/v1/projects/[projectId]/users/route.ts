/** `GET /api/v1/projects/{projectId}/users`: per-user usage, cost and errors. */
import { apiRoute } from '../../../../../../src/server/api/apiRoute.ts';
import { listUsersOperation } from '../../../../../../src/features/users/api/operations.ts';
import { readUserList } from '../../../../../../src/features/users/server/userReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listUsersOperation, ({ access, query }) =>
  readUserList(access.projectId, query),
);

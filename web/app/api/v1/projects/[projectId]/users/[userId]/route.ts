/** `GET /api/v1/projects/{projectId}/users/{userId}`: one user's traces. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { ApiError } from '../../../../../../../src/server/api/apiErrors.ts';
import {
  ExternalIdSchema,
  getUserOperation,
} from '../../../../../../../src/features/users/api/operations.ts';
import { readUserTraces } from '../../../../../../../src/features/users/server/userReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getUserOperation, ({ access, params, query }) => {
  const userId = ExternalIdSchema.safeParse(params.userId);
  if (!userId.success) throw new ApiError('INVALID_REQUEST', 'The user id is not valid.');
  return readUserTraces(access, userId.data, query);
});

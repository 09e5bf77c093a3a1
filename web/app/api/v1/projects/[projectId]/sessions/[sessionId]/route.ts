/** `GET /api/v1/projects/{projectId}/sessions/{sessionId}`: one session's traces in order. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { ApiError } from '../../../../../../../src/server/api/apiErrors.ts';
import {
  ExternalIdSchema,
  getSessionOperation,
} from '../../../../../../../src/features/users/api/operations.ts';
import { readSession } from '../../../../../../../src/features/users/server/userReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getSessionOperation, ({ access, params, query }) => {
  const sessionId = ExternalIdSchema.safeParse(params.sessionId);
  if (!sessionId.success) throw new ApiError('INVALID_REQUEST', 'The session id is not valid.');
  return readSession(access, sessionId.data, query);
});

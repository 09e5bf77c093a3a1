/** `GET /api/v1/projects/{projectId}/traces/{traceId}`: one trace in full. */
import { apiRoute } from '../../../../../../../src/server/api/apiRoute.ts';
import { ApiError } from '../../../../../../../src/server/api/apiErrors.ts';
import {
  getTraceOperation,
  TraceIdSchema,
} from '../../../../../../../src/features/traces/api/operations.ts';
import { readTrace } from '../../../../../../../src/features/traces/server/traceReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getTraceOperation, async ({ access, params }) => {
  const traceId = TraceIdSchema.safeParse(params.traceId);
  if (!traceId.success) {
    throw new ApiError('INVALID_REQUEST', 'The trace id is not valid.', [
      { path: ['traceId'], message: traceId.error.issues[0]?.message ?? 'invalid' },
    ]);
  }
  const trace = await readTrace(access, traceId.data);
  if (!trace) throw new ApiError('NOT_FOUND', 'No trace with this id in this project.');
  return trace;
});

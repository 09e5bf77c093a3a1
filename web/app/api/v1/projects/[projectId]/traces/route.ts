/** `GET /api/v1/projects/{projectId}/traces`: search traces. */
import { apiRoute } from '../../../../../../src/server/api/apiRoute.ts';
import { listTracesOperation } from '../../../../../../src/features/traces/api/operations.ts';
import { readTraceList } from '../../../../../../src/features/traces/server/traceReads.ts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listTracesOperation, ({ access, query }) =>
  readTraceList(access, query),
);

/**
 * The users and sessions views' reads, one function per read, shared by the pages and the
 * `/api/v1/projects/{projectId}/(users|sessions)` routes. A user's and a session's traces are
 * trace searches with that filter, so they follow the same content rules as the explorer.
 */
import { listUsers } from '../../../../../functions/store/usersRepository.ts';
import type { ProjectAccess } from '../../../server/access/requireAccess.ts';
import {
  resolveTimeRange,
  type ResolvedTimeRange,
} from '../../../components/timeRange/timeRange.ts';
import { withClickHouse } from '../../../server/clickhouse.ts';
import { readTraceList } from '../../traces/server/traceReads.ts';
import type {
  SessionResponse,
  TracePageQuery,
  UserListQuery,
  UserListResponse,
  UserTracesResponse,
} from '../api/operations.ts';

export async function readUserList(
  projectId: string,
  query: UserListQuery,
  range: ResolvedTimeRange = resolveTimeRange(query),
): Promise<UserListResponse> {
  const page = await withClickHouse((client) =>
    listUsers(client, {
      projectId,
      range: { from: range.from, to: range.to },
      limit: query.limit,
      sort: query.sort,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    }),
  );
  return { from: range.from.toISOString(), to: range.to.toISOString(), ...page };
}

export async function readUserTraces(
  access: ProjectAccess,
  userId: string,
  query: TracePageQuery,
): Promise<UserTracesResponse> {
  const page = await readTraceList(access, {
    ...query,
    userId,
    textMode: 'token',
    sort: 'start_time',
    direction: 'desc',
  });
  return {
    userId,
    from: page.from,
    to: page.to,
    traces: page.rows,
    nextCursor: page.nextCursor,
    contentHidden: page.contentHidden,
  };
}

/** Sessions usually span more than a day: without a window, the last 30 days. */
export async function readSession(
  access: ProjectAccess,
  sessionId: string,
  query: TracePageQuery,
): Promise<SessionResponse> {
  const windowed = query.from || query.range ? query : { ...query, range: '30d' as const };
  const page = await readTraceList(access, {
    ...windowed,
    sessionId,
    textMode: 'token',
    sort: 'start_time',
    direction: 'asc',
  });
  return {
    sessionId,
    from: page.from,
    to: page.to,
    traces: page.rows,
    nextCursor: page.nextCursor,
    contentHidden: page.contentHidden,
  };
}

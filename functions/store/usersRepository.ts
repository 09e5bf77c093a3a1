/**
 * The users view: per-user model calls, traces, errors, tokens and cost in a time range,
 * from the per-hour user rollup of migration 0006 (the range is hour-granular: hours that
 * start in [from rounded down, to)). Paginated with opaque keyset cursors.
 * A user's traces and sessions are `searchTraces` with a userId / sessionId filter.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { decodeCursor, encodeCursor } from './queryCursor.ts';
import { InvalidQueryError } from './queryErrors.ts';
import { rangeParams, requireLimit, type TimeRange } from './timeRange.ts';

export type UserSort = 'cost' | 'requests' | 'errors' | 'last_seen';

export interface UserRow {
  userId: string;
  requests: number;
  traces: number;
  errors: number;
  errorRate: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  firstSeen: string;
  lastSeen: string;
}

export const MAX_USERS_PAGE = 500;

const SORT_EXPRESSION: Record<UserSort, string> = {
  cost: 'round(u_cost, 9)',
  requests: 'toFloat64(u_requests)',
  errors: 'toFloat64(u_errors)',
  last_seen: 'toFloat64(toUnixTimestamp64Micro(u_last_seen))',
};

export async function listUsers(
  client: ClickHouseClient,
  {
    projectId,
    range,
    limit,
    cursor,
    sort = 'cost',
  }: { projectId: string; range: TimeRange; limit: number; cursor?: string; sort?: UserSort },
): Promise<{ rows: UserRow[]; nextCursor: string | null }> {
  requireLimit(limit, MAX_USERS_PAGE);
  const sortExpression = SORT_EXPRESSION[sort];
  if (sortExpression === undefined) throw new InvalidQueryError(`Unknown sort ${String(sort)}`);
  const { fromMs, toMs } = rangeParams(range);
  const scope = `users:${sort}:desc`;
  const after = cursor === undefined ? undefined : decodeCursor(cursor, scope);
  const params: Record<string, unknown> = { projectId, fromMs, toMs, limit: limit + 1 };
  let having = '';
  if (after) {
    having =
      'HAVING u_sort < {after:Float64} OR (u_sort = {after:Float64} AND user_id > {afterId:String})';
    params.after = after.after;
    params.afterId = after.id;
  }
  const result = await client.query({
    query: `SELECT user_id,
        sum(requests) AS u_requests,
        uniqMerge(traces) AS u_traces,
        sum(errors) AS u_errors,
        sum(cost_usd) AS u_cost,
        sum(input_tokens) AS u_input,
        sum(output_tokens) AS u_output,
        min(first_seen) AS u_first_seen,
        max(last_seen) AS u_last_seen,
        formatDateTime(u_first_seen, '%Y-%m-%dT%H:%i:%S.%fZ') AS u_first_text,
        formatDateTime(u_last_seen, '%Y-%m-%dT%H:%i:%S.%fZ') AS u_last_text,
        ${sortExpression} AS u_sort
      FROM user_metrics_hourly
      WHERE project_id = {projectId:String}
        AND hour >= toStartOfHour(fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC'))
        AND hour < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
      GROUP BY user_id
      ${having}
      ORDER BY u_sort DESC, user_id ASC
      LIMIT {limit:UInt32}`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.users.list' },
  });
  const rows = await result.json<{
    user_id: string;
    u_requests: string | number;
    u_traces: string | number;
    u_errors: string | number;
    u_cost: number;
    u_input: string | number;
    u_output: string | number;
    u_first_text: string;
    u_last_text: string;
    u_sort: number;
  }>();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map((row) => {
      const requests = Number(row.u_requests);
      const errors = Number(row.u_errors);
      return {
        userId: row.user_id,
        requests,
        traces: Number(row.u_traces),
        errors,
        errorRate: requests === 0 ? 0 : errors / requests,
        costUsd: Number(row.u_cost),
        inputTokens: Number(row.u_input),
        outputTokens: Number(row.u_output),
        firstSeen: row.u_first_text,
        lastSeen: row.u_last_text,
      };
    }),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ scope, after: Number(last.u_sort), id: last.user_id })
        : null,
  };
}

/**
 * The trace explorer's list: traces (spans grouped by trace id) of one project and time
 * range, filtered, sorted and paginated with opaque keyset cursors.
 *
 * A trace belongs to the list when its first span in the range starts in the range; its
 * row sums and collects the spans it has in the range. Span filters (model, user, session,
 * prompt, environment, tags, PII, text) keep the traces with at least one matching span;
 * trace filters (status, cost, latency, eval score) apply to the trace as a whole.
 *
 * Sorted by start time, the first pages are found in narrow windows at the newest (or
 * oldest) end of the range before the whole range is read: a window that already holds
 * more than a page answers exactly, because every trace outside it sorts after it.
 * Text search uses the text indexes on lower(input_text) / lower(output_text): `token` mode
 * (every word present, any order) is answered from the index alone; `substring` mode scans
 * the text, narrowed by the index when the needle contains a whole word.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { decodeCursor, encodeCursor } from './queryCursor.ts';
import { InvalidCursorError, InvalidQueryError } from './queryErrors.ts';
import { rangeParams, requireLimit, type TimeRange } from './timeRange.ts';

export { InvalidCursorError, InvalidQueryError } from './queryErrors.ts';

export interface TraceSearchFilter {
  projectId: string;
  range: TimeRange;
  models?: string[];
  status?: 'ok' | 'error';
  userId?: string;
  sessionId?: string;
  promptName?: string;
  promptVersion?: string;
  environment?: string;
  tags?: string[];
  hasPii?: boolean;
  piiType?: string;
  evalName?: string;
  evalScoreMin?: number;
  evalScoreMax?: number;
  costMin?: number;
  costMax?: number;
  latencyMinMs?: number;
  latencyMaxMs?: number;
  text?: string;
  textMode?: 'token' | 'substring';
}

export type TraceSortField = 'start_time' | 'duration_ms' | 'cost_usd' | 'total_tokens';

export interface TraceSort {
  field: TraceSortField;
  direction: 'asc' | 'desc';
}

export interface TraceListRow {
  traceId: string;
  name: string;
  startTime: string;
  durationMs: number;
  status: 'ok' | 'error' | 'unset';
  model: string;
  userId: string;
  sessionId: string;
  promptName: string;
  promptVersion: string;
  environment: string;
  tags: string[];
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  piiTypes: string[];
  secretCount: number;
  injectionScore: number;
  evalFailed: string[];
  inputPreview: string;
  outputPreview: string;
  spanCount: number;
}

export const MAX_TRACE_PAGE = 500;
export const MAX_TEXT_CHARS = 500;
const PREVIEW_CHARS = 240;
const MAX_LIST_VALUES = 50;
const MAX_VALUE_CHARS = 1_000;

/** Windows tried at the sorted end of the range before the whole range, in microseconds. */
const NARROW_WINDOWS_US = [3_600e6, 86_400e6, 7 * 86_400e6];

/**
 * How far before and after a narrow window a trace's other spans are gathered. A trace whose
 * spans are further apart than this around the window's edge is listed by the spans within
 * it (its start may then show later than it was); the whole-range pass has no such bound.
 */
export const TRACE_SLACK_US = 3_600e6;

const SORT_EXPRESSION: Record<TraceSortField, string> = {
  start_time: 'toFloat64(toUnixTimestamp64Micro(t_start))',
  duration_ms: 't_duration_ms',
  // Rounded so that a sum whose addition order varies between runs keeps one cursor value.
  cost_usd: 'round(ifNull(t_cost, 0), 9)',
  total_tokens: 'toFloat64(t_input_tokens + t_output_tokens)',
};

interface BuiltFilter {
  spanConditions: string[];
  traceConditions: string[];
  outerConditions: string[];
  params: Record<string, unknown>;
}

function boundedString(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > MAX_VALUE_CHARS) {
    throw new InvalidQueryError(`${name} must be a string of at most ${MAX_VALUE_CHARS} chars`);
  }
  return value;
}

function boundedList(name: string, values: string[] | undefined): string[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (
    !Array.isArray(values) ||
    values.length > MAX_LIST_VALUES ||
    values.some((value) => typeof value !== 'string' || value.length > MAX_VALUE_CHARS)
  ) {
    throw new InvalidQueryError(`${name} must be at most ${MAX_LIST_VALUES} strings`);
  }
  return values;
}

function numberRange(
  name: string,
  min: number | undefined,
  max: number | undefined,
): [number | undefined, number | undefined] {
  for (const value of [min, max]) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new InvalidQueryError(`${name} bounds must be finite numbers`);
    }
  }
  if (min !== undefined && max !== undefined && min > max) {
    throw new InvalidQueryError(`${name}: the minimum is above the maximum`);
  }
  return [min, max];
}

/** `%`, `_` and `\` are LIKE's own characters: matched literally in a substring search. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export function buildTraceFilter(filter: TraceSearchFilter): BuiltFilter {
  const spanConditions: string[] = [];
  const traceConditions: string[] = [];
  const outerConditions: string[] = [];
  const params: Record<string, unknown> = {};
  const equal: Array<[keyof TraceSearchFilter, string]> = [
    ['userId', 'user_id'],
    ['sessionId', 'session_id'],
    ['promptName', 'prompt_name'],
    ['promptVersion', 'prompt_version'],
    ['environment', 'environment'],
  ];
  for (const [key, column] of equal) {
    const value = boundedString(key, filter[key] as string | undefined);
    if (value === undefined) continue;
    spanConditions.push(`${column} = {${key}:String}`);
    params[key] = value;
  }
  const models = boundedList('models', filter.models);
  if (models) {
    spanConditions.push('request_model IN {models:Array(String)}');
    params.models = models;
  }
  const tags = boundedList('tags', filter.tags);
  if (tags) {
    spanConditions.push('hasAny(tags, {tags:Array(String)})');
    traceConditions.push('hasAll(t_tags, {tags:Array(String)})');
    params.tags = tags;
  }
  const piiType = boundedString('piiType', filter.piiType);
  if (piiType !== undefined) {
    spanConditions.push('has(pii_types, {piiType:String})');
    params.piiType = piiType;
  }
  if (filter.hasPii === true) spanConditions.push('pii_count > 0');
  if (filter.hasPii === false) traceConditions.push('t_pii_count = 0');
  if (filter.status !== undefined) {
    if (filter.status !== 'ok' && filter.status !== 'error') {
      throw new InvalidQueryError('status must be ok or error');
    }
    traceConditions.push(filter.status === 'error' ? 't_errors > 0' : 't_errors = 0');
  }
  const [costMin, costMax] = numberRange('cost', filter.costMin, filter.costMax);
  if (costMin !== undefined) {
    traceConditions.push('ifNull(t_cost, 0) >= {costMin:Float64}');
    params.costMin = costMin;
  }
  if (costMax !== undefined) {
    traceConditions.push('ifNull(t_cost, 0) <= {costMax:Float64}');
    params.costMax = costMax;
  }
  const [latencyMin, latencyMax] = numberRange('latency', filter.latencyMinMs, filter.latencyMaxMs);
  if (latencyMin !== undefined) {
    traceConditions.push('t_duration_ms >= {latencyMin:Float64}');
    params.latencyMin = latencyMin;
  }
  if (latencyMax !== undefined) {
    traceConditions.push('t_duration_ms <= {latencyMax:Float64}');
    params.latencyMax = latencyMax;
  }
  const evalName = boundedString('evalName', filter.evalName);
  const [scoreMin, scoreMax] = numberRange('evalScore', filter.evalScoreMin, filter.evalScoreMax);
  if (evalName !== undefined || scoreMin !== undefined || scoreMax !== undefined) {
    const evalConditions = ['project_id = {projectId:String}'];
    if (evalName !== undefined) {
      evalConditions.push('evaluator = {evalName:String}');
      params.evalName = evalName;
    }
    if (scoreMin !== undefined) {
      evalConditions.push('value >= {evalScoreMin:Float64}');
      params.evalScoreMin = scoreMin;
    }
    if (scoreMax !== undefined) {
      evalConditions.push('value <= {evalScoreMax:Float64}');
      params.evalScoreMax = scoreMax;
    }
    outerConditions.push(
      `trace_id IN (SELECT trace_id FROM eval_scores FINAL WHERE ${evalConditions.join(' AND ')})`,
    );
  }
  if (filter.text !== undefined) {
    const text = typeof filter.text === 'string' ? filter.text.trim().toLowerCase() : '';
    if (text.length === 0 || text.length > MAX_TEXT_CHARS) {
      throw new InvalidQueryError(`text must be 1 to ${MAX_TEXT_CHARS} characters`);
    }
    const mode = filter.textMode ?? 'token';
    if (mode === 'token') {
      // The index's tokenizer (splitByNonAlpha) keeps runs of letters and digits.
      if (!/[\p{L}\p{N}]/u.test(text)) {
        throw new InvalidQueryError('A token search needs at least one letter or digit');
      }
      spanConditions.push(
        '(hasAllTokens(lower(input_text), {text:String}) OR hasAllTokens(lower(output_text), {text:String}))',
      );
      params.text = text;
    } else if (mode === 'substring') {
      spanConditions.push(
        '(lower(input_text) LIKE {textPattern:String} OR lower(output_text) LIKE {textPattern:String})',
      );
      params.textPattern = likePattern(text);
    } else {
      throw new InvalidQueryError('textMode must be token or substring');
    }
  }
  return { spanConditions, traceConditions, outerConditions, params };
}

interface TraceAggregateRow {
  trace_id: string;
  t_name: string;
  t_start_text: string;
  t_duration_ms: number;
  t_errors: string | number;
  t_oks: string | number;
  t_model: string;
  t_user: string;
  t_session: string;
  t_prompt: [string, string];
  t_environment: string;
  t_tags: string[];
  t_input_tokens: string | number;
  t_output_tokens: string | number;
  t_cost: number | null;
  t_pii_types: string[];
  t_secrets: string | number;
  t_injection: number;
  t_eval_failed: string[];
  t_spans: string | number;
  t_sort: number;
}

const TRACE_AGGREGATES = `
  argMin(name, (parent_span_id != '', start_time)) AS t_name,
  min(start_time) AS t_start,
  formatDateTime(t_start, '%Y-%m-%dT%H:%i:%S.%fZ') AS t_start_text,
  (max(toUnixTimestamp64Micro(end_time)) - toUnixTimestamp64Micro(t_start)) / 1000 AS t_duration_ms,
  countIf(status_code = 'error') AS t_errors,
  countIf(status_code = 'ok') AS t_oks,
  argMinIf(request_model, start_time, request_model != '') AS t_model,
  argMinIf(user_id, start_time, user_id != '') AS t_user,
  argMinIf(session_id, start_time, session_id != '') AS t_session,
  argMinIf((prompt_name, prompt_version), start_time, prompt_name != '') AS t_prompt,
  argMinIf(environment, start_time, environment != '') AS t_environment,
  arraySort(groupUniqArrayArray(tags)) AS t_tags,
  sum(input_tokens) AS t_input_tokens,
  sum(output_tokens) AS t_output_tokens,
  sumOrNull(cost_usd) AS t_cost,
  arraySort(groupUniqArrayArray(pii_types)) AS t_pii_types,
  sum(pii_count) AS t_pii_count,
  sum(secret_count) AS t_secrets,
  max(injection_score) AS t_injection,
  arraySort(groupUniqArrayArray(eval_failed)) AS t_eval_failed,
  count() AS t_spans`;

interface Window {
  fromUs: number;
  toUs: number;
}

async function queryWindow(
  client: ClickHouseClient,
  args: {
    filter: TraceSearchFilter;
    built: BuiltFilter;
    sort: TraceSort;
    rangeUs: Window;
    window: Window;
    cursor: { after: number; id: string } | undefined;
    limit: number;
  },
): Promise<TraceAggregateRow[]> {
  const { built, sort, rangeUs, window, cursor, limit } = args;
  const descending = sort.direction === 'desc';
  const narrowed = window.fromUs > rangeUs.fromUs || window.toUs < rangeUs.toUs;
  // A narrow window only needs the spans around it, not the whole range (see TRACE_SLACK_US).
  const spansFromUs = narrowed
    ? Math.max(rangeUs.fromUs, window.fromUs - TRACE_SLACK_US)
    : rangeUs.fromUs;
  const spansToUs = narrowed ? Math.min(rangeUs.toUs, window.toUs + TRACE_SLACK_US) : rangeUs.toUs;
  const params: Record<string, unknown> = {
    ...built.params,
    projectId: args.filter.projectId,
    rangeFromUs: spansFromUs,
    rangeToUs: spansToUs,
    windowFromUs: window.fromUs,
    windowToUs: window.toUs,
    limit: limit + 1,
  };
  const where = [
    'project_id = {projectId:String}',
    "start_time >= fromUnixTimestamp64Micro({rangeFromUs:Int64}, 'UTC')",
    "start_time < fromUnixTimestamp64Micro({rangeToUs:Int64}, 'UTC')",
    ...built.outerConditions,
  ];
  if (narrowed || built.spanConditions.length > 0) {
    where.push(`trace_id IN (
      SELECT trace_id FROM spans
      WHERE project_id = {projectId:String}
        AND start_time >= fromUnixTimestamp64Micro({windowFromUs:Int64}, 'UTC')
        AND start_time < fromUnixTimestamp64Micro({windowToUs:Int64}, 'UTC')
        ${built.spanConditions.map((condition) => `AND ${condition}`).join('\n')})`);
  }
  const having = [...built.traceConditions];
  if (narrowed) {
    having.push(
      "t_start >= fromUnixTimestamp64Micro({windowFromUs:Int64}, 'UTC')",
      "t_start < fromUnixTimestamp64Micro({windowToUs:Int64}, 'UTC')",
    );
  }
  if (cursor) {
    having.push(
      descending
        ? '(t_sort < {after:Float64} OR (t_sort = {after:Float64} AND trace_id < {afterId:String}))'
        : '(t_sort > {after:Float64} OR (t_sort = {after:Float64} AND trace_id > {afterId:String}))',
    );
    params.after = cursor.after;
    params.afterId = cursor.id;
  }
  const direction = descending ? 'DESC' : 'ASC';
  const result = await client.query({
    query: `SELECT trace_id, ${TRACE_AGGREGATES}, ${SORT_EXPRESSION[sort.field]} AS t_sort
      FROM spans FINAL
      WHERE ${where.join(' AND ')}
      GROUP BY trace_id
      ${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}
      ORDER BY t_sort ${direction}, trace_id ${direction}
      LIMIT {limit:UInt32}`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.traces.search' },
  });
  return result.json<TraceAggregateRow>();
}

/**
 * The windows to try, narrowest first, ending with the whole (remaining) range. Filters
 * included: a user's or a common word's traces fill a page within a day or a week, and a
 * rare one costs the narrow passes, which read a small fraction of the range, before the
 * whole range (where the trace-id bloom filter then prunes the few matches' granules).
 */
function windowsFor(sort: TraceSort, range: Window): Window[] {
  if (sort.field !== 'start_time') return [range];
  const windows: Window[] = [];
  for (const width of NARROW_WINDOWS_US) {
    if (width >= range.toUs - range.fromUs) break;
    windows.push(
      sort.direction === 'desc'
        ? { fromUs: range.toUs - width, toUs: range.toUs }
        : { fromUs: range.fromUs, toUs: range.fromUs + width },
    );
  }
  windows.push(range);
  return windows;
}

async function fetchPreviews(
  client: ClickHouseClient,
  args: { projectId: string; rangeUs: Window; traceIds: string[] },
): Promise<Map<string, { input: string; output: string }>> {
  if (args.traceIds.length === 0) return new Map();
  const result = await client.query({
    query: `SELECT trace_id,
        argMinIf(leftUTF8(input_text, {chars:UInt32}), start_time, input_text != '') AS input_preview,
        argMaxIf(leftUTF8(output_text, {chars:UInt32}), end_time, output_text != '') AS output_preview
      FROM spans
      WHERE project_id = {projectId:String}
        AND start_time >= fromUnixTimestamp64Micro({rangeFromUs:Int64}, 'UTC')
        AND start_time < fromUnixTimestamp64Micro({rangeToUs:Int64}, 'UTC')
        AND trace_id IN {traceIds:Array(String)}
      GROUP BY trace_id`,
    query_params: {
      projectId: args.projectId,
      rangeFromUs: args.rangeUs.fromUs,
      rangeToUs: args.rangeUs.toUs,
      traceIds: args.traceIds,
      chars: PREVIEW_CHARS,
    },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.traces.previews' },
  });
  const rows = await result.json<{
    trace_id: string;
    input_preview: string;
    output_preview: string;
  }>();
  return new Map(
    rows.map((row) => [row.trace_id, { input: row.input_preview, output: row.output_preview }]),
  );
}

function toTraceListRow(
  row: TraceAggregateRow,
  preview: { input: string; output: string } | undefined,
): TraceListRow {
  const errors = Number(row.t_errors);
  return {
    traceId: row.trace_id,
    name: row.t_name,
    startTime: row.t_start_text,
    durationMs: Number(row.t_duration_ms),
    status: errors > 0 ? 'error' : Number(row.t_oks) > 0 ? 'ok' : 'unset',
    model: row.t_model,
    userId: row.t_user,
    sessionId: row.t_session,
    promptName: row.t_prompt[0],
    promptVersion: row.t_prompt[1],
    environment: row.t_environment,
    tags: row.t_tags,
    inputTokens: Number(row.t_input_tokens),
    outputTokens: Number(row.t_output_tokens),
    costUsd: row.t_cost === null ? null : Number(row.t_cost),
    piiTypes: row.t_pii_types,
    secretCount: Number(row.t_secrets),
    injectionScore: Number(row.t_injection),
    evalFailed: row.t_eval_failed,
    inputPreview: preview?.input ?? '',
    outputPreview: preview?.output ?? '',
    spanCount: Number(row.t_spans),
  };
}

/** `2026-11-26T15:51:00.123456Z` → epoch microseconds. */
function fromIsoMicros(text: string): number {
  const [seconds = '', fraction = ''] = text.replace('Z', '').split('.');
  return Date.parse(`${seconds}Z`) * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

export async function searchTraces(
  client: ClickHouseClient,
  {
    filter,
    sort,
    limit,
    cursor,
  }: { filter: TraceSearchFilter; sort: TraceSort; limit: number; cursor?: string },
): Promise<{ rows: TraceListRow[]; nextCursor: string | null }> {
  requireLimit(limit, MAX_TRACE_PAGE);
  if (SORT_EXPRESSION[sort.field] === undefined) {
    throw new InvalidQueryError(`Unknown sort field ${String(sort.field)}`);
  }
  if (sort.direction !== 'asc' && sort.direction !== 'desc') {
    throw new InvalidQueryError('sort direction must be asc or desc');
  }
  const { fromMs, toMs } = rangeParams(filter.range);
  const built = buildTraceFilter(filter);
  const scope = `traces:${sort.field}:${sort.direction}`;
  const after = cursor === undefined ? undefined : decodeCursor(cursor, scope);
  const rangeUs: Window = { fromUs: fromMs * 1000, toUs: toMs * 1000 };
  // Past a start-time cursor nothing can sort before it: the windows start from there.
  let remaining = rangeUs;
  if (after && sort.field === 'start_time') {
    if (!Number.isSafeInteger(after.after)) throw new InvalidCursorError();
    remaining =
      sort.direction === 'desc'
        ? { fromUs: rangeUs.fromUs, toUs: Math.min(rangeUs.toUs, after.after + 1) }
        : { fromUs: Math.max(rangeUs.fromUs, after.after), toUs: rangeUs.toUs };
  }
  let rows: TraceAggregateRow[] = [];
  if (remaining.toUs > remaining.fromUs) {
    for (const window of windowsFor(sort, remaining)) {
      rows = await queryWindow(client, {
        filter,
        built,
        sort,
        rangeUs,
        window,
        cursor: after,
        limit,
      });
      if (rows.length > limit) break;
    }
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ scope, after: Number(last.t_sort), id: last.trace_id })
      : null;
  // The page's traces started between its first and last start: their spans lie there
  // (plus the slack), which keeps the preview read to a few granules.
  const starts = page.map((row) => fromIsoMicros(row.t_start_text));
  const previews = await fetchPreviews(client, {
    projectId: filter.projectId,
    rangeUs: {
      fromUs: Math.max(rangeUs.fromUs, Math.min(...starts)),
      toUs: Math.min(rangeUs.toUs, Math.max(...starts) + TRACE_SLACK_US),
    },
    traceIds: page.map((row) => row.trace_id),
  });
  return {
    rows: page.map((row) => toTraceListRow(row, previews.get(row.trace_id))),
    nextCursor,
  };
}

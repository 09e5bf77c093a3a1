/**
 * The trace explorer's list: traces of one project and time range, filtered, sorted and
 * paginated with opaque keyset cursors, read from the per-trace aggregates of migration 0012
 * (never from spans under FINAL; those aggregates are idempotent, so a span stored twice
 * counts once).
 *
 * A trace belongs to the list when it starts in the range. Span filters (model, user,
 * session, prompt, environment, tags, PII, text) keep the traces with at least one matching
 * span (a prompt's name and version on one span; a text searched with a user or session is
 * looked for in that user's or session's spans); trace filters (status, cost, latency, eval
 * score) apply to the trace as a whole, all of it, also after the range's end.
 *
 * Two ways to a page:
 * - By time (no text, user or session filter): trace_summaries, sorted by hour, answers the
 *   newest (or oldest) page from narrow windows at that end of the range before it reads the
 *   whole range (a window that already holds more than a page answers exactly, because every
 *   trace outside it sorts after it); the page's rows are then read by trace id from
 *   trace_list_documents and merged here (traceListRows.ts). An unfiltered list by start time
 *   reads its narrow windows from trace_list_rows instead, rows included.
 * - By candidates (text, user or session): the matching spans (text indexes) or the user's or
 *   session's trace-hours (trace_keys) are read newest first in small batches, and the traces
 *   seen so far are filtered, sorted and paged among those that start where the rows read are
 *   complete: by trace_details when a condition remains to test, else (the source alone
 *   decides) from their trace_list_documents rows, read once each. `token` text mode (every
 *   word, any order) uses the token indexes on lower(input_text) / lower(output_text);
 *   `substring` mode the n-gram indexes on lowerUTF8(...) where they are built, else a scan.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { dateTime64Micros } from './dateTime.ts';
import { decodeCursor, encodeCursor } from './queryCursor.ts';
import { InvalidCursorError, InvalidQueryError } from './queryErrors.ts';
import { rangeParams, requireLimit, type TimeRange } from './timeRange.ts';
import {
  compareStrings,
  mergeTraceListRows,
  type MergedTrace,
  type StoredListRow,
  type TraceAggregateRow,
} from './traceListRows.ts';

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
const MAX_LIST_VALUES = 50;
const MAX_VALUE_CHARS = 1_000;

/** Windows tried at the sorted end of the range before the whole range, in microseconds. */
const NARROW_WINDOWS_US = [3_600e6, 86_400e6, 7 * 86_400e6];
/**
 * An unfiltered list by start time tries five minutes first: a busy project's newest page lies
 * there. Its windows up to an hour are read from trace_list_rows (one small read, no aggregate states).
 */
const UNFILTERED_WINDOWS_US = [300e6, ...NARROW_WINDOWS_US];
const LIST_ROWS_MAX_WINDOW_US = 3_600e6;

/**
 * Matching rows (spans, or a user's or session's trace-hours) a filtered search reads per
 * batch, newest first, and how many batches it reads before it takes the rest in one pass.
 * Their trace ids travel as a bound array parameter.
 */
const DEFAULT_CANDIDATE_LIMIT = 1_000;
const MAX_CANDIDATE_STEPS = 12;
/** The first time slice a substring search reads matching spans from (then 8 times wider). */
const FIRST_TEXT_SLICE_US = 3_600e6;

/**
 * How far before and after a window (the whole range included) a trace's other spans are
 * gathered to filter and sort it. A trace whose spans are further apart than this around the
 * window's edge is judged by the spans within reach; one taken to start in the range that way
 * is left out once its whole row shows an earlier start (the page is then shorter).
 */
export const TRACE_SLACK_US = 3_600e6;

const SORT_EXPRESSION: Record<TraceSortField, string> = {
  start_time: 'toFloat64(toUnixTimestamp64Micro(t_start))',
  duration_ms: 't_duration_ms',
  // Rounded so that a sum whose addition order varies between runs keeps one cursor value.
  cost_usd: 'round(ifNull(t_cost, 0), 9)',
  total_tokens: 'toFloat64(t_input_tokens + t_output_tokens)',
};

/** Where a filtered list finds its candidate traces before it reads their summaries. */
type CandidateSource =
  | { kind: 'spans'; conditions: string[]; scans: boolean }
  | { kind: 'key'; key: 'user' | 'session'; param: 'userId' | 'sessionId' };

/** Sets of every value a trace's spans have, merged only when a condition reads them. */
type FilterSet = 't_models' | 't_users' | 't_sessions' | 't_prompts' | 't_environments';

interface BuiltFilter {
  /** Candidate traces: the spans matching the text search, or a user's or session's traces. */
  source: CandidateSource | undefined;
  /** Conditions on a trace's merged summary (HAVING). */
  traceConditions: string[];
  /** The sets `traceConditions` read (each is a column to read and merge). */
  sets: ReadonlySet<FilterSet>;
  /** Conditions on summary rows (WHERE). */
  outerConditions: string[];
  params: Record<string, unknown>;
  /**
   * Every trace the source finds passes every condition (they only ask that the trace has the
   * user's or session's spans, which the source found), so its traces need only be sorted.
   */
  sourceSuffices: boolean;
}

const USER_CONDITION = 'has(t_users, {userId:String})';
const SESSION_CONDITION = 'has(t_sessions, {sessionId:String})';

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

/** The text search's condition on spans, validated. */
function textCondition(filter: TraceSearchFilter, params: Record<string, unknown>): string {
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
    params.text = text;
    return '(hasAllTokens(lower(input_text), {text:String}) OR hasAllTokens(lower(output_text), {text:String}))';
  }
  if (mode === 'substring') {
    params.textPattern = likePattern(text);
    return '(lowerUTF8(input_text) LIKE {textPattern:String} OR lowerUTF8(output_text) LIKE {textPattern:String})';
  }
  throw new InvalidQueryError('textMode must be token or substring');
}

export function buildTraceFilter(filter: TraceSearchFilter): BuiltFilter {
  const traceConditions: string[] = [];
  const outerConditions: string[] = [];
  // The span conditions a text search also applies to the matching span itself.
  const spanConditions: string[] = [];
  const params: Record<string, unknown> = {};
  const sets = new Set<FilterSet>();
  /**
   * Adds `condition` to `list` and binds `value` as `{name}` when the filter has it; `set` is
   * the per-trace set the condition reads, if any.
   */
  const where = (
    list: string[],
    condition: string,
    name: string,
    value: unknown,
    set?: FilterSet,
  ) => {
    if (value === undefined) return false;
    list.push(condition);
    params[name] = value;
    if (set) sets.add(set);
    return true;
  };
  const userId = boundedString('userId', filter.userId);
  const sessionId = boundedString('sessionId', filter.sessionId);
  if (where(traceConditions, USER_CONDITION, 'userId', userId, 't_users')) {
    spanConditions.push('user_id = {userId:String}');
  }
  if (where(traceConditions, SESSION_CONDITION, 'sessionId', sessionId, 't_sessions')) {
    spanConditions.push('session_id = {sessionId:String}');
  }
  // Name and version of one prompt, on the same span.
  const prompt: string[] = [];
  const [costMin, costMax] = numberRange('cost', filter.costMin, filter.costMax);
  const [latencyMin, latencyMax] = numberRange('latency', filter.latencyMinMs, filter.latencyMaxMs);
  const bindings: Array<[string[], string, string, unknown, FilterSet?]> = [
    [
      prompt,
      'prompt.1 = {promptName:String}',
      'promptName',
      boundedString('promptName', filter.promptName),
    ],
    [
      prompt,
      'prompt.2 = {promptVersion:String}',
      'promptVersion',
      boundedString('promptVersion', filter.promptVersion),
    ],
    [
      traceConditions,
      'has(t_environments, {environment:String})',
      'environment',
      boundedString('environment', filter.environment),
      't_environments',
    ],
    [
      traceConditions,
      'hasAny(t_models, {models:Array(String)})',
      'models',
      boundedList('models', filter.models),
      't_models',
    ],
    [
      traceConditions,
      'hasAll(t_tags, {tags:Array(String)})',
      'tags',
      boundedList('tags', filter.tags),
    ],
    [
      traceConditions,
      'has(t_pii_types, {piiType:String})',
      'piiType',
      boundedString('piiType', filter.piiType),
    ],
    [traceConditions, 'ifNull(t_cost, 0) >= {costMin:Float64}', 'costMin', costMin],
    [traceConditions, 'ifNull(t_cost, 0) <= {costMax:Float64}', 'costMax', costMax],
    [traceConditions, 't_duration_ms >= {latencyMin:Float64}', 'latencyMin', latencyMin],
    [traceConditions, 't_duration_ms <= {latencyMax:Float64}', 'latencyMax', latencyMax],
  ];
  for (const [list, condition, name, value, set] of bindings) {
    where(list, condition, name, value, set);
  }
  if (prompt.length > 0) {
    traceConditions.push(`arrayExists(prompt -> ${prompt.join(' AND ')}, t_prompts)`);
    sets.add('t_prompts');
  }
  if (filter.hasPii === true) traceConditions.push('t_pii_count > 0');
  if (filter.hasPii === false) traceConditions.push('t_pii_count = 0');
  if (filter.status !== undefined) {
    if (filter.status !== 'ok' && filter.status !== 'error') {
      throw new InvalidQueryError('status must be ok or error');
    }
    traceConditions.push(filter.status === 'error' ? 't_errors > 0' : 't_errors = 0');
  }
  const evalConditions: string[] = [];
  const [scoreMin, scoreMax] = numberRange('evalScore', filter.evalScoreMin, filter.evalScoreMax);
  where(
    evalConditions,
    'evaluator = {evalName:String}',
    'evalName',
    boundedString('evalName', filter.evalName),
  );
  where(evalConditions, 'value >= {evalScoreMin:Float64}', 'evalScoreMin', scoreMin);
  where(evalConditions, 'value <= {evalScoreMax:Float64}', 'evalScoreMax', scoreMax);
  if (evalConditions.length > 0) {
    outerConditions.push(
      `trace_id IN (SELECT trace_id FROM eval_scores FINAL WHERE project_id = {projectId:String} AND ${evalConditions.join(' AND ')})`,
    );
  }
  let source: CandidateSource | undefined;
  // The trace conditions the source's rows already satisfy: a matching span carries the user
  // and session asked for; a user's (session's) key rows are that user's (session's) spans.
  // Not an empty id: a span without a user matches `user_id = ''`, but a trace's sets never
  // hold '', so no trace has that user.
  const impliedUser = userId ? [USER_CONDITION] : [];
  const impliedSession = sessionId ? [SESSION_CONDITION] : [];
  let implied: string[] = [];
  if (filter.text !== undefined) {
    source = {
      kind: 'spans',
      conditions: [textCondition(filter, params), ...spanConditions],
      scans: filter.textMode === 'substring',
    };
    implied = [...impliedUser, ...impliedSession];
  } else if (userId !== undefined) {
    source = { kind: 'key', key: 'user', param: 'userId' };
    implied = impliedUser;
  } else if (sessionId !== undefined) {
    source = { kind: 'key', key: 'session', param: 'sessionId' };
    implied = impliedSession;
  }
  const sourceSuffices =
    source !== undefined &&
    outerConditions.length === 0 &&
    traceConditions.every((condition) => implied.includes(condition));
  return { source, traceConditions, sets, outerConditions, params, sourceSuffices };
}

/**
 * What filters and sorts need of a trace, merged from its rows (trace_summaries or
 * trace_details). The per-span facts are a set of (span id, status, input tokens, output
 * tokens, cost, PII findings, secrets); one entry per span id is kept before summing, so a
 * span stored twice counts once.
 */
const FILTER_AGGREGATES = `
  min(trace_start) AS t_start,
  formatDateTime(t_start, '%Y-%m-%dT%H:%i:%S.%fZ') AS t_start_text,
  (toUnixTimestamp64Micro(max(trace_end)) - toUnixTimestamp64Micro(t_start)) / 1000 AS t_duration_ms,
  arraySort(groupUniqArrayMerge(span_facts)) AS t_facts_sorted,
  arrayFilter((fact, i) -> i = 1 OR fact.1 != t_facts_sorted[i - 1].1, t_facts_sorted, arrayEnumerate(t_facts_sorted)) AS t_facts,
  arrayCount(fact -> fact.2 = 'error', t_facts) AS t_errors,
  arrayCount(fact -> fact.2 = 'ok', t_facts) AS t_oks,
  arraySum(fact -> fact.3, t_facts) AS t_input_tokens,
  arraySum(fact -> fact.4, t_facts) AS t_output_tokens,
  if(arrayExists(fact -> fact.5 IS NOT NULL, t_facts), arraySum(fact -> ifNull(fact.5, 0), t_facts), NULL) AS t_cost,
  arraySum(fact -> fact.6, t_facts) AS t_pii_count,
  arraySum(fact -> fact.7, t_facts) AS t_secrets,
  length(t_facts) AS t_spans,
  arraySort(groupUniqArrayArray(aggregated.tag_set)) AS t_tags,
  arraySort(groupUniqArrayArray(aggregated.pii_type_set)) AS t_pii_types,
  arraySort(groupUniqArrayArray(aggregated.eval_failed_set)) AS t_eval_failed,
  max(aggregated.max_injection_score) AS t_injection`;

/** The sets only filters use: a query merges those its conditions read (`BuiltFilter.sets`). */
const FILTER_SETS: Record<FilterSet, string> = {
  t_models: 'groupUniqArrayArray(models) AS t_models',
  t_users: 'groupUniqArrayArray(users) AS t_users',
  t_sessions: 'groupUniqArrayArray(sessions) AS t_sessions',
  t_prompts: 'groupUniqArrayArray(prompts) AS t_prompts',
  t_environments: 'groupUniqArrayArray(environments) AS t_environments',
};

function filterSetsFor(built: BuiltFilter): string {
  return [...built.sets].map((set) => `, ${FILTER_SETS[set]}`).join('');
}

/** What a list row shows besides, only in trace_details. */
const DISPLAY_AGGREGATES = `
  argMinMerge(root_name) AS t_name,
  argMinIfMerge(first_model) AS t_model,
  argMinIfMerge(first_user) AS t_user,
  argMinIfMerge(first_session) AS t_session,
  argMinIfMerge(first_prompt) AS t_prompt,
  argMinIfMerge(first_environment) AS t_environment,
  argMinIfMerge(input_preview) AS t_input_preview,
  argMaxIfMerge(output_preview) AS t_output_preview`;

interface Window {
  fromUs: number;
  toUs: number;
}

const HOUR_US = 3_600e6;

function startOfHourUs(us: number): number {
  return Math.floor(us / HOUR_US) * HOUR_US;
}

type Cursor = { after: number; id: string } | undefined;

/** A trace on the page: its sort value, and its row once read. */
interface PageEntry {
  trace_id: string;
  t_sort: number;
  details?: TraceAggregateRow;
}

/**
 * The keyset condition of a page after `cursor`: sorted by `sortValue` (a Float64 expression),
 * then by trace id. Binds `after` and `afterId`.
 */
function afterCursor(
  sortValue: string,
  cursor: NonNullable<Cursor>,
  descending: boolean,
  params: Record<string, unknown>,
): string {
  const beyond = descending ? '<' : '>';
  params.after = cursor.after;
  params.afterId = cursor.id;
  return `(${sortValue} ${beyond} {after:Float64} OR (${sortValue} = {after:Float64} AND trace_id ${beyond} {afterId:String}))`;
}

/** The HAVING conditions of a page: the filters, where its traces start, the cursor. */
function pageConditions(
  args: { built: BuiltFilter; sort: TraceSort; starts: Window; cursor: Cursor },
  params: Record<string, unknown>,
): { having: string; order: string } {
  const having = [
    ...args.built.traceConditions,
    "t_start >= fromUnixTimestamp64Micro({startsFromUs:Int64}, 'UTC')",
    "t_start < fromUnixTimestamp64Micro({startsToUs:Int64}, 'UTC')",
  ];
  params.startsFromUs = args.starts.fromUs;
  params.startsToUs = args.starts.toUs;
  const descending = args.sort.direction === 'desc';
  if (args.cursor) having.push(afterCursor('t_sort', args.cursor, descending, params));
  const direction = descending ? 'DESC' : 'ASC';
  return { having: having.join(' AND '), order: `t_sort ${direction}, trace_id ${direction}` };
}

/** A page by time: the traces starting in `starts`, merged over the rows of `rows`. */
interface PageByTimeArgs {
  filter: TraceSearchFilter;
  built: BuiltFilter;
  sort: TraceSort;
  rows: Window;
  starts: Window;
  cursor: Cursor;
  limit: number;
}

/**
 * Which traces make the page, by time: those whose start lies in `starts`, read from the
 * trace_summaries rows of the hours in `rows`, filtered, sorted, after the cursor; at most
 * `limit + 1`. Their details are read afterwards by primary key (fetchPageDetails).
 */
async function queryPageByTime(
  client: ClickHouseClient,
  args: PageByTimeArgs,
): Promise<PageEntry[]> {
  const params: Record<string, unknown> = {
    ...args.built.params,
    projectId: args.filter.projectId,
    rowsFromUs: startOfHourUs(args.rows.fromUs),
    rowsToUs: args.rows.toUs,
    limit: args.limit + 1,
  };
  const { having, order } = pageConditions(args, params);
  const result = await client.query({
    query: `SELECT trace_id, t_sort FROM (
        SELECT trace_id, ${FILTER_AGGREGATES}${filterSetsFor(args.built)},
          ${SORT_EXPRESSION[args.sort.field]} AS t_sort
        FROM trace_summaries AS aggregated
        WHERE project_id = {projectId:String}
          AND hour >= fromUnixTimestamp64Micro({rowsFromUs:Int64}, 'UTC')
          AND hour < fromUnixTimestamp64Micro({rowsToUs:Int64}, 'UTC')
          ${args.built.outerConditions.map((condition) => `AND ${condition}`).join('\n')}
        GROUP BY trace_id
        HAVING ${having}
        ORDER BY ${order}
        LIMIT {limit:UInt32})`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.traces.search' },
  });
  const rows = await result.json<{ trace_id: string; t_sort: number | string }>();
  return rows.map((row) => ({ trace_id: row.trace_id, t_sort: Number(row.t_sort) }));
}

/** Seconds a minute bound binds as (`minute` is a DateTime: 0 to 2^32 - 1 seconds). */
function epochSeconds(seconds: number): number {
  return Math.min(Math.max(seconds, 0), 0xffff_ffff);
}

/**
 * The page by start time of an unfiltered list, from trace_list_rows in one query: which traces
 * start in `starts` (their starts merged over the rows of `rows`), sorted, after the cursor, at
 * most `limit + 1`; then every row of those traces, merged here (traceListRows.ts). Their rows
 * all lie from the minute `starts` begins, since a trace has no span before its start.
 *
 * Written for the engine's planning, which costs this query as much as its reading: on the
 * benchmark's data, parsing, analysis and plan building took ~3 ms of its ~8 ms in the engine
 * (`system.events`). So the minute bounds are bound as epoch seconds computed here (not
 * expressions the engine folds on every query), the candidates are one level of subquery, and
 * the implicit count projection and the move to PREWHERE (which cannot help a read of whole
 * primary-key ranges) are not considered. Together that took ~2 ms off the engine's ~8.
 */
async function queryPageFromListRows(
  client: ClickHouseClient,
  args: PageByTimeArgs,
): Promise<PageEntry[]> {
  const descending = args.sort.direction === 'desc';
  const direction = descending ? 'DESC' : 'ASC';
  const params: Record<string, unknown> = {
    projectId: args.filter.projectId,
    // `minute >= toStartOfMinute(t)` and `minute < t`, in whole seconds.
    startsMinute: epochSeconds(Math.floor(args.starts.fromUs / 60e6) * 60),
    rowsMinute: epochSeconds(Math.floor(args.rows.fromUs / 60e6) * 60),
    rowsTo: epochSeconds(Math.ceil(args.rows.toUs / 1e6)),
    startsFromUs: args.starts.fromUs,
    startsToUs: args.starts.toUs,
    limit: args.limit + 1,
  };
  const having = [
    '(toUnixTimestamp64Micro(min(trace_start)) AS t_start_us) >= {startsFromUs:Int64}',
    't_start_us < {startsToUs:Int64}',
  ];
  if (args.cursor)
    having.push(afterCursor('toFloat64(t_start_us)', args.cursor, descending, params));
  const result = await client.query({
    query: `SELECT trace_id, trace_start, document
      FROM trace_list_rows
      WHERE project_id = {projectId:String}
        AND minute >= {startsMinute:UInt32} AND minute < {rowsTo:UInt32}
        AND trace_id IN (
          SELECT trace_id FROM trace_list_rows
          WHERE project_id = {projectId:String}
            AND minute >= {rowsMinute:UInt32} AND minute < {rowsTo:UInt32}
          GROUP BY trace_id
          HAVING ${having.join(' AND ')}
          ORDER BY t_start_us ${direction}, trace_id ${direction}
          LIMIT {limit:UInt32})`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: {
      log_comment: 'web.traces.recent',
      optimize_use_implicit_projections: 0,
      optimize_move_to_prewhere: 0,
    },
  });
  return byStart(mergeTraceListRows(await result.json<StoredListRow>()), args.sort.direction);
}

/** Merged traces as page entries, sorted by start then trace id, as the SQL pages sort. */
function byStart(merged: MergedTrace[], direction: TraceSort['direction']): PageEntry[] {
  const sign = direction === 'desc' ? -1 : 1;
  return merged
    .sort(
      (a, b) => sign * (a.startUs - b.startUs || compareStrings(a.row.trace_id, b.row.trace_id)),
    )
    .map(({ row, startUs }) => ({ trace_id: row.trace_id, t_sort: startUs, details: row }));
}

/**
 * Traces' list rows by id: their trace_list_documents rows (migration 0019), merged here as a
 * page of trace_list_rows is. Plain rows read by primary key, where trace_details would merge
 * aggregate states (most of such a query's time).
 */
async function readTraceDocuments(
  client: ClickHouseClient,
  projectId: string,
  traceIds: string[],
): Promise<MergedTrace[]> {
  if (traceIds.length === 0) return [];
  const result = await client.query({
    query: `SELECT trace_id, trace_start, document FROM trace_list_documents
      WHERE project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}`,
    query_params: { projectId, traceIds },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.traces.page' },
  });
  return mergeTraceListRows(await result.json<StoredListRow>());
}

/**
 * What queryPageAmong answers, for a source that suffices (no condition left to test): among
 * the given traces, those that start in `starts`, after the cursor, sorted by start; at most
 * `limit + 1`. Their documents are read once and kept in `known` for the next step, which asks
 * again among the same traces and more. Undefined when a trace has no documents (spans stored
 * before migration 0019's backfill reached them, or rows expired unevenly): trace_details
 * must answer then.
 */
async function queryPageAmongDocuments(
  client: ClickHouseClient,
  args: {
    projectId: string;
    sort: TraceSort;
    starts: Window;
    traceIds: Iterable<string>;
    known: Map<string, MergedTrace>;
    cursor: Cursor;
    limit: number;
  },
): Promise<PageEntry[] | undefined> {
  const { cursor, starts, known } = args;
  const unread = [...args.traceIds].filter((traceId) => !known.has(traceId));
  for (const trace of await readTraceDocuments(client, args.projectId, unread)) {
    known.set(trace.row.trace_id, trace);
  }
  if (unread.some((traceId) => !known.has(traceId))) return undefined;
  const descending = args.sort.direction === 'desc';
  const onPage = ({ row, startUs }: MergedTrace): boolean => {
    if (startUs < starts.fromUs || startUs >= starts.toUs) return false;
    if (!cursor || startUs !== cursor.after) {
      return !cursor || (descending ? startUs < cursor.after : startUs > cursor.after);
    }
    const order = compareStrings(row.trace_id, cursor.id);
    return descending ? order < 0 : order > 0;
  };
  const among = [...args.traceIds].flatMap((traceId) => {
    const trace = known.get(traceId);
    return trace && onPage(trace) ? [trace] : [];
  });
  return byStart(among, args.sort.direction).slice(0, args.limit + 1);
}

/**
 * Which traces make the page among given traces (a bound list, or a subquery): read whole
 * from trace_details by primary key, filtered, sorted, after the cursor; at most `limit + 1`.
 */
async function queryPageAmong(
  client: ClickHouseClient,
  args: {
    filter: TraceSearchFilter;
    built: BuiltFilter;
    sort: TraceSort;
    starts: Window;
    among: { traceIds: string[] } | { subquery: string };
    cursor: Cursor;
    limit: number;
  },
): Promise<PageEntry[]> {
  const params: Record<string, unknown> = {
    ...args.built.params,
    projectId: args.filter.projectId,
    limit: args.limit + 1,
  };
  const { having, order } = pageConditions(args, params);
  let among: string;
  if ('traceIds' in args.among) {
    among = 'trace_id IN {candidateTraceIds:Array(String)}';
    params.candidateTraceIds = args.among.traceIds;
  } else {
    among = `trace_id IN (${args.among.subquery})`;
  }
  const result = await client.query({
    query: `SELECT trace_id, ${FILTER_AGGREGATES}${filterSetsFor(args.built)}, ${DISPLAY_AGGREGATES},
        ${SORT_EXPRESSION[args.sort.field]} AS t_sort
      FROM trace_details AS aggregated
      WHERE project_id = {projectId:String} AND ${among}
        ${args.built.outerConditions.map((condition) => `AND ${condition}`).join('\n')}
      GROUP BY trace_id
      HAVING ${having}
      ORDER BY ${order}
      LIMIT {limit:UInt32}`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.traces.search' },
  });
  const rows = await result.json<TraceAggregateRow & { t_sort: number | string }>();
  return rows.map((row) => ({ trace_id: row.trace_id, t_sort: Number(row.t_sort), details: row }));
}

/**
 * The page's traces in full, in the page's order: read by id where the page lacks them, from
 * their documents, and from trace_details for a trace that has none (see
 * queryPageAmongDocuments).
 */
async function fetchPageDetails(
  client: ClickHouseClient,
  args: { projectId: string; page: PageEntry[] },
): Promise<TraceAggregateRow[]> {
  const missing = args.page.filter((entry) => !entry.details).map((entry) => entry.trace_id);
  const read = new Map(
    (await readTraceDocuments(client, args.projectId, missing)).map(({ row }) => [
      row.trace_id,
      row,
    ]),
  );
  const undocumented = missing.filter((traceId) => !read.has(traceId));
  if (undocumented.length > 0) {
    const result = await client.query({
      query: `SELECT trace_id, ${FILTER_AGGREGATES}, ${DISPLAY_AGGREGATES}
        FROM trace_details AS aggregated
        WHERE project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}
        GROUP BY trace_id`,
      query_params: { projectId: args.projectId, traceIds: undocumented },
      format: 'JSONEachRow',
      clickhouse_settings: { log_comment: 'web.traces.page' },
    });
    for (const row of await result.json<TraceAggregateRow>()) read.set(row.trace_id, row);
  }
  return args.page.flatMap((entry) => entry.details ?? read.get(entry.trace_id) ?? []);
}

/** The SQL that lists a candidate source's (trace, time) rows, newest first. */
function candidateQuery(source: CandidateSource, limited: boolean): string {
  const limit = limited ? 'LIMIT {candidateLimit:UInt32}' : '';
  if (source.kind === 'key') {
    return `SELECT trace_id, toUnixTimestamp(hour) * 1000000 AS at_us
      FROM trace_keys
      WHERE project_id = {projectId:String} AND key = {candidateKey:String}
        AND value = {${source.param}:String}
        AND hour >= fromUnixTimestamp64Micro({candidatesFromUs:Int64}, 'UTC')
        AND hour < fromUnixTimestamp64Micro({candidatesToUs:Int64}, 'UTC')
      ORDER BY hour DESC ${limit}`;
  }
  return `SELECT trace_id, toUnixTimestamp64Micro(start_time) AS at_us
    FROM spans
    WHERE project_id = {projectId:String}
      AND start_time >= fromUnixTimestamp64Micro({candidatesFromUs:Int64}, 'UTC')
      AND start_time < fromUnixTimestamp64Micro({candidatesToUs:Int64}, 'UTC')
      ${source.conditions.map((condition) => `AND ${condition}`).join('\n')}
    ORDER BY toStartOfHour(start_time) DESC, start_time DESC ${limit}`;
}

interface CandidateRow {
  traceId: string;
  atUs: number;
}

function candidateParams(
  built: BuiltFilter,
  source: CandidateSource,
  projectId: string,
  window: Window,
): Record<string, unknown> {
  return {
    ...built.params,
    projectId,
    candidateKey: source.kind === 'key' ? source.key : '',
    candidatesFromUs: source.kind === 'key' ? startOfHourUs(window.fromUs) : window.fromUs,
    candidatesToUs: window.toUs,
  };
}

/** At most `limit` matching rows (spans, or key rows by hour) before `window.toUs`, newest first. */
async function fetchCandidates(
  client: ClickHouseClient,
  args: {
    built: BuiltFilter;
    source: CandidateSource;
    projectId: string;
    window: Window;
    limit: number;
  },
): Promise<CandidateRow[]> {
  const result = await client.query({
    query: candidateQuery(args.source, true),
    query_params: {
      ...candidateParams(args.built, args.source, args.projectId, args.window),
      candidateLimit: args.limit,
    },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.traces.candidates' },
  });
  const rows = await result.json<{ trace_id: string; at_us: string | number }>();
  return rows.map((row) => ({ traceId: row.trace_id, atUs: Number(row.at_us) }));
}

/**
 * Every matching trace that starts after the candidate row at `atUs` has all of its matching
 * rows at or after its start, so among the rows read down to `atUs`: a span's start is exact
 * to the microsecond, a key row's hour covers the whole hour.
 */
function completeAfter(source: CandidateSource, atUs: number): number {
  return source.kind === 'key' ? atUs + HOUR_US : atUs + 1;
}

/**
 * The windows to try, narrowest first, ending with the whole (remaining) range: the newest
 * (or oldest) page of a busy project lies within the last hour, and a window that already
 * holds more than a page answers exactly, because every trace outside it sorts after it.
 */
function windowsFor(sort: TraceSort, range: Window, widths: number[]): Window[] {
  if (sort.field !== 'start_time') return [range];
  const windows: Window[] = [];
  for (const width of widths) {
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

/**
 * The rows a window's traces are read from: the window and the slack around it, before the
 * range's start too, so a trace that began just before the range shows that start and is left
 * out, as the candidate path (whole traces) leaves it out; and past the range's end, so a trace
 * that starts in the range and goes on after it is filtered, sorted and shown whole.
 */
function rowsAround(window: Window): Window {
  return { fromUs: window.fromUs - TRACE_SLACK_US, toUs: window.toUs + TRACE_SLACK_US };
}

interface SearchArgs {
  filter: TraceSearchFilter;
  built: BuiltFilter;
  sort: TraceSort;
  range: Window;
  remaining: Window;
  cursor: Cursor;
  limit: number;
}

function isUnfiltered(built: BuiltFilter): boolean {
  return (
    built.source === undefined &&
    built.traceConditions.length === 0 &&
    built.outerConditions.length === 0
  );
}

/**
 * Without a candidate source: narrow windows, then the whole range. An unfiltered list by start
 * time reads its windows up to an hour from trace_list_rows; the rest, other sorts and any
 * filtered list read trace_summaries.
 */
async function searchByWindows(client: ClickHouseClient, args: SearchArgs): Promise<PageEntry[]> {
  // trace_list_rows knows each trace's start, not its other sort values.
  const listRows = isUnfiltered(args.built) && args.sort.field === 'start_time';
  const widths = listRows ? UNFILTERED_WINDOWS_US : NARROW_WINDOWS_US;
  let entries: PageEntry[] = [];
  for (const window of windowsFor(args.sort, args.remaining, widths)) {
    const page = {
      ...args,
      rows: rowsAround(window),
      starts: { fromUs: Math.max(window.fromUs, args.range.fromUs), toUs: window.toUs },
    };
    const fromListRows = listRows && window.toUs - window.fromUs <= LIST_ROWS_MAX_WINDOW_US;
    entries = fromListRows
      ? await queryPageFromListRows(client, page)
      : await queryPageByTime(client, page);
    if (entries.length > args.limit) break;
  }
  return entries;
}

/**
 * Filtered by text, user or session, newest first: the source's matching rows are read newest
 * first in batches and consumed a few traces at a time; each step asks trace_details, among
 * every trace seen so far, for those that start where the rows read are complete, until a page
 * is full or the range is exhausted. Any other order needs every candidate: a subquery then.
 */
async function searchByCandidates(
  client: ClickHouseClient,
  args: SearchArgs & { source: CandidateSource; candidateLimit: number },
): Promise<PageEntry[]> {
  const { sort, range, remaining, limit, source } = args;
  if (sort.field !== 'start_time' || sort.direction !== 'desc') {
    return searchWithCandidateSubquery(client, args);
  }
  const seen = new Set<string>();
  const documents = new Map<string, MergedTrace>();
  // Until a candidate turns out to have no documents.
  let fromDocuments = args.built.sourceSuffices;
  const found: PageEntry[] = [];
  let pending: CandidateRow[] = [];
  // A substring's matching spans are read in time slices, newest first, each 8 times wider
  // than the last: a common needle fills a page from the newest hour without the n-gram
  // indexes (or the text) being searched across the whole range. A token search reads the
  // whole range at once (its index finds a rare word across 30 days in about the time a
  // second query would cost; a common word costs more, ~0.15 s), and so does a user's or
  // session's history (few rows, sorted by hour).
  const scans = source.kind === 'spans' && source.scans;
  let sliceWidthUs = scans ? FIRST_TEXT_SLICE_US : Number.POSITIVE_INFINITY;
  // Matching rows are read from the range's end even past a cursor: a trace that starts
  // before the cursor may match only by a span after it.
  let sliceFromUs = range.toUs;
  let sliceComplete = true;
  let sourceToUs = range.toUs;
  // Once every pending row is consumed, the traces starting from here on are all known.
  let pendingCompleteFromUs = range.toUs;
  let startsToUs = remaining.toUs;
  const tracesPerStep = 2 * (limit + 1);
  // A page usually needs about a page of matching rows: read that many first, more if not.
  let batchLimit = Math.min(args.candidateLimit, 4 * (limit + 1));
  for (let step = 0; step < MAX_CANDIDATE_STEPS; step += 1) {
    if (pending.length === 0 && pendingCompleteFromUs > remaining.fromUs) {
      if (sliceComplete) {
        sourceToUs = sliceFromUs;
        sliceFromUs = Math.max(remaining.fromUs, sourceToUs - sliceWidthUs);
        sliceWidthUs *= 8;
      }
      pending = await fetchCandidates(client, {
        ...args,
        projectId: args.filter.projectId,
        window: { fromUs: sliceFromUs, toUs: sourceToUs },
        limit: batchLimit,
      });
      sliceComplete = pending.length < batchLimit;
      const oldest = pending.at(-1);
      if (sliceComplete || !oldest) {
        pendingCompleteFromUs = sliceFromUs;
      } else {
        // Rows at the oldest time may have been cut by the limit: read from there again.
        pendingCompleteFromUs = completeAfter(source, oldest.atUs);
        sourceToUs = pendingCompleteFromUs;
        batchLimit = Math.min(args.candidateLimit, batchLimit * 4);
      }
    }
    let taken = 0;
    let last: CandidateRow | undefined;
    const sizeBefore = seen.size;
    while (taken < pending.length && seen.size - sizeBefore < tracesPerStep) {
      last = pending[taken] as CandidateRow;
      taken += 1;
      seen.add(last.traceId);
    }
    pending = pending.slice(taken);
    const completeFromUs =
      pending.length === 0 || !last ? pendingCompleteFromUs : completeAfter(source, last.atUs);
    if (completeFromUs < startsToUs) {
      if (seen.size > 0) {
        const starts = { fromUs: Math.max(range.fromUs, completeFromUs), toUs: startsToUs };
        const fromDocumentsNow = fromDocuments
          ? await queryPageAmongDocuments(client, {
              ...args,
              projectId: args.filter.projectId,
              starts,
              traceIds: seen,
              known: documents,
              limit: limit - found.length,
            })
          : undefined;
        fromDocuments = fromDocumentsNow !== undefined;
        const entries =
          fromDocumentsNow ??
          (await queryPageAmong(client, {
            ...args,
            starts,
            among: { traceIds: [...seen] },
            limit: limit - found.length,
          }));
        found.push(...entries);
      }
      startsToUs = completeFromUs;
    }
    if (found.length > limit || startsToUs <= remaining.fromUs) return found;
  }
  // Too many matching rows for the steps: the rest in one pass.
  const rest = await searchWithCandidateSubquery(client, {
    ...args,
    remaining: { fromUs: remaining.fromUs, toUs: startsToUs },
    limit: limit - found.length,
  });
  return [...found, ...rest];
}

async function searchWithCandidateSubquery(
  client: ClickHouseClient,
  args: SearchArgs & { source: CandidateSource },
): Promise<PageEntry[]> {
  const { source, remaining } = args;
  // Matching rows up to the range's end: a trace starting in `remaining` may match by a later span.
  const rows = { fromUs: remaining.fromUs, toUs: args.range.toUs };
  const built: BuiltFilter = {
    ...args.built,
    params: candidateParams(args.built, source, args.filter.projectId, rows),
  };
  return queryPageAmong(client, {
    ...args,
    built,
    starts: remaining,
    among: { subquery: `SELECT trace_id FROM (${candidateQuery(source, false)})` },
  });
}

function toTraceListRow(row: TraceAggregateRow): TraceListRow {
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
    inputPreview: row.t_input_preview,
    outputPreview: row.t_output_preview,
    spanCount: Number(row.t_spans),
  };
}

export async function searchTraces(
  client: ClickHouseClient,
  {
    filter,
    sort,
    limit,
    cursor,
    candidateLimit = DEFAULT_CANDIDATE_LIMIT,
  }: {
    filter: TraceSearchFilter;
    sort: TraceSort;
    limit: number;
    cursor?: string;
    /** Matching rows a filtered search reads per batch (tests make it small). */
    candidateLimit?: number;
  },
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
  const range: Window = { fromUs: fromMs * 1000, toUs: toMs * 1000 };
  // Past a start-time cursor nothing can sort before it: the search starts from there.
  let remaining = range;
  if (after && sort.field === 'start_time') {
    if (!Number.isSafeInteger(after.after)) throw new InvalidCursorError();
    remaining =
      sort.direction === 'desc'
        ? { fromUs: range.fromUs, toUs: Math.min(range.toUs, after.after + 1) }
        : { fromUs: Math.max(range.fromUs, after.after), toUs: range.toUs };
  }
  let entries: PageEntry[] = [];
  if (remaining.toUs > remaining.fromUs) {
    const common = { filter, built, sort, range, remaining, cursor: after, limit };
    entries = built.source
      ? await searchByCandidates(client, { ...common, source: built.source, candidateLimit })
      : await searchByWindows(client, common);
  }
  const page = entries.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    entries.length > limit && last
      ? encodeCursor({ scope, after: last.t_sort, id: last.trace_id })
      : null;
  const rows = await fetchPageDetails(client, { projectId: filter.projectId, page });
  // A trace whose spans lie further apart than TRACE_SLACK_US across the range's start can be
  // taken to start in it by the spans read; its whole row says otherwise, and it is left out
  // (the page is then shorter, its cursor unchanged).
  const startsInRange = (row: TraceAggregateRow) => {
    const startUs = dateTime64Micros(row.t_start_text);
    return startUs >= range.fromUs && startUs < range.toUs;
  };
  return { rows: rows.filter(startsInRange).map(toTraceListRow), nextCursor };
}

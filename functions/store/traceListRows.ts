/**
 * Merging a trace's trace_list_rows (migration 0018) into the row the trace list shows. The
 * engine never merges those rows: a page's query returns every row of its traces, and this
 * module folds them together. The fold gives what trace_details' aggregate states give for the
 * same spans (functions/store/traceSearchRepository.ts reads those): minimums, maximums, the
 * first value by time, sets, and per-span facts summed once per span id, so a span stored twice
 * counts once.
 *
 * DateTime64(6) values arrive as fixed-width `YYYY-MM-DD hh:mm:ss.ffffff` text, whose text
 * order is time order: they are compared as text and converted only for the duration and the
 * sort value.
 */
import { dateTime64Micros } from './dateTime.ts';

/** A trace's list row as the repository maps it (t_ names as the SQL path selects them). */
export interface TraceAggregateRow {
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
  t_input_preview: string;
  t_output_preview: string;
}

/** (span id, status, input tokens, output tokens, cost, PII findings, secrets). */
export type SpanFact = [
  string,
  string,
  string | number,
  string | number,
  number | null,
  number,
  number,
];

/** One trace_list_rows row as a page reads it. */
export interface StoredListRow {
  trace_id: string;
  trace_start: string;
  /** JSON of a ListRowDocument. */
  document: string;
}

/** One trace_list_rows row with its document parsed. */
export interface TraceListRowsRow extends ListRowDocument {
  trace_id: string;
  trace_start: string;
}

/** What a row's document holds (migration 0018 lists its fields). */
export interface ListRowDocument {
  trace_end: string;
  span_facts: SpanFact[];
  tag_set: string[];
  pii_type_set: string[];
  eval_failed_set: string[];
  max_injection_score: number;
  root_name: string;
  root_key: [number, string];
  first_model: string;
  first_model_at: string;
  first_user: string;
  first_user_at: string;
  first_session: string;
  first_session_at: string;
  first_prompt: [string, string];
  first_prompt_at: string;
  first_environment: string;
  first_environment_at: string;
  input_preview: string;
  input_preview_at: string;
  output_preview: string;
  output_preview_at: string;
}

/** A merged trace: its list row and its start in epoch microseconds (the sort value). */
export interface MergedTrace {
  row: TraceAggregateRow;
  startUs: number;
}

/** ClickHouse's String order: by UTF-8 bytes, which is code point order. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const left = a.codePointAt(index) as number;
    const right = b.codePointAt(index) as number;
    if (left !== right) return left < right ? -1 : 1;
    if (left > 0xffff) index += 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tuple order, as arraySort sorts the facts (a NULL cost after every number). */
function compareFacts(a: SpanFact, b: SpanFact): number {
  return (
    compareStrings(a[0], b[0]) ||
    compareStrings(a[1], b[1]) ||
    compareNumbers(Number(a[2]), Number(b[2])) ||
    compareNumbers(Number(a[3]), Number(b[3])) ||
    (a[4] === null ? (b[4] === null ? 0 : 1) : b[4] === null ? -1 : compareNumbers(a[4], b[4])) ||
    compareNumbers(a[5], b[5]) ||
    compareNumbers(a[6], b[6])
  );
}

/** One fact per span id: the first in tuple order, as the SQL path keeps it. */
function uniqueFacts(rows: TraceListRowsRow[]): SpanFact[] {
  const sorted = rows.flatMap((row) => row.span_facts).sort(compareFacts);
  return sorted.filter((fact, index) => index === 0 || fact[0] !== sorted[index - 1]?.[0]);
}

function sortedUnion(sets: string[][]): string[] {
  return [...new Set(sets.flat())].sort(compareStrings);
}

/** The document's values that come with their time, in `<field>_at`. */
type TimedField =
  | 'first_model'
  | 'first_user'
  | 'first_session'
  | 'first_prompt'
  | 'first_environment'
  | 'input_preview'
  | 'output_preview';

const isText = (value: unknown) => value !== '';

/**
 * The `field` of the row whose `<field>_at` is earliest (latest with `latest`) among the rows
 * where it is set (by `isSet`: not ''); `empty` when none is.
 */
function byTime<F extends TimedField>(
  rows: TraceListRowsRow[],
  field: F,
  empty: ListRowDocument[F],
  {
    latest = false,
    isSet = isText,
  }: { latest?: boolean; isSet?: (value: ListRowDocument[F]) => boolean } = {},
): ListRowDocument[F] {
  const atField = `${field}_at` as const;
  let best: { value: ListRowDocument[F]; at: string } | undefined;
  for (const row of rows) {
    const candidate = row[field];
    if (!isSet(candidate)) continue;
    const time = row[atField];
    if (!best || (latest ? time > best.at : time < best.at)) best = { value: candidate, at: time };
  }
  return best ? best.value : empty;
}

/** Folds one trace's rows (at least one) into its list row. */
export function mergeTraceRows(rows: TraceListRowsRow[]): MergedTrace {
  const first = rows[0];
  if (!first) throw new Error('mergeTraceRows needs at least one row');
  let start = first.trace_start;
  let end = first.trace_end;
  let injection = first.max_injection_score;
  let root = first;
  for (const row of rows) {
    if (row.trace_start < start) start = row.trace_start;
    if (row.trace_end > end) end = row.trace_end;
    if (row.max_injection_score > injection) injection = row.max_injection_score;
    const [hasParent, rootStart] = row.root_key;
    if (
      hasParent < root.root_key[0] ||
      (hasParent === root.root_key[0] && rootStart < root.root_key[1])
    )
      root = row;
  }
  const facts = uniqueFacts(rows);
  const sum = (index: 2 | 3 | 5 | 6) =>
    facts.reduce((total, fact) => total + Number(fact[index]), 0);
  const startUs = dateTime64Micros(start);
  const row: TraceAggregateRow = {
    trace_id: first.trace_id,
    t_name: root.root_name,
    t_start_text: `${start.slice(0, 10)}T${start.slice(11)}Z`,
    t_duration_ms: (dateTime64Micros(end) - startUs) / 1000,
    t_errors: facts.filter((fact) => fact[1] === 'error').length,
    t_oks: facts.filter((fact) => fact[1] === 'ok').length,
    t_model: byTime(rows, 'first_model', ''),
    t_user: byTime(rows, 'first_user', ''),
    t_session: byTime(rows, 'first_session', ''),
    t_prompt: byTime(rows, 'first_prompt', ['', ''], { isSet: (prompt) => prompt[0] !== '' }),
    t_environment: byTime(rows, 'first_environment', ''),
    t_tags: sortedUnion(rows.map((r) => r.tag_set)),
    t_input_tokens: sum(2),
    t_output_tokens: sum(3),
    t_cost: facts.some((fact) => fact[4] !== null)
      ? facts.reduce((total, fact) => total + (fact[4] ?? 0), 0)
      : null,
    t_pii_types: sortedUnion(rows.map((r) => r.pii_type_set)),
    t_secrets: sum(6),
    t_injection: injection,
    t_eval_failed: sortedUnion(rows.map((r) => r.eval_failed_set)),
    t_spans: facts.length,
    t_input_preview: byTime(rows, 'input_preview', ''),
    t_output_preview: byTime(rows, 'output_preview', '', { latest: true }),
  };
  return { row, startUs };
}

/** Groups a page's rows by trace and merges each trace. */
export function mergeTraceListRows(stored: StoredListRow[]): MergedTrace[] {
  const byTrace = new Map<string, TraceListRowsRow[]>();
  for (const { trace_id, trace_start, document } of stored) {
    const row: TraceListRowsRow = {
      ...(JSON.parse(document) as ListRowDocument),
      trace_id,
      trace_start,
    };
    const list = byTrace.get(row.trace_id);
    if (list) list.push(row);
    else byTrace.set(trace_id, [row]);
  }
  return [...byTrace.values()].map(mergeTraceRows);
}

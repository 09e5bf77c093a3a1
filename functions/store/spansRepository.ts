/**
 * The `spans` table: batched writes from the ingest function and the reads the web app and
 * tools run. No read shows a redelivered span twice before parts merge: reads of spans go
 * through FINAL, the trace lookup keeps the newest row per span; every value is a bound
 * `{name:Type}` parameter.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { insertRows } from './insertRows.ts';
import type { SpanRow } from './spanRows.ts';

export const SPANS_TABLE = 'spans';
/** What a trace lookup reads: each span as one JSON document, sorted by trace (migration 0017). */
export const SPAN_DOCUMENTS_TABLE = 'span_documents';

/** `deduplicationToken`: the same token again (a redelivered batch) inserts nothing. */
export function insertSpans(
  client: ClickHouseClient,
  rows: readonly SpanRow[],
  deduplicationToken?: string,
): Promise<void> {
  return insertRows(client, {
    table: SPANS_TABLE,
    rows,
    issuedBy: 'ingest.insertSpans',
    ...(deduplicationToken ? { deduplicationToken } : {}),
  });
}

/** One line of the traces list. */
export interface SpanSummary {
  project_id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: string;
  start_time: string;
  duration_ms: number;
  status_code: string;
  status_message: string;
  provider: string;
  request_model: string;
  response_model: string;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  user_id: string;
  session_id: string;
  prompt_name: string;
  prompt_version: string;
  environment: string;
}

const SUMMARY_COLUMNS = `project_id, trace_id, span_id, parent_span_id, name, kind, start_time,
  duration_ms, status_code, status_message, provider, request_model, response_model,
  input_tokens, output_tokens, total_tokens, user_id, session_id, prompt_name, prompt_version,
  environment`;

export interface ListRecentSpansParams {
  projectId: string;
  limit: number;
  /** Only spans that started in the last `sinceHours` hours. */
  sinceHours?: number;
}

export async function listRecentSpans(
  client: ClickHouseClient,
  { projectId, limit, sinceHours = 24 * 7 }: ListRecentSpansParams,
): Promise<SpanSummary[]> {
  const result = await client.query({
    query: `SELECT ${SUMMARY_COLUMNS}
      FROM ${SPANS_TABLE} FINAL
      WHERE project_id = {projectId:String}
        AND start_time >= now64(6) - toIntervalHour({sinceHours:UInt32})
      ORDER BY start_time DESC, span_id
      LIMIT {limit:UInt32}`,
    query_params: { projectId, limit, sinceHours },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.listRecentSpans' },
  });
  return result.json<SpanSummary>();
}

/**
 * A span as the trace view reads it: the columns migration 0017 writes into each span's
 * document (formatRowNoNewline('JSONEachRow', …)), so the same object a JSONEachRow read of
 * these columns of spans returns.
 */
export interface TraceSpan extends SpanSummary {
  end_time: string;
  error_type: string;
  operation_name: string;
  response_id: string;
  request_params: string;
  cached_input_tokens: number;
  reasoning_tokens: number;
  finish_reasons: string[];
  time_to_first_token_ms: number | null;
  system_instructions: string;
  input_messages: string;
  output_messages: string;
  tool_name: string;
  tool_call_id: string;
  prompt_variables: string;
  release: string;
  tags: string[];
  metadata: Record<string, string>;
  truncated: boolean;
  sdk_name: string;
  sdk_version: string;
  ingested_at: string;
  /** Enrichment (migration 0004): NULL until a price is known. */
  cost_usd: number | null;
  cost_status: string;
}

export async function getTraceSpans(
  client: ClickHouseClient,
  { projectId, traceId }: { projectId: string; traceId: string },
): Promise<TraceSpan[]> {
  // span_documents (migration 0017) holds each span as one JSON document sorted by trace: a
  // lookup reads one column of a few small granules instead of testing every granule of
  // spans. The newest row of each span wins, as FINAL on spans would choose.
  const result = await client.query({
    query: `SELECT document
      FROM (
        SELECT document, start_time, span_id
        FROM ${SPAN_DOCUMENTS_TABLE}
        WHERE project_id = {projectId:String} AND trace_id = {traceId:String}
        ORDER BY span_id, ingested_at DESC
        LIMIT 1 BY span_id
      )
      ORDER BY start_time, span_id
      LIMIT 10000`,
    query_params: { projectId, traceId },
    format: 'JSONCompactEachRow',
    clickhouse_settings: { log_comment: 'web.getTraceSpans' },
  });
  const rows = await result.json<[string]>();
  return rows.map(([document]) => JSON.parse(document) as TraceSpan);
}

export async function countSpans(
  client: ClickHouseClient,
  { projectId, traceIds }: { projectId: string; traceIds?: readonly string[] },
): Promise<number> {
  const result = await client.query({
    query: `SELECT count() AS spans FROM ${SPANS_TABLE} FINAL
      WHERE project_id = {projectId:String}
        ${traceIds ? 'AND trace_id IN {traceIds:Array(String)}' : ''}`,
    query_params: { projectId, traceIds: traceIds ?? [] },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'spans.countSpans' },
  });
  const [row] = await result.json<{ spans: string | number }>();
  return Number(row?.spans ?? 0);
}

/** What the LLM-as-judge reads of one span: its already-redacted text. */
export interface SpanForJudging {
  kind: string;
  input_text: string;
  output_text: string;
  retention_days: number;
}

export async function getSpanForJudging(
  client: ClickHouseClient,
  { projectId, traceId, spanId }: { projectId: string; traceId: string; spanId: string },
): Promise<SpanForJudging | undefined> {
  const result = await client.query({
    query: `SELECT kind, input_text, output_text, retention_days
      FROM ${SPANS_TABLE} FINAL
      WHERE project_id = {projectId:String} AND trace_id = {traceId:String}
        AND span_id = {spanId:String}
      LIMIT 1`,
    query_params: { projectId, traceId, spanId },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'judge.getSpanForJudging' },
  });
  const [row] = await result.json<SpanForJudging>();
  return row ? { ...row, retention_days: Number(row.retention_days) } : undefined;
}

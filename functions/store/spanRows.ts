/**
 * Maps a validated wire-contract span onto a row of the `spans` table. Pure.
 */
import type { ChatMessage, MessagePart, SpanItem } from '@sightline/sdk/contract';
import { toDateTime64 } from './dateTime.ts';
import { wellFormedStrings } from './wellFormedStrings.ts';

export interface SpanSource {
  projectId: string;
  ingestKeyId: string;
  sdkName: string;
  sdkVersion: string;
  shardId: string;
  sequenceNumber: string;
  ingestedAt: number;
  retentionDays: number;
}

export interface SpanRow {
  project_id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: string;
  start_time: string;
  end_time: string;
  duration_ms: number;
  status_code: string;
  status_message: string;
  error_type: string;
  operation_name: string;
  provider: string;
  request_model: string;
  response_model: string;
  response_id: string;
  server_address: string;
  request_params: string;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  finish_reasons: string[];
  time_to_first_token_ms: number | null;
  system_instructions: string;
  input_messages: string;
  output_messages: string;
  input_text: string;
  output_text: string;
  tool_name: string;
  tool_call_id: string;
  user_id: string;
  session_id: string;
  prompt_name: string;
  prompt_version: string;
  prompt_variables: string;
  environment: string;
  release: string;
  tags: string[];
  metadata: Record<string, string>;
  truncated: boolean;
  sdk_name: string;
  sdk_version: string;
  ingest_key_id: string;
  source_shard_id: string;
  source_sequence_number: string;
  ingested_at: string;
  retention_days: number;
  cost_usd?: number | null;
  cost_status?: string;
  pii_types?: string[];
  pii_count?: number;
  secret_count?: number;
  injection_score?: number;
  toxicity_score?: number;
  eval_failed?: string[];
  eval_failed_count?: number;
  enrichment_status?: string;
}

/** What enrichment concluded about a span, stored as summary columns for filters. */
export interface SpanEnrichmentColumns {
  costUsd: number | null;
  costStatus: string;
  piiTypes: string[];
  piiCount: number;
  secretCount: number;
  injectionScore: number;
  toxicityScore: number;
  evalFailed: string[];
  status: string;
}

function stringifyValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

function partText(part: MessagePart): string {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return part.content;
    case 'tool_call':
      return `${part.name}(${part.arguments === undefined ? '' : stringifyValue(part.arguments)})`;
    case 'tool_call_response':
      return stringifyValue(part.response);
    case 'media':
      return '';
  }
}

/**
 * The searchable text of messages: every text-bearing part, one per line. Built by appending
 * (no arrays of parts and texts): this runs twice for every stored span.
 */
export function messagesText(
  messages: readonly ChatMessage[] = [],
  system: readonly MessagePart[] = [],
): string {
  let text = '';
  const append = (part: MessagePart): void => {
    const value = partText(part);
    if (value.length === 0) return;
    text = text.length === 0 ? value : `${text}\n${value}`;
  };
  for (const part of system) append(part);
  for (const message of messages) for (const part of message.parts) append(part);
  return text;
}

function jsonOrEmpty(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}

/**
 * Columns holding `JSON.stringify` output: it escapes lone surrogates (`\udXXX`), so they are
 * well-formed by construction and `wellFormedStrings` need not read their text again.
 */
const JSON_COLUMNS: ReadonlySet<string> = new Set<keyof SpanRow>([
  'request_params',
  'system_instructions',
  'input_messages',
  'output_messages',
  'prompt_variables',
]);

export function toSpanRow(
  span: SpanItem,
  source: SpanSource,
  enrichment?: SpanEnrichmentColumns,
): SpanRow {
  const row = spanRowOf(span, source);
  if (enrichment) {
    row.cost_usd = enrichment.costUsd;
    row.cost_status = enrichment.costStatus;
    row.pii_types = enrichment.piiTypes;
    row.pii_count = enrichment.piiCount;
    row.secret_count = enrichment.secretCount;
    row.injection_score = enrichment.injectionScore;
    row.toxicity_score = enrichment.toxicityScore;
    row.eval_failed = enrichment.evalFailed;
    row.eval_failed_count = enrichment.evalFailed.length;
    row.enrichment_status = enrichment.status;
  }
  return wellFormedStrings(row, JSON_COLUMNS);
}

function spanRowOf(span: SpanItem, source: SpanSource): SpanRow {
  const usage = span.usage ?? {};
  const inputTokens = usage.inputTokens ?? 0;
  const outputTokens = usage.outputTokens ?? 0;
  return {
    project_id: source.projectId,
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId ?? '',
    name: span.name,
    kind: span.kind,
    start_time: toDateTime64(span.startTime),
    end_time: toDateTime64(span.endTime),
    duration_ms: span.endTime - span.startTime,
    status_code: span.status.code,
    status_message: span.status.message ?? '',
    error_type: span.errorType ?? '',
    operation_name: span.operationName ?? '',
    provider: span.provider ?? '',
    request_model: span.requestModel ?? '',
    response_model: span.responseModel ?? span.requestModel ?? '',
    response_id: span.responseId ?? '',
    server_address: span.serverAddress ?? '',
    request_params: jsonOrEmpty(span.request),
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cached_input_tokens: usage.cachedInputTokens ?? 0,
    reasoning_tokens: usage.reasoningTokens ?? 0,
    total_tokens: inputTokens + outputTokens,
    finish_reasons: span.finishReasons ?? [],
    time_to_first_token_ms: span.timeToFirstTokenMs ?? null,
    system_instructions: jsonOrEmpty(span.systemInstructions),
    input_messages: jsonOrEmpty(span.inputMessages),
    output_messages: jsonOrEmpty(span.outputMessages),
    input_text: messagesText(span.inputMessages, span.systemInstructions),
    output_text: messagesText(span.outputMessages),
    tool_name: span.tool?.name ?? '',
    tool_call_id: span.tool?.callId ?? '',
    user_id: span.userId ?? '',
    session_id: span.sessionId ?? '',
    prompt_name: span.prompt?.name ?? '',
    prompt_version: span.prompt === undefined ? '' : String(span.prompt.version),
    prompt_variables: jsonOrEmpty(span.prompt?.variables),
    environment: span.environment ?? '',
    release: span.release ?? '',
    tags: span.tags ?? [],
    metadata: Object.fromEntries(
      Object.entries(span.metadata ?? {}).map(([key, value]) => [key, String(value)]),
    ),
    truncated: span.truncated ?? false,
    sdk_name: source.sdkName,
    sdk_version: source.sdkVersion,
    ingest_key_id: source.ingestKeyId,
    source_shard_id: source.shardId,
    source_sequence_number: source.sequenceNumber,
    ingested_at: toDateTime64(source.ingestedAt),
    retention_days: source.retentionDays,
  };
}

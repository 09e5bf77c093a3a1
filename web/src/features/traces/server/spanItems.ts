/**
 * Turns rows from the spans repository into the spans the trace API returns and the pages
 * render. ClickHouse returns UInt64 columns as strings by default (64-bit integers do not fit
 * a JSON number), and a row's shape is only as good as what was stored, so every field is
 * coerced defensively.
 */
import type { TraceSpan } from '../../../../../functions/store/spansRepository.ts';
import { fromDateTime64 } from '../../../../../functions/store/dateTime.ts';
import type { TraceSpanView } from '../api/operations.ts';
import type { TraceSpanItem } from '../types.ts';

export function toNumber(value: unknown): number {
  const parsed = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(parsed) ? parsed : 0;
}

function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

function toText(value: unknown): string {
  return typeof value === 'string'
    ? value
    : value === null || value === undefined
      ? ''
      : String(value);
}

function toTextArray(value: unknown): string[] {
  return Array.isArray(value) ? value.map(toText) : [];
}

function toTextRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toText(item)]));
}

function parseTime(text: unknown): number {
  return typeof text === 'string' ? fromDateTime64(text) : Number.NaN;
}

/** A stored span as the trace API returns it. */
export function toTraceSpanView(row: TraceSpan): TraceSpanView {
  return {
    trace_id: toText(row.trace_id),
    span_id: toText(row.span_id),
    parent_span_id: toText(row.parent_span_id),
    name: toText(row.name),
    kind: toText(row.kind),
    start_time: toText(row.start_time),
    end_time: toText(row.end_time),
    duration_ms: toNumber(row.duration_ms),
    status_code: toText(row.status_code),
    status_message: toText(row.status_message),
    error_type: toText(row.error_type),
    operation_name: toText(row.operation_name),
    provider: toText(row.provider),
    request_model: toText(row.request_model),
    response_model: toText(row.response_model),
    response_id: toText(row.response_id),
    request_params: toText(row.request_params),
    input_tokens: toNumber(row.input_tokens),
    output_tokens: toNumber(row.output_tokens),
    total_tokens: toNumber(row.total_tokens),
    cached_input_tokens: toNumber(row.cached_input_tokens),
    reasoning_tokens: toNumber(row.reasoning_tokens),
    finish_reasons: toTextArray(row.finish_reasons),
    time_to_first_token_ms: toNullableNumber(row.time_to_first_token_ms),
    system_instructions: toText(row.system_instructions),
    input_messages: toText(row.input_messages),
    output_messages: toText(row.output_messages),
    tool_name: toText(row.tool_name),
    tool_call_id: toText(row.tool_call_id),
    user_id: toText(row.user_id),
    session_id: toText(row.session_id),
    prompt_name: toText(row.prompt_name),
    prompt_version: toText(row.prompt_version),
    prompt_variables: toText(row.prompt_variables),
    environment: toText(row.environment),
    release: toText(row.release),
    tags: toTextArray(row.tags),
    metadata: toTextRecord(row.metadata),
    truncated: row.truncated === true || toText(row.truncated) === 'true',
    sdk_name: toText(row.sdk_name),
    sdk_version: toText(row.sdk_version),
    cost_usd: toNullableNumber(row.cost_usd),
    cost_status: toText(row.cost_status),
  };
}

/** A span of the trace API with its times parsed, for the trace page. */
export function toTraceSpanItem(view: TraceSpanView): TraceSpanItem {
  const startMs = parseTime(view.start_time);
  const endMs = parseTime(view.end_time);
  return {
    ...view,
    startMs,
    endMs: Number.isNaN(endMs) ? startMs + view.duration_ms : endMs,
  };
}

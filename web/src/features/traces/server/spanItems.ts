/**
 * Turns rows from the spans repository into the items the pages render. ClickHouse returns
 * UInt64 columns as strings by default (64-bit integers do not fit a JSON number), and a
 * row's shape is only as good as what was stored, so every field is coerced defensively.
 */
import type { SpanSummary, TraceSpan } from '../../../../../functions/store/spansRepository.ts';
import { fromDateTime64 } from '../../../../../functions/store/dateTime.ts';
import type { SpanListItem, TraceSpanItem } from '../types.ts';

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

export function toSpanListItem(row: SpanSummary): SpanListItem {
  return {
    ...row,
    duration_ms: toNumber(row.duration_ms),
    input_tokens: toNumber(row.input_tokens),
    output_tokens: toNumber(row.output_tokens),
    total_tokens: toNumber(row.total_tokens),
    startMs: parseTime(row.start_time),
  };
}

export function toTraceSpanItem(row: TraceSpan): TraceSpanItem {
  const summary = toSpanListItem(row);
  const endMs = parseTime(row.end_time);
  return {
    ...row,
    ...summary,
    cached_input_tokens: toNumber(row.cached_input_tokens),
    reasoning_tokens: toNumber(row.reasoning_tokens),
    time_to_first_token_ms: toNullableNumber(row.time_to_first_token_ms),
    finish_reasons: toTextArray(row.finish_reasons),
    tags: toTextArray(row.tags),
    metadata: toTextRecord(row.metadata),
    truncated: row.truncated === true || toText(row.truncated) === 'true',
    cost_usd: toNullableNumber(row.cost_usd),
    cost_status: toText(row.cost_status),
    endMs: Number.isNaN(endMs) ? summary.startMs + summary.duration_ms : endMs,
  };
}

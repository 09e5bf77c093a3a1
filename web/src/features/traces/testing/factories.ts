/** Builds trace span items for unit tests of the traces feature. */
import type { TraceSpan } from '../../../../../functions/store/spansRepository.ts';
import type { TraceSpanItem } from '../types.ts';

export function buildTraceSpanRow(overrides: Partial<TraceSpan> = {}): TraceSpan {
  return {
    project_id: 'demo',
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    span_id: 'b7ad6b7169203331',
    parent_span_id: '',
    name: 'chat gpt-4o',
    kind: 'llm',
    start_time: '2026-11-26 14:20:01.000000',
    end_time: '2026-11-26 14:20:02.500000',
    duration_ms: 1500,
    status_code: 'ok',
    status_message: '',
    provider: 'openai',
    request_model: 'gpt-4o',
    response_model: 'gpt-4o-2024-08-06',
    input_tokens: 12,
    output_tokens: 34,
    total_tokens: 46,
    user_id: 'user-1',
    session_id: '',
    prompt_name: '',
    prompt_version: '',
    environment: 'test',
    error_type: '',
    operation_name: 'chat',
    response_id: '',
    request_params: '',
    cached_input_tokens: 0,
    reasoning_tokens: 0,
    finish_reasons: ['stop'],
    time_to_first_token_ms: null,
    system_instructions: '',
    input_messages: '',
    output_messages: '',
    tool_name: '',
    tool_call_id: '',
    prompt_variables: '',
    release: '',
    tags: [],
    metadata: {},
    truncated: false,
    sdk_name: 'sightline-js',
    sdk_version: '0.1.0',
    ingested_at: '2026-11-26 14:20:03.000',
    cost_usd: null,
    cost_status: '',
    ...overrides,
  };
}

export function buildTraceSpanItem(
  overrides: Partial<TraceSpanItem> & { startMs?: number; endMs?: number } = {},
): TraceSpanItem {
  const startMs = overrides.startMs ?? 1_000;
  const duration = overrides.duration_ms ?? 100;
  const { project_id: _project, ingested_at: _ingested, ...row } = buildTraceSpanRow(overrides);
  return {
    ...row,
    startMs,
    endMs: overrides.endMs ?? startMs + duration,
    duration_ms: duration,
  };
}

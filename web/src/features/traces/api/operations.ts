/**
 * `/api/v1` operations of the trace explorer: search traces with filters, sorting and cursor
 * pagination, and read one trace in full (spans, findings, eval scores). The query schemas
 * are also what the explorer pages parse their URL with.
 */
import { z } from 'zod';
import { MAX_CURSOR_CHARS } from '../../../../../functions/store/queryCursor.ts';
import { defineOperation, queryList } from '../../../server/api/operations.ts';
import { checkTimeRange, timeRangeQueryShape } from '../../../components/timeRange/timeRange.ts';

const filterValue = z.string().min(1).max(256);
const optionalNumber = () => z.coerce.number().finite().optional();

export const TRACE_SORT_FIELDS = ['start_time', 'duration_ms', 'cost_usd', 'total_tokens'] as const;
export const MAX_LIST_VALUES = 20;

const RANGE_PAIRS = [
  ['evalScoreMin', 'evalScoreMax'],
  ['costMin', 'costMax'],
  ['latencyMinMs', 'latencyMaxMs'],
] as const;

export const TraceSearchQuerySchema = z
  .object({
    ...timeRangeQueryShape,
    model: queryList(filterValue).optional().describe('One or more models (any of them).'),
    status: z.enum(['ok', 'error']).optional(),
    userId: filterValue.optional(),
    sessionId: filterValue.optional(),
    promptName: filterValue.optional(),
    promptVersion: filterValue.optional(),
    environment: filterValue.optional(),
    tag: queryList(filterValue).optional().describe('Traces carrying all of these tags.'),
    hasPii: z.enum(['true', 'false']).optional().describe('Traces with (or without) PII findings.'),
    piiType: filterValue.optional().describe('Traces with a finding of this type, e.g. EMAIL.'),
    evalName: filterValue.optional().describe('Evaluator the score range applies to.'),
    evalScoreMin: optionalNumber(),
    evalScoreMax: optionalNumber(),
    costMin: optionalNumber().describe('USD; unpriced traces never match a cost range.'),
    costMax: optionalNumber(),
    latencyMinMs: optionalNumber(),
    latencyMaxMs: optionalNumber(),
    text: z.string().min(1).max(500).optional().describe('Text in the input or output.'),
    textMode: z
      .enum(['token', 'substring'])
      .default('token')
      .describe('token: whole words (fast, indexed); substring: anywhere (slower).'),
    sort: z.enum(TRACE_SORT_FIELDS).default('start_time'),
    direction: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .min(1)
      .max(MAX_CURSOR_CHARS)
      .optional()
      .describe('`nextCursor` of the previous page.'),
  })
  .superRefine((query, ctx) => {
    checkTimeRange(query, ctx);
    for (const key of ['model', 'tag'] as const) {
      if ((query[key]?.length ?? 0) > MAX_LIST_VALUES) {
        ctx.addIssue({ code: 'custom', path: [key], message: `at most ${MAX_LIST_VALUES} values` });
      }
    }
    for (const [min, max] of RANGE_PAIRS) {
      const low = query[min];
      const high = query[max];
      if (low !== undefined && high !== undefined && low > high) {
        ctx.addIssue({ code: 'custom', path: [min], message: `${min} is above ${max}` });
      }
    }
    if ((query.evalScoreMin !== undefined || query.evalScoreMax !== undefined) && !query.evalName) {
      ctx.addIssue({ code: 'custom', path: ['evalName'], message: 'a score range needs evalName' });
    }
  });
export type TraceSearchQuery = z.infer<typeof TraceSearchQuerySchema>;

export const TraceListRowSchema = z.object({
  traceId: z.string(),
  name: z.string(),
  startTime: z.string(),
  durationMs: z.number(),
  status: z.enum(['ok', 'error', 'unset']),
  model: z.string(),
  userId: z.string(),
  sessionId: z.string(),
  promptName: z.string(),
  promptVersion: z.string(),
  environment: z.string(),
  tags: z.array(z.string()),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number().nullable().describe('null when no span of the trace had a price'),
  piiTypes: z.array(z.string()),
  secretCount: z.number(),
  injectionScore: z.number(),
  evalFailed: z.array(z.string()),
  inputPreview: z.string().describe('Empty when the caller may not read content'),
  outputPreview: z.string(),
  spanCount: z.number(),
});
export type TraceListRowView = z.infer<typeof TraceListRowSchema>;

export const TraceListResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(TraceListRowSchema),
  nextCursor: z.string().nullable(),
  contentHidden: z.boolean().describe('Previews are blank: the caller lacks traces:read_content'),
});
export type TraceListResponse = z.infer<typeof TraceListResponseSchema>;

export const TRACE_CONTENT_FIELDS = [
  'system_instructions',
  'input_messages',
  'output_messages',
  'prompt_variables',
  'request_params',
  'status_message',
] as const;

export const TraceSpanSchema = z.object({
  trace_id: z.string(),
  span_id: z.string(),
  parent_span_id: z.string(),
  name: z.string(),
  kind: z.string(),
  start_time: z.string(),
  end_time: z.string(),
  duration_ms: z.number(),
  status_code: z.string(),
  status_message: z.string(),
  error_type: z.string(),
  operation_name: z.string(),
  provider: z.string(),
  request_model: z.string(),
  response_model: z.string(),
  response_id: z.string(),
  request_params: z.string(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  total_tokens: z.number(),
  cached_input_tokens: z.number(),
  reasoning_tokens: z.number(),
  finish_reasons: z.array(z.string()),
  time_to_first_token_ms: z.number().nullable(),
  system_instructions: z.string().describe('JSON text; blank without traces:read_content'),
  input_messages: z.string().describe('JSON text; blank without traces:read_content'),
  output_messages: z.string().describe('JSON text; blank without traces:read_content'),
  tool_name: z.string(),
  tool_call_id: z.string(),
  user_id: z.string(),
  session_id: z.string(),
  prompt_name: z.string(),
  prompt_version: z.string(),
  prompt_variables: z.string(),
  environment: z.string(),
  release: z.string(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
  truncated: z.boolean(),
  sdk_name: z.string(),
  sdk_version: z.string(),
  cost_usd: z.number().nullable(),
  cost_status: z.string(),
});
export type TraceSpanView = z.infer<typeof TraceSpanSchema>;

export const FindingSchema = z.object({
  spanId: z.string(),
  category: z.string(),
  type: z.string(),
  field: z.string(),
  messageIndex: z.number(),
  partIndex: z.number(),
  start: z.number(),
  end: z.number(),
  score: z.number(),
  detector: z.string(),
});
export type FindingView = z.infer<typeof FindingSchema>;

export const EvalScoreSchema = z.object({
  spanId: z.string(),
  evaluator: z.string(),
  evaluatorVersion: z.string(),
  value: z.number(),
  passed: z.boolean().nullable(),
  label: z.string(),
  comment: z.string(),
});
export type EvalScoreView = z.infer<typeof EvalScoreSchema>;

export const TraceDetailResponseSchema = z.object({
  traceId: z.string(),
  contentHidden: z.boolean(),
  spans: z.array(TraceSpanSchema),
  findings: z.array(FindingSchema),
  evalScores: z.array(EvalScoreSchema),
});
export type TraceDetailResponse = z.infer<typeof TraceDetailResponseSchema>;

export const TraceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'a trace id is 32 lower-case hex characters');

const TAG = 'Traces';

export const listTracesOperation = defineOperation({
  id: 'listTraces',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/traces',
  summary:
    'Search traces by time, model, status, user, session, prompt, tags, findings, evals, cost, latency and text.',
  tag: TAG,
  permission: 'traces:read',
  query: TraceSearchQuerySchema,
  response: TraceListResponseSchema,
});

export const getTraceOperation = defineOperation({
  id: 'getTrace',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/traces/{traceId}',
  summary:
    'One trace: its spans (content only with traces:read_content), findings and eval scores.',
  tag: TAG,
  permission: 'traces:read',
  response: TraceDetailResponseSchema,
});

export const traceOperations = [listTracesOperation, getTraceOperation];

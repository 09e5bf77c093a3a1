/**
 * The items a record carries: spans (one per operation, LLM calls included) and scores
 * (feedback on a trace or span). Field meanings follow the OpenTelemetry GenAI semantic
 * conventions; docs/wire-contract.md maps every field to its `gen_ai.*` attribute.
 */
import { z } from 'zod';
import { WIRE_LIMITS } from './limits.ts';

/** All zeros is OpenTelemetry's invalid id. */
const isNotAllZeros = (id: string): boolean => !/^0+$/.test(id);
const TRACE_ID_PATTERN = /^[0-9a-f]{32}$/;
const SPAN_ID_PATTERN = /^[0-9a-f]{16}$/;
/** Epoch milliseconds the contract takes: from 2000-01-01 to 2100-01-01. */
const EPOCH_MILLIS_RANGE = { min: 946_684_800_000, max: 4_102_444_800_000 } as const;
const isWithinMetadataLimit = (metadata: Record<string, unknown>): boolean =>
  Object.keys(metadata).length <= WIRE_LIMITS.maxMetadataEntries;
const hasOrderedTimes = (span: { startTime: number; endTime: number }): boolean =>
  span.endTime >= span.startTime;

export const TraceIdSchema = z
  .string()
  .regex(TRACE_ID_PATTERN, 'must be 32 lower-case hex characters')
  .refine(isNotAllZeros, 'must not be all zeros');
export const SpanIdSchema = z
  .string()
  .regex(SPAN_ID_PATTERN, 'must be 16 lower-case hex characters')
  .refine(isNotAllZeros, 'must not be all zeros');

/** Unix epoch milliseconds; fractions carry sub-millisecond precision. */
export const EpochMillisSchema = z
  .number()
  .finite()
  .min(EPOCH_MILLIS_RANGE.min, 'must be after 2000-01-01 (epoch milliseconds expected)')
  .max(EPOCH_MILLIS_RANGE.max, 'must be before 2100-01-01 (epoch milliseconds expected)');

/**
 * The id and time rules above as plain predicates, for producers that check values on a hot
 * path where a schema parse costs too much (the SDK, before it sends an item).
 */
export const isTraceId = (value: unknown): value is string =>
  typeof value === 'string' && TRACE_ID_PATTERN.test(value) && isNotAllZeros(value);
export const isSpanId = (value: unknown): value is string =>
  typeof value === 'string' && SPAN_ID_PATTERN.test(value) && isNotAllZeros(value);
export const isEpochMillis = (value: unknown): value is number =>
  typeof value === 'number' && value >= EPOCH_MILLIS_RANGE.min && value <= EPOCH_MILLIS_RANGE.max;

const text = z.string().max(WIRE_LIMITS.maxTextChars + 100);
const identifier = z.string().min(1).max(WIRE_LIMITS.maxIdentifierChars);
const tokenCount = z.number().int().nonnegative().max(1e12);

export const MessagePartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), content: text }),
  z.object({ type: z.literal('reasoning'), content: text }),
  z.object({
    type: z.literal('tool_call'),
    id: identifier.optional(),
    name: identifier,
    arguments: z.unknown().optional(),
  }),
  z.object({
    type: z.literal('tool_call_response'),
    id: identifier.optional(),
    response: z.unknown(),
  }),
  z.object({
    type: z.literal('media'),
    mimeType: z.string().max(255).optional(),
    uri: z.string().max(WIRE_LIMITS.maxTextChars).optional(),
    /** Media bytes are never sent; only their size is kept. */
    bytes: z.number().int().nonnegative().optional(),
  }),
]);

export const MessageRoleSchema = z.enum(['system', 'user', 'assistant', 'tool']);

export const ChatMessageSchema = z.object({
  role: MessageRoleSchema,
  name: z.string().max(WIRE_LIMITS.maxNameChars).optional(),
  parts: z.array(MessagePartSchema).max(WIRE_LIMITS.maxPartsPerMessage),
  /** Output messages only. */
  finishReason: z.string().max(64).optional(),
});

export const SpanKindSchema = z.enum([
  'llm',
  'embedding',
  'tool',
  'retrieval',
  'agent',
  'chain',
  'span',
]);
export const SpanStatusCodeSchema = z.enum(['unset', 'ok', 'error']);

export const RequestParametersSchema = z.object({
  temperature: z.number().finite().optional(),
  topP: z.number().finite().optional(),
  topK: z.number().finite().optional(),
  maxTokens: tokenCount.optional(),
  frequencyPenalty: z.number().finite().optional(),
  presencePenalty: z.number().finite().optional(),
  stopSequences: z.array(z.string().max(1_000)).max(64).optional(),
  seed: z.number().int().optional(),
  choiceCount: z.number().int().positive().optional(),
  outputType: z.string().max(64).optional(),
  stream: z.boolean().optional(),
});

export const UsageSchema = z.object({
  inputTokens: tokenCount.optional(),
  outputTokens: tokenCount.optional(),
  cachedInputTokens: tokenCount.optional(),
  reasoningTokens: tokenCount.optional(),
});

export const PromptReferenceSchema = z.object({
  name: identifier,
  version: z.union([z.string().min(1).max(64), z.number().int().nonnegative()]),
  variables: z.record(z.string().max(256), z.string().max(WIRE_LIMITS.maxTextChars)).optional(),
});

export const MetadataValueSchema = z.union([
  z.string().max(WIRE_LIMITS.maxMetadataValueChars + 100),
  z.number().finite(),
  z.boolean(),
]);

export const SpanItemSchema = z
  .object({
    type: z.literal('span'),
    traceId: TraceIdSchema,
    spanId: SpanIdSchema,
    parentSpanId: SpanIdSchema.optional(),
    name: z.string().min(1).max(WIRE_LIMITS.maxNameChars),
    kind: SpanKindSchema.default('span'),
    startTime: EpochMillisSchema,
    endTime: EpochMillisSchema,
    status: z
      .object({
        code: SpanStatusCodeSchema,
        message: z
          .string()
          .max(WIRE_LIMITS.maxTextChars + 100)
          .optional(),
      })
      .default({ code: 'unset' }),
    errorType: z.string().max(WIRE_LIMITS.maxNameChars).optional(),
    operationName: z.string().max(64).optional(),
    provider: z.string().max(64).optional(),
    requestModel: z.string().max(WIRE_LIMITS.maxNameChars).optional(),
    responseModel: z.string().max(WIRE_LIMITS.maxNameChars).optional(),
    responseId: z.string().max(WIRE_LIMITS.maxIdentifierChars).optional(),
    serverAddress: z.string().max(WIRE_LIMITS.maxNameChars).optional(),
    request: RequestParametersSchema.optional(),
    usage: UsageSchema.optional(),
    finishReasons: z.array(z.string().max(64)).max(64).optional(),
    timeToFirstTokenMs: z.number().finite().nonnegative().optional(),
    systemInstructions: z.array(MessagePartSchema).max(WIRE_LIMITS.maxPartsPerMessage).optional(),
    inputMessages: z.array(ChatMessageSchema).max(WIRE_LIMITS.maxMessages).optional(),
    outputMessages: z.array(ChatMessageSchema).max(WIRE_LIMITS.maxMessages).optional(),
    tool: z
      .object({
        name: identifier,
        callId: identifier.optional(),
        type: z.string().max(64).optional(),
      })
      .optional(),
    userId: identifier.optional(),
    sessionId: identifier.optional(),
    prompt: PromptReferenceSchema.optional(),
    environment: z.string().max(64).optional(),
    release: z.string().max(128).optional(),
    tags: z
      .array(z.string().min(1).max(WIRE_LIMITS.maxTagChars))
      .max(WIRE_LIMITS.maxTags)
      .optional(),
    metadata: z
      .record(z.string().min(1).max(256), MetadataValueSchema)
      .refine(isWithinMetadataLimit, `at most ${WIRE_LIMITS.maxMetadataEntries} metadata entries`)
      .optional(),
    /** Set by the producer when it cut any value to fit the limits. */
    truncated: z.boolean().optional(),
  })
  .refine(hasOrderedTimes, {
    message: 'endTime must not be before startTime',
    path: ['endTime'],
  });

/**
 * The span schema's refinements (the rules JSON Schema cannot state), by where they sit, as
 * predicates on a span of the right shape: the ingest function's fast path runs these after
 * its compiled shape check (functions/ingest/parseItem.ts). A test keeps this list and the
 * schema's refinements the same.
 */
export const SPAN_REFINEMENTS: readonly {
  path: string;
  holds: (span: SpanItem) => boolean;
}[] = [
  { path: 'traceId', holds: (span) => isNotAllZeros(span.traceId) },
  { path: 'spanId', holds: (span) => isNotAllZeros(span.spanId) },
  {
    path: 'parentSpanId',
    holds: (span) => span.parentSpanId === undefined || isNotAllZeros(span.parentSpanId),
  },
  {
    path: 'metadata',
    holds: (span) => span.metadata === undefined || isWithinMetadataLimit(span.metadata),
  },
  { path: '', holds: hasOrderedTimes },
];

export const ScoreItemSchema = z.object({
  type: z.literal('score'),
  scoreId: identifier,
  traceId: TraceIdSchema,
  spanId: SpanIdSchema.optional(),
  name: z.string().min(1).max(WIRE_LIMITS.maxNameChars),
  value: z.union([z.number().finite(), z.string().max(1_000), z.boolean()]),
  comment: z
    .string()
    .max(WIRE_LIMITS.maxTextChars + 100)
    .optional(),
  timestamp: EpochMillisSchema,
  userId: identifier.optional(),
});

export const ItemSchema = z.discriminatedUnion('type', [SpanItemSchema, ScoreItemSchema]);

export type MessagePart = z.infer<typeof MessagePartSchema>;
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type SpanKind = z.infer<typeof SpanKindSchema>;
/** A span as it leaves a producer (defaults not yet applied). */
export type SpanItemInput = z.input<typeof SpanItemSchema>;
/** A span as the ingest function sees it after validation. */
export type SpanItem = z.infer<typeof SpanItemSchema>;
export type ScoreItem = z.infer<typeof ScoreItemSchema>;
export type Item = z.infer<typeof ItemSchema>;
export type ItemInput = z.input<typeof ItemSchema>;

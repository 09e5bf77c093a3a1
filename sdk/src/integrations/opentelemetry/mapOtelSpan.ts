/**
 * One finished OpenTelemetry span as a Sightline span: ids from its span context (W3C ids are
 * the contract's format), times from its hrTime, status and error type, the kind (from
 * `gen_ai.operation.name`, OpenInference's span kind or the Vercel AI SDK's operation id), the
 * GenAI attributes of each convention, environment and release from the resource, and every
 * attribute no convention claimed as metadata (without the content-bearing ones when content is
 * not captured). Spans without GenAI attributes stay kind `span`.
 */
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanItemInput, SpanKind } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import { AttributeReader } from './AttributeReader.ts';
import { isContentAttribute } from './contentAttributes.ts';
import { readGenAi } from './genAiConventions.ts';
import { openInferenceKind, readOpenInference } from './openInference.ts';
import { readVercelAiSdk, vercelKind } from './vercelAiSdk.ts';

const GEN_AI_PREFIXES = ['gen_ai.', 'llm.', 'openinference.', 'ai.', 'embedding.'];

const KIND_BY_OPERATION: Record<string, SpanKind> = {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  completion: 'llm',
  embeddings: 'embedding',
  embedding: 'embedding',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  retrieval: 'retrieval',
};

/** OTel status codes (UNSET, OK, ERROR) in the contract's words. */
const STATUS_CODES = ['unset', 'ok', 'error'] as const;

/** At most this many leftover attributes travel as metadata (the contract allows 128 entries). */
const MAX_LEFTOVER_METADATA = 100;

/** Whether a span carries attributes of a GenAI convention (cheap: attribute names only). */
export function isGenAiSpan(span: Pick<ReadableSpan, 'attributes'>): boolean {
  for (const key in span.attributes)
    if (GEN_AI_PREFIXES.some((prefix) => key.startsWith(prefix))) return true;
  return false;
}

export const hrTimeToMillis = (time: HrTime): number => time[0] * 1_000 + time[1] / 1e6;

export interface MapOtelSpanOptions {
  /** False leaves content-bearing attributes (`CONTENT_ATTRIBUTES`) out of the metadata. */
  captureContent?: boolean;
}

export function mapOtelSpan(span: ReadableSpan, options: MapOtelSpanOptions = {}): SpanItemInput {
  const context = span.spanContext();
  const parentSpanId =
    span.parentSpanContext?.spanId ?? (span as { parentSpanId?: string }).parentSpanId;
  const read = new AttributeReader(span.attributes);
  const genAi = isGenAiSpan(span);
  const declared = openInferenceKind(read) ?? vercelKind(read);
  const operation = read.string('gen_ai.operation.name');
  const kind: SpanKind =
    declared?.kind ??
    (operation ? (KIND_BY_OPERATION[operation] ?? 'llm') : undefined) ??
    (genAi ? 'llm' : 'span');

  const out: SpanAttributes = {};
  if (genAi) {
    readGenAi(read, out);
    readOpenInference(read, out, kind);
    readVercelAiSdk(read, out, kind);
    if (!out.operationName && declared?.operationName) out.operationName = declared.operationName;
  }

  const status = span.status;
  const statusCode = STATUS_CODES[status.code] ?? 'unset';
  let statusMessage = status.message;
  if (statusCode === 'error') {
    const exception = span.events.find((event) => event.name === 'exception');
    const exceptionType = exception?.attributes?.['exception.type'];
    if (!out.errorType && typeof exceptionType === 'string') out.errorType = exceptionType;
    const exceptionMessage = exception?.attributes?.['exception.message'];
    if (!statusMessage && typeof exceptionMessage === 'string') statusMessage = exceptionMessage;
  }
  if (!genAi) {
    const errorType = read.string('error.type');
    if (errorType) out.errorType = errorType;
  }

  const resource = span.resource?.attributes ?? {};
  const environment = resource['deployment.environment.name'] ?? resource['deployment.environment'];
  if (typeof environment === 'string' && environment) out.environment = environment;
  const release = resource['service.version'];
  if (typeof release === 'string' && release) out.release = release;

  let leftovers = read.remaining();
  if (options.captureContent === false)
    leftovers = leftovers.filter(([key]) => !isContentAttribute(key));
  leftovers = leftovers.slice(0, MAX_LEFTOVER_METADATA);
  if (leftovers.length > 0 || span.instrumentationScope?.name) {
    const metadata: NonNullable<SpanAttributes['metadata']> = {};
    if (span.instrumentationScope?.name)
      metadata['otel.scope.name'] = span.instrumentationScope.name;
    for (const [key, value] of leftovers)
      metadata[key] = Array.isArray(value)
        ? JSON.stringify(value)
        : (value as string | number | boolean);
    out.metadata = { ...metadata, ...out.metadata };
  }

  const startTime = hrTimeToMillis(span.startTime);
  return {
    type: 'span',
    traceId: context.traceId,
    spanId: context.spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: span.name || 'span',
    kind,
    startTime,
    endTime: Math.max(startTime, hrTimeToMillis(span.endTime)),
    status: { code: statusCode, ...(statusMessage ? { message: statusMessage } : {}) },
    ...out,
  };
}

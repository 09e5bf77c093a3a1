/**
 * Client-side privacy, applied off the caller's path just before a span is serialised:
 * optionally drop all message content, then pass every free-text value through the host's
 * `mask` hook. Identifiers, timestamps and enumerations are not masked; a mask that throws
 * replaces the value with a marker rather than letting the original through.
 */
import type { SpanItemInput } from './contract/index.ts';
import type { EndedSpan } from './SpanHandle.ts';

export interface MaskContext {
  /** Dotted path of the value in the span, e.g. `inputMessages.0.parts.1.content`. */
  path: string;
}

export interface PrivacyOptions {
  /** Send message content (prompts, completions, tool arguments and results). Default true. */
  captureContent?: boolean;
  /** Called with every free-text value before it leaves the process; returns what to send. */
  mask?: (value: string, context: MaskContext) => string;
}

export const MASK_FAILED = '[sightline: mask failed]';

const CONTENT_FIELDS = ['inputMessages', 'outputMessages', 'systemInstructions'] as const;
/** Fields that are not free text and are never masked. */
const UNMASKED_FIELDS = new Set([
  'type',
  'traceId',
  'spanId',
  'parentSpanId',
  'kind',
  'startTime',
  'endTime',
  'status.code',
  'role',
  'finishReason',
  'mimeType',
  'bytes',
]);

/** Builds the final span: deferred attributes merged, content dropped or masked per policy. */
export function prepareSpan(ended: EndedSpan, privacy: PrivacyOptions): SpanItemInput {
  let span = ended.span;
  for (const build of ended.deferred) span = mergeAttributes(span, build());
  if (privacy.captureContent === false) span = withoutContent(span);
  if (privacy.mask) span = maskValue(span, '', privacy.mask) as SpanItemInput;
  return span;
}

function mergeAttributes(span: SpanItemInput, extra: Partial<SpanItemInput>): SpanItemInput {
  const merged = Object.assign({}, span, extra);
  if (span.metadata && extra.metadata)
    merged.metadata = Object.assign({}, span.metadata, extra.metadata);
  return merged;
}

function withoutContent(span: SpanItemInput): SpanItemInput {
  const stripped: SpanItemInput = { ...span };
  for (const field of CONTENT_FIELDS) delete stripped[field];
  if (stripped.prompt?.variables) {
    const { variables: _variables, ...prompt } = stripped.prompt;
    stripped.prompt = prompt;
  }
  if (stripped.metadata && ('input' in stripped.metadata || 'output' in stripped.metadata)) {
    const { input: _input, output: _output, ...metadata } = stripped.metadata;
    stripped.metadata = metadata;
  }
  return stripped;
}

function maskValue(
  value: unknown,
  path: string,
  mask: NonNullable<PrivacyOptions['mask']>,
  depth = 0,
): unknown {
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (UNMASKED_FIELDS.has(path) || UNMASKED_FIELDS.has(key)) return value;
  if (typeof value === 'string') {
    try {
      const masked = mask(value, { path });
      return typeof masked === 'string' ? masked : MASK_FAILED;
    } catch {
      return MASK_FAILED;
    }
  }
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value))
    return value.map((entry, index) => maskValue(entry, `${path}.${index}`, mask, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(value)) {
    out[name] = maskValue(entry, path ? `${path}.${name}` : name, mask, depth + 1);
  }
  return out;
}

/**
 * Client-side privacy, applied off the caller's path just before a span is serialised:
 * optionally drop all message content, then pass every free-text value through the host's
 * `mask` hook. Identifiers, timestamps and enumerations are not masked; a mask that throws
 * replaces the value with a marker rather than letting the original through.
 */
import type { ScoreItem, SpanItemInput } from './contract/index.ts';
import type { EndedSpan } from './SpanHandle.ts';
import { binaryMarker, unreadableMarker } from './toPlainData.ts';

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
/**
 * The contract's own structural fields, which are not free text and are never masked, by their
 * exact path: a message's `role`, a part's `type`, the span's `kind`… The same key anywhere
 * else (`metadata.type`, a tool argument named `role`) is the host's data and is masked.
 */
const UNMASKED_PATHS = new RegExp(
  `^(${[
    'type',
    'traceId',
    'spanId',
    'parentSpanId',
    'kind',
    'startTime',
    'endTime',
    'status\\.code',
    'tool\\.type',
    '(input|output)Messages\\.\\d+\\.(role|finishReason)',
    '((input|output)Messages\\.\\d+\\.parts|systemInstructions)\\.\\d+\\.(type|mimeType|bytes)',
  ].join('|')})$`,
);

/**
 * The strictest of several privacy settings, for a sender that inherits a client's settings and
 * may add its own: content is dropped if any says so, and every mask runs, in order.
 */
export function strictestPrivacy(...settings: PrivacyOptions[]): PrivacyOptions {
  const masks = settings.flatMap((setting) => (setting.mask ? [setting.mask] : []));
  const dropContent = settings.some((setting) => setting.captureContent === false);
  return {
    ...(dropContent ? { captureContent: false } : {}),
    ...(masks.length === 1 ? { mask: masks[0] } : {}),
    ...(masks.length > 1
      ? {
          mask: (value: string, context: MaskContext) =>
            masks.reduce((masked, mask) => mask(masked, context), value),
        }
      : {}),
  };
}

/** Builds the final span: deferred attributes merged, content dropped or masked per policy. */
export function prepareSpan(ended: EndedSpan, privacy: PrivacyOptions): SpanItemInput {
  let span = ended.span;
  for (const build of ended.deferred) span = mergeAttributes(span, build());
  if (privacy.captureContent === false) span = withoutContent(span);
  if (privacy.mask) span = maskValue(span, '', privacy.mask) as SpanItemInput;
  return span;
}

/**
 * In place: an ended span is its handle's own attribute object, which nothing changes once the
 * span ended (a copy of every field for each deferred build cost ~0.2 µs per traced call).
 * Metadata is merged into a new object, since the first one may be the caller's.
 */
function mergeAttributes(span: SpanItemInput, extra: Partial<SpanItemInput>): SpanItemInput {
  const metadata = span.metadata;
  Object.assign(span, extra);
  if (metadata && extra.metadata) span.metadata = Object.assign({}, metadata, extra.metadata);
  return span;
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
  // A provider's error text can quote the prompt ("… your message 'my SSN is …' was flagged"):
  // the status code and the error's type go, its message does not.
  if (stripped.status?.message !== undefined) {
    stripped.status = { ...stripped.status, message: WITHHELD_MESSAGE };
  }
  return stripped;
}

/** What an error message becomes when content is not captured. */
export const WITHHELD_MESSAGE = '[sightline: message withheld, captureContent is false]';

function maskValue(
  value: unknown,
  path: string,
  mask: NonNullable<PrivacyOptions['mask']>,
  depth = 0,
): unknown {
  if (UNMASKED_PATHS.test(path)) return value;
  if (typeof value === 'string') return maskText(value, path, mask);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  // Binary data is sent as its size only (never read); a value that throws while read, as a
  // marker: neither costs the span (see toPlainData).
  const binary = binaryMarker(value);
  if (binary !== undefined) return binary;
  try {
    if (Array.isArray(value))
      return value.map((entry, index) => maskValue(entry, `${path}.${index}`, mask, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [name, entry] of Object.entries(value)) {
      out[name] = maskValue(entry, path ? `${path}.${name}` : name, mask, depth + 1);
    }
    return out;
  } catch (error) {
    return unreadableMarker(error);
  }
}

function maskText(value: string, path: string, mask: NonNullable<PrivacyOptions['mask']>): string {
  try {
    const masked = mask(value, { path });
    return typeof masked === 'string' ? masked : MASK_FAILED;
  } catch {
    return MASK_FAILED;
  }
}

/** A score with its free text (the comment, a string value) passed through the mask. */
export function maskScore(score: ScoreItem, mask: NonNullable<PrivacyOptions['mask']>): ScoreItem {
  const masked = { ...score };
  if (typeof masked.comment === 'string')
    masked.comment = maskText(masked.comment, 'comment', mask);
  if (typeof masked.value === 'string') masked.value = maskText(masked.value, 'value', mask);
  return masked;
}

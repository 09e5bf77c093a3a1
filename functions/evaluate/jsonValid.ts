/**
 * `json_valid`: when a call declared JSON output, does the output parse as JSON? A call
 * declares it by `request.outputType: 'json'` (gen_ai.output.type), by a response format
 * metadata value of `json`, `json_object` or `json_schema`, or by declaring an output schema.
 * One Markdown code fence around the whole output is tolerated (and noted in the comment).
 */
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import {
  EVALUATORS,
  JSON_RESPONSE_FORMATS,
  OUTPUT_SCHEMA_METADATA_KEY,
  RESPONSE_FORMAT_METADATA_KEYS,
} from './constants.ts';
import { metadataString, readSpanTexts, requestOutputType, type SpanTexts } from './spanText.ts';
import type { EvalScore } from './types.ts';

const FENCE = /^```[a-zA-Z0-9_-]{0,20}[ \t]*\r?\n([\s\S]*?)\r?\n[ \t]*```$/;

export function declaresJsonOutput(span: SpanItem): boolean {
  if (requestOutputType(span)?.toLowerCase() === 'json') return true;
  if (metadataString(span, OUTPUT_SCHEMA_METADATA_KEY) !== undefined) return true;
  return RESPONSE_FORMAT_METADATA_KEYS.some((key) => {
    const value = metadataString(span, key)?.trim().toLowerCase();
    return value !== undefined && (JSON_RESPONSE_FORMATS as readonly string[]).includes(value);
  });
}

export type JsonParseResult =
  { ok: true; value: unknown; fenced: boolean } | { ok: false; reason: string };

/**
 * json_valid and json_schema both parse a span's output (up to 200,000 characters): the result
 * is kept with the span's texts, which every evaluator of the span shares, for the other one.
 */
const parsedOutputs = new WeakMap<SpanTexts, JsonParseResult>();

/** Parses the span's output as JSON, accepting one code fence around the whole text. */
export function parseJsonOutput(texts: SpanTexts): JsonParseResult {
  let result = parsedOutputs.get(texts);
  if (result === undefined) {
    result = parseJsonOutputUncached(texts.output ?? '');
    parsedOutputs.set(texts, result);
  }
  return result;
}

function parseJsonOutputUncached(output: string): JsonParseResult {
  const trimmed = output.trim();
  const fenced = trimmed.startsWith('```') ? FENCE.exec(trimmed) : null;
  const body = fenced?.[1] ?? trimmed;
  if (body === '') return { ok: false, reason: 'empty output' };
  try {
    return { ok: true, value: JSON.parse(body) as unknown, fenced: fenced !== null };
  } catch (error) {
    return { ok: false, reason: (error as Error).message.slice(0, 200) };
  }
}

export function jsonValid(
  span: SpanItem,
  texts: SpanTexts = readSpanTexts(span),
): EvalScore | null {
  if (!declaresJsonOutput(span) || texts.output === undefined) return null;
  const { name, version } = EVALUATORS.jsonValid;
  if (texts.output.trim() === '' && texts.outputHasToolCalls) return null;
  if (texts.producerTruncated) {
    return {
      evaluator: name,
      version,
      value: 0,
      passed: null,
      label: 'unknown',
      comment: 'the producer truncated the output; its JSON cannot be judged',
    };
  }
  const parsed = parseJsonOutput(texts);
  if (!parsed.ok) {
    return {
      evaluator: name,
      version,
      value: 0,
      passed: false,
      label: 'invalid',
      comment: parsed.reason,
    };
  }
  return {
    evaluator: name,
    version,
    value: 1,
    passed: true,
    label: 'valid',
    ...(parsed.fenced ? { comment: 'JSON inside a Markdown code fence' } : {}),
  };
}

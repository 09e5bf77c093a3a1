/**
 * `truncated_output`: the provider stopped because the output hit its token limit
 * (finish reason `length`, `max_tokens`, `MAX_TOKENS`, `max_output_tokens`…).
 */
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import { EVALUATORS } from './constants.ts';
import { readSpanTexts, type SpanTexts } from './spanText.ts';
import type { EvalScore } from './types.ts';

const LIMIT_REASONS = new Set([
  'length',
  'maxtokens',
  'maxoutputtokens',
  'tokenlimit',
  'maxlength',
  'modellength',
]);

export function truncatedOutput(
  span: SpanItem,
  texts: SpanTexts = readSpanTexts(span),
): EvalScore | null {
  if (texts.finishReasons.length === 0) return null;
  const hit = texts.finishReasons.find((reason) =>
    LIMIT_REASONS.has(reason.toLowerCase().replace(/[^a-z]/g, '')),
  );
  return {
    evaluator: EVALUATORS.truncatedOutput.name,
    version: EVALUATORS.truncatedOutput.version,
    value: hit === undefined ? 0 : 1,
    passed: hit === undefined,
    label: hit === undefined ? 'complete' : 'truncated',
    ...(hit === undefined ? {} : { comment: `finish reason: ${hit}` }),
  };
}

/**
 * `refusal`: did the assistant decline (fully or in part)? `value` is the classifier's
 * calibrated probability; the span passes when it is below the threshold (0.5 by default).
 */
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import { EVALUATORS } from './constants.ts';
import { refusalProbability } from './refusal/refusalModel.ts';
import { readSpanTexts, type SpanTexts } from './spanText.ts';
import type { EvalScore } from './types.ts';

export const DEFAULT_REFUSAL_THRESHOLD = 0.5;

export function refusal(
  span: SpanItem,
  texts: SpanTexts = readSpanTexts(span),
  threshold = DEFAULT_REFUSAL_THRESHOLD,
): EvalScore | null {
  if (texts.output === undefined || texts.output.trim() === '') return null;
  const probability = refusalProbability(texts.output);
  const isRefusal = probability >= threshold;
  return {
    evaluator: EVALUATORS.refusal.name,
    version: EVALUATORS.refusal.version,
    value: probability,
    passed: !isRefusal,
    label: isRefusal ? 'refusal' : 'answer',
  };
}

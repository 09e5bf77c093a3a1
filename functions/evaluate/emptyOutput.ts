/**
 * `empty_output`: a call that finished without error but produced no text and no tool call.
 * Not applicable when the output was not captured at all (content capture off) or the call
 * failed (the error is the finding there).
 */
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import { EVALUATORS } from './constants.ts';
import { readSpanTexts, type SpanTexts } from './spanText.ts';
import type { EvalScore } from './types.ts';

export function emptyOutput(
  span: SpanItem,
  texts: SpanTexts = readSpanTexts(span),
): EvalScore | null {
  const status = (span as { status?: { code?: unknown } } | undefined)?.status?.code;
  if (status === 'error') return null;
  const outputTokens = (span as { usage?: { outputTokens?: unknown } } | undefined)?.usage
    ?.outputTokens;
  const capturedEmpty =
    texts.output !== undefined && texts.output.trim() === '' && !texts.outputHasToolCalls;
  const countedEmpty = texts.output === undefined && outputTokens === 0;
  if (texts.output === undefined && !countedEmpty) return null;
  const empty = capturedEmpty || countedEmpty;
  return {
    evaluator: EVALUATORS.emptyOutput.name,
    version: EVALUATORS.emptyOutput.version,
    value: empty ? 1 : 0,
    passed: !empty,
    label: empty ? 'empty' : 'non_empty',
    ...(countedEmpty
      ? { comment: 'no content captured; the provider counted 0 output tokens' }
      : {}),
  };
}

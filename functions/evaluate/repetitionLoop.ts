/**
 * `repetition_loop`: the output ends in a loop, the same run of tokens (a word, a phrase, a
 * line) repeated back to back. The check looks at the last 600 tokens for the period (1 to 60
 * tokens) whose repetition covers the most of the tail; a loop needs at least 4 repeats and 24
 * tokens for a single repeated token, 3 repeats and 16 tokens otherwise. CJK and Thai
 * characters count as one token each. `value` is the number of back-to-back repeats.
 */
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import { EVALUATORS } from './constants.ts';
import { readSpanTexts, type SpanTexts } from './spanText.ts';
import type { EvalScore } from './types.ts';

const TAIL_CHARS = 6_000;
const TAIL_TOKENS = 600;
const MAX_PERIOD = 60;
const MIN_TOKENS = 16;

const TOKEN =
  /[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]|[\p{L}\p{N}_']+|[^\s\p{L}\p{N}]/gu;

const WORDLIKE = /[\p{L}\p{N}]/u;

export interface RepetitionFinding {
  period: number;
  repeats: number;
  repeatedTokens: number;
  unit: string;
}

/** Finds the strongest back-to-back repetition at the end of `text`, if any. */
export function findTailRepetition(text: string): RepetitionFinding | null {
  const tail = text.slice(-TAIL_CHARS).toLowerCase();
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(tail); match !== null; match = TOKEN.exec(tail))
    tokens.push(match[0]);
  const kept = tokens.length > TAIL_TOKENS ? tokens.slice(-TAIL_TOKENS) : tokens;
  const n = kept.length;
  let best: RepetitionFinding | null = null;
  for (let period = 1; period <= MAX_PERIOD && period * 3 <= n; period += 1) {
    // Count how far back from the end each token equals the one a period earlier.
    let run = 0;
    for (let i = n - 1; i >= period && kept[i] === kept[i - period]; i -= 1) run += 1;
    const repeatedTokens = run + period;
    const repeats = Math.floor(repeatedTokens / period);
    const minRepeats = period === 1 ? 4 : 3;
    const minTokens = period === 1 ? 24 : MIN_TOKENS;
    // A rule of dashes or equals signs is layout, not a loop: the unit must hold a word.
    const hasWord = kept.slice(n - period).some((token) => WORDLIKE.test(token));
    if (hasWord && repeats >= minRepeats && repeatedTokens >= minTokens) {
      if (best === null || repeatedTokens > best.repeatedTokens) {
        best = {
          period,
          repeats,
          repeatedTokens,
          unit: kept
            .slice(n - period)
            .join(' ')
            .slice(0, 120),
        };
      }
    }
  }
  return best;
}

export function repetitionLoop(
  span: SpanItem,
  texts: SpanTexts = readSpanTexts(span),
): EvalScore | null {
  if (texts.output === undefined || texts.output.trim() === '') return null;
  const finding = findTailRepetition(texts.output);
  return {
    evaluator: EVALUATORS.repetitionLoop.name,
    version: EVALUATORS.repetitionLoop.version,
    value: finding?.repeats ?? 0,
    passed: finding === null,
    label: finding === null ? 'none' : 'loop',
    ...(finding === null
      ? {}
      : {
          comment: `"${finding.unit}" repeated ${finding.repeats} times (${finding.repeatedTokens} tokens)`,
        }),
  };
}

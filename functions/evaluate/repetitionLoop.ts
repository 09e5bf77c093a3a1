/**
 * `repetition_loop`: the output ends in a loop, the same run of tokens (a word, a phrase, a
 * line) repeated back to back. The check looks at the last 250 words (at most 1,500 characters) for the period (1 to 50
 * words) whose repetition covers the most of the tail; a loop needs at least 4 repeats and 24
 * words for a single repeated word, 3 repeats and 16 words otherwise. Text without spaces
 * (Chinese, Japanese, Thai) is checked by characters: a unit of 1 to 30 characters holding a
 * letter, repeated 6 times and over 60 characters. `value` is the number of repeats.
 */
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import { EVALUATORS } from './constants.ts';
import { readSpanTexts, type SpanTexts } from './spanText.ts';
import type { EvalScore } from './types.ts';
import { tokenizeWords } from './linearModel/tokenize.ts';

const TAIL_CHARS = 1_500;
const TAIL_TOKENS = 250;
const MAX_PERIOD = 50;
const MIN_TOKENS = 16;
/** Scripts written without spaces loop in characters, not words. */
const CHAR_TAIL = 600;
const MAX_CHAR_PERIOD = 30;
const MIN_CHAR_REPEATS = 6;
const MIN_CHAR_RUN = 60;
const WORDLIKE = /[\p{L}\p{N}]/u;

export interface RepetitionFinding {
  period: number;
  repeats: number;
  repeatedTokens: number;
  unit: string;
}

function findTokenRepetition(text: string): RepetitionFinding | null {
  const tokens = tokenizeWords(text.slice(-TAIL_CHARS), TAIL_CHARS);
  const kept = tokens.length > TAIL_TOKENS ? tokens.slice(-TAIL_TOKENS) : tokens;
  const n = kept.length;
  let best: RepetitionFinding | null = null;
  for (let period = 1; period <= MAX_PERIOD && period * 3 <= n; period += 1) {
    // How far back from the end each token equals the one a period earlier.
    let run = 0;
    for (let i = n - 1; i >= period && kept[i] === kept[i - period]; i -= 1) run += 1;
    const repeatedTokens = run + period;
    const repeats = Math.floor(repeatedTokens / period);
    const minRepeats = period === 1 ? 4 : 3;
    const minTokens = period === 1 ? 24 : MIN_TOKENS;
    if (repeats >= minRepeats && repeatedTokens >= minTokens) {
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

function findCharacterRepetition(text: string): RepetitionFinding | null {
  const tail = text.trimEnd().slice(-CHAR_TAIL);
  const n = tail.length;
  for (let period = 1; period <= MAX_CHAR_PERIOD && period * MIN_CHAR_REPEATS <= n; period += 1) {
    let run = 0;
    for (let i = n - 1; i >= period && tail.charCodeAt(i) === tail.charCodeAt(i - period); i -= 1) {
      run += 1;
    }
    const repeatedChars = run + period;
    const repeats = Math.floor(repeatedChars / period);
    const unit = tail.slice(n - period);
    // A rule of dashes or equals signs is layout, not a loop: the unit must hold a letter.
    if (repeats >= MIN_CHAR_REPEATS && repeatedChars >= MIN_CHAR_RUN && WORDLIKE.test(unit)) {
      return { period, repeats, repeatedTokens: repeatedChars, unit };
    }
  }
  return null;
}

/** Finds the strongest back-to-back repetition at the end of `text`, if any. */
export function findTailRepetition(text: string): RepetitionFinding | null {
  return findTokenRepetition(text) ?? findCharacterRepetition(text);
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

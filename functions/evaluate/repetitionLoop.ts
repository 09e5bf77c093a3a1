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
import { scanWordSpans, wordAt, type WordSpans } from './linearModel/tokenize.ts';

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

/** Whether tokens `a` and `b` of `spans` are the same string, without making the strings. */
function sameToken(lower: string, spans: WordSpans, a: number, b: number): boolean {
  if (spans.typographic[a] === 1 || spans.typographic[b] === 1) {
    return wordAt(lower, spans, a) === wordAt(lower, spans, b);
  }
  const startA = spans.starts[a] as number;
  const startB = spans.starts[b] as number;
  const length = (spans.ends[a] as number) - startA;
  if ((spans.ends[b] as number) - startB !== length) return false;
  for (let k = 0; k < length; k += 1) {
    if (lower.charCodeAt(startA + k) !== lower.charCodeAt(startB + k)) return false;
  }
  return true;
}

function findTokenRepetition(text: string): RepetitionFinding | null {
  // The tokens of tokenizeWords, compared in place: strings are made only for a found unit.
  const lower = text.slice(-TAIL_CHARS).toLowerCase();
  const spans = scanWordSpans(lower, TAIL_CHARS);
  const first = spans.count > TAIL_TOKENS ? spans.count - TAIL_TOKENS : 0;
  const n = spans.count - first;
  let best: RepetitionFinding | null = null;
  let bestStart = 0;
  for (let period = 1; period <= MAX_PERIOD && period * 3 <= n; period += 1) {
    // How far back from the end each token equals the one a period earlier.
    let run = 0;
    for (
      let i = n - 1;
      i >= period && sameToken(lower, spans, first + i, first + i - period);
      i -= 1
    ) {
      run += 1;
    }
    const repeatedTokens = run + period;
    const repeats = Math.floor(repeatedTokens / period);
    const minRepeats = period === 1 ? 4 : 3;
    const minTokens = period === 1 ? 24 : MIN_TOKENS;
    if (repeats >= minRepeats && repeatedTokens >= minTokens) {
      if (best === null || repeatedTokens > best.repeatedTokens) {
        best = { period, repeats, repeatedTokens, unit: '' };
        bestStart = first + n - period;
      }
    }
  }
  if (best !== null) {
    const unit: string[] = [];
    for (let k = bestStart; k < first + n; k += 1) unit.push(wordAt(lower, spans, k));
    best.unit = unit.join(' ').slice(0, 120);
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

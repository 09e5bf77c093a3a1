/**
 * System-prompt leakage in a model output: how much of the system prompt the output
 * reproduces word for word, measured with word n-grams (lower-cased). The score is the larger
 * of the share of the prompt's n-grams found in the output and the longest verbatim run
 * (in words) over LONG_RUN_WORDS; the label is 'leak' at or above LEAK_THRESHOLD.
 * Paraphrased or translated leaks are not caught (see docs/detection.md).
 */
import type { Verdict } from '../types.ts';
import { SYSTEM_PROMPT_LEAK_DETECTOR } from './constants.ts';

const NGRAM = 5;
/** A verbatim run this long (in words) alone scores 1. */
const LONG_RUN_WORDS = 50;
export const LEAK_THRESHOLD = 0.5;
/** Prompts shorter than this (in words) are too generic to call any overlap a leak. */
const MIN_PROMPT_WORDS = 8;

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c > 127;
}

function words(text: string): string[] {
  const out: string[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < length && isWordChar(text.charCodeAt(i))) i++;
    out.push(text.slice(start, i).toLowerCase());
  }
  return out;
}

/** Each run of `n` consecutive word ids, as one key. */
function ngramKey(ids: readonly number[], end: number, n: number): string {
  return ids.slice(end + 1 - n, end + 1).join(',');
}

/**
 * A system prompt's n-grams, with its words numbered: an output word the prompt never uses
 * cannot be part of a copied n-gram, so output n-grams are only built where all their words
 * occur in the prompt (most outputs share few runs of five words with their prompt).
 */
interface PromptGrams {
  wordIds: Map<string, number>;
  /** Each n-gram as its word ids joined by commas. */
  grams: Set<string>;
}

/** System prompts repeat across calls: their n-gram sets are kept (bounded) between spans. */
const PROMPT_CACHE_SIZE = 256;
const promptCache = new Map<string, PromptGrams | null>();

function promptGramsOf(systemPrompt: string): PromptGrams | null {
  const cached = promptCache.get(systemPrompt);
  if (cached !== undefined) return cached;
  const promptWords = words(systemPrompt);
  let entry: PromptGrams | null = null;
  if (promptWords.length >= MIN_PROMPT_WORDS) {
    const wordIds = new Map<string, number>();
    const ids = promptWords.map((word) => {
      let id = wordIds.get(word);
      if (id === undefined) wordIds.set(word, (id = wordIds.size));
      return id;
    });
    const grams = new Set<string>();
    for (let end = NGRAM - 1; end < ids.length; end++) grams.add(ngramKey(ids, end, NGRAM));
    entry = { wordIds, grams };
  }
  if (promptCache.size >= PROMPT_CACHE_SIZE) promptCache.clear();
  promptCache.set(systemPrompt, entry);
  return entry;
}

export interface PromptLeakMeasure {
  /** Share of the system prompt's distinct n-grams that occur in the output. */
  coverage: number;
  /** Longest run of output words copied verbatim from the system prompt. */
  longestRunWords: number;
}

export function measurePromptLeak(systemPrompt: string, output: string): PromptLeakMeasure {
  const prompt = promptGramsOf(systemPrompt);
  if (!prompt) return { coverage: 0, longestRunWords: 0 };
  const ids = words(output).map((word) => prompt.wordIds.get(word) ?? -1);
  const found = new Set<string>();
  let run = 0;
  let longest = 0;
  // knownWords: how many words up to here in a row occur in the prompt at all.
  let knownWords = 0;
  for (let end = 0; end < ids.length; end++) {
    knownWords = ids[end]! < 0 ? 0 : knownWords + 1;
    if (end + 1 < NGRAM) continue;
    const key = knownWords >= NGRAM ? ngramKey(ids, end, NGRAM) : '';
    if (key !== '' && prompt.grams.has(key)) {
      found.add(key);
      run++;
      if (run > longest) longest = run;
    } else {
      run = 0;
    }
  }
  return {
    coverage: prompt.grams.size > 0 ? found.size / prompt.grams.size : 0,
    longestRunWords: longest > 0 ? longest + NGRAM - 1 : 0,
  };
}

export function detectSystemPromptLeak(systemPrompt: string, output: string): Verdict {
  if (typeof systemPrompt !== 'string' || typeof output !== 'string') {
    return { score: 0, label: 'no_leak', detector: SYSTEM_PROMPT_LEAK_DETECTOR };
  }
  const { coverage, longestRunWords } = measurePromptLeak(systemPrompt, output);
  const score = Math.min(1, Math.max(coverage, longestRunWords / LONG_RUN_WORDS));
  return {
    score,
    label: score >= LEAK_THRESHOLD ? 'leak' : 'no_leak',
    detector: SYSTEM_PROMPT_LEAK_DETECTOR,
  };
}

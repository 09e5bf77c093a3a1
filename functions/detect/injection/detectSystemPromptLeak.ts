/**
 * System-prompt leakage in a model output: how much of the system prompt the output
 * reproduces word for word, measured with word n-grams (lower-cased). The score is the larger
 * of the share of the prompt's n-grams found in the output and the longest verbatim run
 * (in words) over LONG_RUN_WORDS; the label is 'leak' at or above LEAK_THRESHOLD.
 * Paraphrased or translated leaks are not caught (see docs/detection.md).
 */
import type { Verdict } from '../types.ts';
import { SYSTEM_PROMPT_LEAK_DETECTOR } from './constants.ts';
import { FNV_OFFSET, FNV_PRIME, hashWord } from './hashedNgrams.ts';

const NGRAM = 5;
/** A verbatim run this long (in words) alone scores 1. */
const LONG_RUN_WORDS = 50;
export const LEAK_THRESHOLD = 0.5;
/** Prompts shorter than this (in words) are too generic to call any overlap a leak. */
const MIN_PROMPT_WORDS = 8;

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c > 127;
}

/**
 * Calls `visit` for each word of `text` (a run of word characters) with its bounds, the FNV-1a
 * hash of its characters with ASCII letters lower-cased, and whether it is all ASCII (then
 * that hash is the hash of the lower-cased word).
 */
function forEachWord(
  text: string,
  visit: (start: number, end: number, asciiHash: number, ascii: boolean) => void,
): void {
  const length = text.length;
  let i = 0;
  while (i < length) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let h = FNV_OFFSET;
    let ascii = true;
    for (; i < length; i++) {
      let c = text.charCodeAt(i);
      if (!isWordChar(c)) break;
      if (c > 127) ascii = false;
      else if (c <= 90 && c >= 65) c += 32;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    visit(start, i, h >>> 0, ascii);
  }
}

/** The words of a text, lower-cased. */
function words(text: string): string[] {
  const out: string[] = [];
  forEachWord(text, (start, end) => out.push(text.slice(start, end).toLowerCase()));
  return out;
}

/**
 * The n-gram of `n` word ids ending at `end`, as one key: a number when every id fits in
 * ID_BITS (5 × 10 bits stay exact in a double), else the ids joined by commas.
 */
const ID_BITS = 10;
const ID_LIMIT = 1 << ID_BITS;

function ngramKey(ids: readonly number[], end: number, n: number, vocabulary: number): GramKey {
  if (vocabulary > ID_LIMIT) return ids.slice(end + 1 - n, end + 1).join(',');
  let key = 0;
  for (let at = end + 1 - n; at <= end; at++) key = key * ID_LIMIT + ids[at]!;
  return key;
}

type GramKey = number | string;

/**
 * A system prompt's n-grams, with its words numbered: an output word the prompt never uses
 * cannot be part of a copied n-gram, so output n-grams are only built where all their words
 * occur in the prompt (most outputs share few runs of five words with their prompt).
 */
interface PromptGrams {
  wordIds: Map<string, number>;
  /**
   * The ids of the prompt's all-ASCII words by the FNV-1a hash of their characters
   * (AMBIGUOUS where two words share a hash), so output words are looked up without making
   * their strings; `words[id]` confirms a match.
   */
  asciiIdByHash: Map<number, number>;
  words: string[];
  /** Each n-gram's key (ngramKey). */
  grams: Set<GramKey>;
}

const AMBIGUOUS = -2;
const ALL_ASCII = /^\p{ASCII}*$/u;

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
    const grams = new Set<GramKey>();
    for (let end = NGRAM - 1; end < ids.length; end++)
      grams.add(ngramKey(ids, end, NGRAM, wordIds.size));
    const asciiIdByHash = new Map<number, number>();
    for (const [word, id] of wordIds) {
      if (!ALL_ASCII.test(word)) continue;
      const hash = hashWord(word) >>> 0;
      asciiIdByHash.set(hash, asciiIdByHash.has(hash) ? AMBIGUOUS : id);
    }
    entry = { wordIds, asciiIdByHash, words: [...wordIds.keys()], grams };
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

/**
 * The prompt's id of each word of the output (-1 for words the prompt does not use): the ids
 * of `words(output)` looked up in `wordIds`, without making the strings of all-ASCII words
 * (lower-cased and hashed as they are scanned, then compared with the prompt's word).
 */
function outputWordIds(output: string, prompt: PromptGrams): number[] {
  const ids: number[] = [];
  forEachWord(output, (start, end, hash, ascii) => {
    let id = ascii ? (prompt.asciiIdByHash.get(hash) ?? -1) : AMBIGUOUS;
    if (id === AMBIGUOUS) id = prompt.wordIds.get(output.slice(start, end).toLowerCase()) ?? -1;
    else if (id >= 0 && !isSameLowerCaseAscii(output, start, end, prompt.words[id]!)) id = -1;
    ids.push(id);
  });
  return ids;
}

function isSameLowerCaseAscii(text: string, start: number, end: number, word: string): boolean {
  if (word.length !== end - start) return false;
  for (let k = 0; k < word.length; k++) {
    let c = text.charCodeAt(start + k);
    if (c <= 90 && c >= 65) c += 32;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

export function measurePromptLeak(systemPrompt: string, output: string): PromptLeakMeasure {
  const prompt = promptGramsOf(systemPrompt);
  if (!prompt) return { coverage: 0, longestRunWords: 0 };
  const ids = outputWordIds(output, prompt);
  const found = new Set<GramKey>();
  let run = 0;
  let longest = 0;
  // knownWords: how many words up to here in a row occur in the prompt at all.
  let knownWords = 0;
  for (let end = 0; end < ids.length; end++) {
    knownWords = ids[end]! < 0 ? 0 : knownWords + 1;
    if (end + 1 < NGRAM) continue;
    const key = knownWords >= NGRAM ? ngramKey(ids, end, NGRAM, prompt.wordIds.size) : '';
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

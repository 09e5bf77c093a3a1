/**
 * The toxicity classifier's features: hashed word unigrams and bigrams and lexicon hits by
 * category (lexicon stems match inflections and disguises such as "b1tchhh"). Character
 * n-grams were tried and dropped: they lowered cross-validated macro F1 from 0.785 to 0.734
 * and cost two-thirds of the time. Tokens are normalised first: leetspeak digits folded to letters, runs of three or
 * more letters squeezed to two, and social-media noise (mentions, links, "RT", entities) dropped.
 */
import {
  combineHashes,
  extendHash,
  HashedFeatures,
  namespaceSeed,
} from '../linearModel/featureHashing.ts';
import { APOSTROPHE, isApostrophe, isWordCode } from '../linearModel/tokenize.ts';
import {
  INSULT_WORDS,
  PROFANITY_STEMS,
  PROFANITY_WORDS,
  SLUR_STEMS,
  SLUR_WORDS,
} from './toxicityLexicon.ts';

export const TOXICITY_FEATURE_BITS = 16;
export const TOXICITY_CLASSES = ['neither', 'offensive_language', 'hate_speech'] as const;
/** Long texts are read in part: abuse in a chat message is rarely only past this point. */
const MAX_SCANNED_CHARS = 4_000;
const MAX_TOKENS = 300;

const LEET: Record<string, string | undefined> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};
const NOISE = /@\w+|https?:\/\/\S+|&#?\w+;|\brt\b/g;

function isAsciiWordCode(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    code === 0x5f
  );
}

/**
 * Whether NOISE can match: every match holds "@", "&", "http" or a whole word "rt" (`\b` and
 * `\w` are ASCII here), found by indexOf, which is far cheaper than a regex pass.
 */
function mayHoldNoise(text: string): boolean {
  if (text.includes('@') || text.includes('&') || text.includes('http')) return true;
  for (let at = text.indexOf('rt'); at >= 0; at = text.indexOf('rt', at + 1)) {
    const before = at === 0 ? -1 : text.charCodeAt(at - 1);
    const after = at + 2 >= text.length ? -1 : text.charCodeAt(at + 2);
    if (!isAsciiWordCode(before) && !isAsciiWordCode(after)) return true;
  }
  return false;
}

function needsNormalising(token: string): boolean {
  let hasLetter = false;
  let hasLeetDigit = false;
  for (let i = 0; i < token.length; i += 1) {
    const code = token.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) hasLeetDigit ||= LEET[token[i] as string] !== undefined;
    else hasLetter = true;
    if (i >= 2 && code === token.charCodeAt(i - 1) && code === token.charCodeAt(i - 2)) return true;
  }
  return hasLetter && hasLeetDigit;
}

/** Folds leetspeak digits (in tokens that also hold letters) and squeezes letter runs to two. */
function normaliseToken(token: string): string {
  if (!needsNormalising(token)) return token;
  const hasLetter = /[^0-9]/.test(token);
  let out = '';
  let last = '';
  let run = 0;
  for (const raw of token) {
    const ch = hasLetter ? (LEET[raw] ?? raw) : raw;
    run = ch === last ? run + 1 : 1;
    last = ch;
    if (run <= 2) out += ch;
  }
  return out;
}

type LexiconCategory = 'slur' | 'profanity' | 'insult';

/** Stems indexed by their first three characters, so a token is checked against a handful. */
const stemsByPrefix = new Map<number, { stem: string; category: LexiconCategory }[]>();
const prefixKey = (text: string): number =>
  (text.charCodeAt(0) << 20) ^ (text.charCodeAt(1) << 10) ^ text.charCodeAt(2);
for (const [stems, category] of [
  [SLUR_STEMS, 'slur'],
  [PROFANITY_STEMS, 'profanity'],
] as const) {
  for (const stem of stems) {
    const key = prefixKey(stem);
    stemsByPrefix.set(key, [...(stemsByPrefix.get(key) ?? []), { stem, category }]);
  }
}

/** Exact lexicon words by their token hash (the hash the word features use anyway). */
const wordCategoryByHash = new Map<number, LexiconCategory>();
for (const [words, category] of [
  [SLUR_WORDS, 'slur'],
  [PROFANITY_WORDS, 'profanity'],
  [INSULT_WORDS, 'insult'],
] as const) {
  for (const word of words) wordCategoryByHash.set(extendHash(0, word), category);
}

function lexiconCategory(token: string, hash: number): LexiconCategory | null {
  const exact = wordCategoryByHash.get(hash);
  if (exact !== undefined) return exact;
  if (token.length < 3) return null;
  const stems = stemsByPrefix.get(prefixKey(token));
  if (stems === undefined) return null;
  for (const entry of stems) {
    if (token.startsWith(entry.stem)) return entry.category;
  }
  return null;
}

const SEED = {
  word: namespaceSeed('w'),
  bigram: namespaceSeed('w2'),
  lexicon: namespaceSeed('lex'),
  lexiconCount: namespaceSeed('lex-count'),
  flag: namespaceSeed('flag'),
};
const FNV_PRIME = 0x01000193;
const NO_CATEGORY = 0;
const CATEGORY_CODES: readonly LexiconCategory[] = ['slur', 'profanity', 'insult'];
/** Per-token scratch for one call: the token's hash, lexicon category (1-based) and string. */
const tokenHashes = new Float64Array(MAX_TOKENS);
const tokenCategories = new Uint8Array(MAX_TOKENS);
const lexiconTokens: string[] = [];

function isLeetDigit(code: number): boolean {
  return (
    code === 0x30 ||
    code === 0x31 ||
    code === 0x33 ||
    code === 0x34 ||
    code === 0x35 ||
    code === 0x37
  );
}

function categoryCode(category: LexiconCategory | null): number {
  return category === null ? NO_CATEGORY : CATEGORY_CODES.indexOf(category) + 1;
}

/**
 * A one-sided filter on the low 16 bits of a hash: a clear bit means the key is certainly not
 * in the map, so most tokens skip a Map lookup (keys above 2^30 are heap numbers, slow to hash).
 */
function lowBitsFilter(keys: Iterable<number>): Uint8Array {
  const filter = new Uint8Array(1 << 16);
  for (const key of keys) filter[key & 0xffff] = 1;
  return filter;
}
const lexiconWordFilter = lowBitsFilter(wordCategoryByHash.keys());
const stemPrefixFilter = lowBitsFilter(stemsByPrefix.keys());

/** The token's string as `tokenizeWords` gives it (typographic apostrophes folded). */
function tokenString(text: string, start: number, end: number, typographic: boolean): string {
  const token = text.slice(start, end);
  return typographic ? token.replace(/[\u2018\u2019\u02bc`]/g, "'") : token;
}

/**
 * Tokenizes `text` (lower-cased) as `tokenizeWords` does and hashes each token as
 * `normaliseToken` would leave it, in the same pass: the token's string is only made when it
 * needs normalising, has a typographic apostrophe, or may be in the lexicon, so most tokens
 * cost one pass over their characters and no allocation.
 */
function hashTokens(text: string): number {
  const length = text.length;
  let count = 0;
  let i = 0;
  while (i < length && count < MAX_TOKENS) {
    while (i < length && !isWordCode(text.charCodeAt(i))) i += 1;
    if (i >= length) break;
    const start = i;
    let typographic = false;
    // FNV-1a from 0 (extendHash(0, token)) and the needsNormalising tests, as the scan goes.
    let h = 0;
    let hasLetter = false;
    let hasLeetDigit = false;
    let triple = false;
    let previous = -1;
    let beforePrevious = -1;
    while (i < length) {
      let code = text.charCodeAt(i);
      if (code >= 0x61 && code <= 0x7a) {
        // A lower-case ASCII letter (most characters of a lower-cased text): a word character
        // that is neither a digit nor an apostrophe, so only the hash and the run change.
        i += 1;
        h = Math.imul(h ^ code, FNV_PRIME);
        hasLetter = true;
        if (code === previous && code === beforePrevious) triple = true;
        beforePrevious = previous;
        previous = code;
        continue;
      }
      if (isWordCode(code)) {
        i += 1;
      } else if (isApostrophe(code) && i + 1 < length && isWordCode(text.charCodeAt(i + 1))) {
        if (code !== APOSTROPHE) typographic = true;
        code = APOSTROPHE;
        i += 1;
      } else {
        break;
      }
      h = Math.imul(h ^ code, FNV_PRIME);
      if (code >= 0x30 && code <= 0x39) hasLeetDigit ||= isLeetDigit(code);
      else hasLetter = true;
      if (code === previous && code === beforePrevious) triple = true;
      beforePrevious = previous;
      previous = code;
    }
    const end = i;
    let token: string | undefined;
    let hash = h >>> 0;
    if (typographic || triple || (hasLetter && hasLeetDigit)) {
      token = normaliseToken(tokenString(text, start, end, typographic));
      hash = extendHash(0, token);
    }
    let category: LexiconCategory | null = null;
    if (token !== undefined) {
      category = lexiconCategory(token, hash);
    } else {
      // The same test as lexiconCategory, making the string only for a possible entry.
      if (lexiconWordFilter[hash & 0xffff] === 1) category = wordCategoryByHash.get(hash) ?? null;
      if (category === null && end - start >= 3) {
        const key =
          (text.charCodeAt(start) << 20) ^
          (text.charCodeAt(start + 1) << 10) ^
          text.charCodeAt(start + 2);
        if (stemPrefixFilter[key & 0xffff] === 1 && stemsByPrefix.has(key)) {
          token = text.slice(start, end);
          category = lexiconCategory(token, hash);
        }
      } else if (category !== null) {
        token = text.slice(start, end);
      }
    }
    tokenHashes[count] = hash;
    tokenCategories[count] = categoryCode(category);
    if (category !== null) lexiconTokens[count] = token as string;
    count += 1;
  }
  return count;
}

/** Hashed feature indices for a text (a user message or an answer). */
export function toxicityFeatures(input: string): number[] {
  return hashToxicityFeatures(input).indices;
}

/** The same features, read in place (valid until the next text is hashed). */
export function hashToxicityFeatures(input: string): HashedFeatures {
  const features = new HashedFeatures(TOXICITY_FEATURE_BITS);
  const lower = input.slice(0, MAX_SCANNED_CHARS).toLowerCase();
  const text = mayHoldNoise(lower) ? lower.replace(NOISE, ' ') : lower;
  const count = hashTokens(text);
  const counts = { slur: 0, profanity: 0, insult: 0 };
  // Each token is hashed once; word and bigram features combine those hashes.
  for (let i = 0; i < count; i += 1) {
    const hash = tokenHashes[i] as number;
    features.addHash(combineHashes(SEED.word, hash));
    if (i + 1 < count) {
      features.addHash(
        combineHashes(combineHashes(SEED.bigram, hash), tokenHashes[i + 1] as number),
      );
    }
    const code = tokenCategories[i] as number;
    if (code !== NO_CATEGORY) {
      const category = CATEGORY_CODES[code - 1] as LexiconCategory;
      const token = lexiconTokens[i] as string;
      counts[category] += 1;
      features.addPair(SEED.lexicon, category, token.length > 12 ? token.slice(0, 12) : token);
    }
  }
  for (const category of CATEGORY_CODES) {
    const count = counts[category];
    if (count > 0) features.addPair(SEED.lexiconCount, category, count >= 3 ? '3+' : String(count));
  }
  if (counts.slur > 0 && counts.profanity > 0) features.add(SEED.flag, 'slur-and-profanity');
  return features;
}

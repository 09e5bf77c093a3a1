/**
 * The model's text features: word unigrams and bigrams and character 3- to 5-grams of the
 * lower-cased text, hashed into HASH_BUCKETS buckets (FNV-1a with a final mix). Inference sums weights
 * over the buckets; training collects the same buckets into sparse vectors, so both read
 * exactly the same features.
 */
import { HASH_BUCKETS } from './constants.ts';

const MASK = HASH_BUCKETS - 1;
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 16777619;
const CHAR_NGRAM_MIN = 4;
const CHAR_NGRAM_MAX = 4;
const WORD_SALT = 0x51ed270b;
const BIGRAM_SALT = 0x68e31da4;

function bucket(hash: number, salt: number): number {
  let h = Math.imul(hash ^ salt, 0x2c1b3c6d);
  h ^= h >>> 15;
  return h & MASK;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39 || c > 127;
}

let buffer = new Int32Array(16_384);

/**
 * Writes the bucket of every n-gram occurrence of `text` (lower-cased) into a shared buffer
 * and returns the buffer and the count. A plain array beats a per-n-gram callback several
 * times over; the buffer is only valid until the next call.
 */
export function ngramBuckets(text: string): { buckets: Int32Array; count: number } {
  const length = text.length;
  // 3 character n-grams per position, at most 2 word n-grams per 2 characters.
  const needed = length * 3 + length + 2;
  if (buffer.length < needed) buffer = new Int32Array(needed);
  const out = buffer;
  let count = 0;
  // Character n-grams: one rolling FNV per start position, emitted at lengths 3, 4 and 5.
  for (let i = 0; i + CHAR_NGRAM_MIN <= length; i++) {
    let h = FNV_OFFSET;
    const last = Math.min(length, i + CHAR_NGRAM_MAX);
    for (let j = i; j < last; j++) {
      h = Math.imul(h ^ text.charCodeAt(j), FNV_PRIME);
      const n = j - i + 1;
      if (n >= CHAR_NGRAM_MIN) out[count++] = bucket(h, n * 0x9e3779b1);
    }
  }
  // Word unigrams and bigrams.
  const words = hashWordsInto(text);
  for (let k = 0; k < words; k++) {
    const h = markedHashes[k] as number;
    out[count++] = bucket(h, WORD_SALT);
    if (k > 0) out[count++] = bucket(Math.imul(markedHashes[k - 1] as number, 31) ^ h, BIGRAM_SALT);
  }
  return { buckets: out, count };
}

const CHAR_NGRAM_SALT = CHAR_NGRAM_MIN * 0x9e3779b1;

/**
 * Sum of the weights of every n-gram occurrence divided by sqrt(occurrences): the n-grams of
 * `ngramBuckets`, in the same order (so the same float sum), added up as they are hashed
 * instead of being written to a buffer first. The character n-grams are read through a
 * sliding window of four code units, each read once.
 */
export function ngramScore(text: string, weights: Float32Array): number {
  const length = text.length;
  let sum = 0;
  let count = 0;
  if (CHAR_NGRAM_MIN === 4 && CHAR_NGRAM_MAX === 4) {
    let c0 = text.charCodeAt(0);
    let c1 = text.charCodeAt(1);
    let c2 = text.charCodeAt(2);
    for (let i = 0; i + 4 <= length; i++) {
      const c3 = text.charCodeAt(i + 3);
      const h = Math.imul(
        Math.imul(
          Math.imul(Math.imul(FNV_OFFSET ^ c0, FNV_PRIME) ^ c1, FNV_PRIME) ^ c2,
          FNV_PRIME,
        ) ^ c3,
        FNV_PRIME,
      );
      sum += weights[bucket(h, CHAR_NGRAM_SALT)] as number;
      count++;
      c0 = c1;
      c1 = c2;
      c2 = c3;
    }
  } else {
    const { buckets, count: total } = ngramBuckets(text);
    for (let k = 0; k < total; k++) sum += weights[buckets[k] as number] as number;
    return total > 0 ? sum / Math.sqrt(total) : 0;
  }
  // Word unigrams and bigrams, from the hashes markWords kept when it read this same text.
  const words = text === markedText ? markedCount : hashWordsInto(text);
  for (let k = 0; k < words; k++) {
    const h = markedHashes[k] as number;
    sum += weights[bucket(h, WORD_SALT)] as number;
    count++;
    if (k > 0) {
      sum += weights[
        bucket(Math.imul(markedHashes[k - 1] as number, 31) ^ h, BIGRAM_SALT)
      ] as number;
      count++;
    }
  }
  return count > 0 ? sum / Math.sqrt(count) : 0;
}

/** The word hashes of the text last read by markWords or hashWordsInto (shared, reused). */
let markedHashes = new Int32Array(1024);
let markedCount = 0;
let markedText: string | undefined;

/** Writes the hash of every word of `text` into markedHashes and returns how many. */
function hashWordsInto(text: string): number {
  const length = text.length;
  // At most one word per two characters (a word and its separator), plus one.
  if (markedHashes.length < (length >> 1) + 1) markedHashes = new Int32Array((length >> 1) + 1);
  let count = 0;
  let i = 0;
  while (i < length) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let h = FNV_OFFSET;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (!isWordChar(c)) break;
      h = Math.imul(h ^ c, FNV_PRIME);
      i++;
    }
    markedHashes[count++] = h;
  }
  markedCount = count;
  markedText = text;
  return count;
}

export function hashWord(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h;
}

const WORD_MARK_BITS = 16;
const WORD_MARK_MASK = (1 << WORD_MARK_BITS) - 1;
const wordMarks = new Uint32Array(1 << WORD_MARK_BITS);
let wordGeneration = 0;

/**
 * Marks the words of a lower-cased text (same tokens as the word n-grams) in a shared,
 * generation-stamped table and returns the generation, for `isWordMarked` until the next call:
 * it never misses a word that is there and rarely claims one that is not (one-hash Bloom
 * filter). No allocation or clearing per text, unlike a Set or a fresh bit array.
 */
export function markWords(text: string): number {
  wordGeneration = (wordGeneration + 1) >>> 0;
  if (wordGeneration === 0) {
    wordMarks.fill(0);
    wordGeneration = 1;
  }
  const generation = wordGeneration;
  // The hashes stay in markedHashes: ngramScore reuses them when it scores this same text.
  const count = hashWordsInto(text);
  for (let k = 0; k < count; k++)
    wordMarks[(markedHashes[k] as number) & WORD_MARK_MASK] = generation;
  return generation;
}

/** Whether a word (by `hashWord`) may be in the text `markWords` returned `generation` for. */
export function isWordMarked(generation: number, wordHash: number): boolean {
  return generation === wordGeneration && wordMarks[wordHash & WORD_MARK_MASK] === generation;
}

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** Counts per bucket divided by sqrt(total n-grams): the same scaling inference applies. */
export function ngramVector(text: string): SparseVector {
  const counts = new Map<number, number>();
  const { buckets, count: total } = ngramBuckets(text);
  for (let k = 0; k < total; k++) {
    const b = buckets[k] as number;
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const scale = total > 0 ? 1 / Math.sqrt(total) : 0;
  const indices = new Int32Array(counts.size);
  const values = new Float32Array(counts.size);
  let k = 0;
  for (const [index, count] of counts) {
    indices[k] = index;
    values[k] = count * scale;
    k++;
  }
  return { indices, values };
}

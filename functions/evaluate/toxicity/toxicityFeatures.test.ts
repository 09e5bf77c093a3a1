/**
 * `toxicityFeatures` tokenizes, normalises, hashes and looks up the lexicon in one pass over
 * the text, for speed. This test holds it to the plain reading its header describes: the
 * tokens of `tokenizeWords`, each normalised (leetspeak folded, runs squeezed), hashed, and
 * looked up word by word and stem by stem, on generated texts full of the hard cases.
 */
import { describe, expect, it } from 'vitest';
import {
  combineHashes,
  extendHash,
  HashedFeatures,
  namespaceSeed,
} from '../linearModel/featureHashing.ts';
import { tokenizeWords } from '../linearModel/tokenize.ts';
import { TOXICITY_FEATURE_BITS, toxicityFeatures } from './toxicityFeatures.ts';
import {
  INSULT_WORDS,
  PROFANITY_STEMS,
  PROFANITY_WORDS,
  SLUR_STEMS,
  SLUR_WORDS,
} from './toxicityLexicon.ts';

const LEET: Record<string, string> = {
  0: 'o',
  1: 'i',
  3: 'e',
  4: 'a',
  5: 's',
  7: 't',
  '@': 'a',
  $: 's',
};

function normalise(token: string): string {
  const hasLetter = /[^0-9]/.test(token);
  const hasLeetDigit = [...token].some((ch) => /[0-9]/.test(ch) && LEET[ch] !== undefined);
  const hasTriple = /(.)\1\1/su.test(token);
  if (!hasTriple && !(hasLetter && hasLeetDigit)) return token;
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

function category(token: string): 'slur' | 'profanity' | 'insult' | null {
  // Later lists win for a word in two, as in the detector's table.
  if ((INSULT_WORDS as readonly string[]).includes(token)) return 'insult';
  if ((PROFANITY_WORDS as readonly string[]).includes(token)) return 'profanity';
  if ((SLUR_WORDS as readonly string[]).includes(token)) return 'slur';
  if (token.length < 3) return null;
  if (SLUR_STEMS.some((stem) => token.startsWith(stem))) return 'slur';
  if (PROFANITY_STEMS.some((stem) => token.startsWith(stem))) return 'profanity';
  return null;
}

function referenceFeatures(input: string): number[] {
  const features = new HashedFeatures(TOXICITY_FEATURE_BITS);
  const text = input
    .slice(0, 4_000)
    .toLowerCase()
    .replace(/@\w+|https?:\/\/\S+|&#?\w+;|\brt\b/g, ' ');
  const tokens = tokenizeWords(text, 300).map(normalise);
  const hashes = tokens.map((token) => extendHash(0, token));
  const counts = { slur: 0, profanity: 0, insult: 0 };
  tokens.forEach((token, i) => {
    features.addHash(combineHashes(namespaceSeed('w'), hashes[i]!));
    if (i + 1 < tokens.length) {
      features.addHash(
        combineHashes(combineHashes(namespaceSeed('w2'), hashes[i]!), hashes[i + 1]!),
      );
    }
    const found = category(token);
    if (found !== null) {
      counts[found] += 1;
      features.addPair(namespaceSeed('lex'), found, token.slice(0, 12));
    }
  });
  for (const found of ['slur', 'profanity', 'insult'] as const) {
    const count = counts[found];
    if (count > 0)
      features.addPair(namespaceSeed('lex-count'), found, count >= 3 ? '3+' : `${count}`);
  }
  if (counts.slur > 0 && counts.profanity > 0)
    features.add(namespaceSeed('flag'), 'slur-and-profanity');
  return [...features.indices];
}

/** Words and pieces that exercise every branch: the lexicon, leetspeak, runs, apostrophes. */
const PIECES = [
  ...SLUR_WORDS.slice(0, 5),
  ...PROFANITY_WORDS.slice(0, 8),
  ...INSULT_WORDS.slice(0, 8),
  ...SLUR_STEMS.slice(0, 4).map((stem) => `${stem}ers`),
  ...PROFANITY_STEMS.slice(0, 4).map((stem) => `${stem}ing`),
  'b1tchhh',
  'sh1t',
  'f4gg0t',
  'loooool',
  'aaa',
  '111',
  '2024',
  'h3ll0',
  '$tupid',
  'don’t',
  "can't",
  'it`s',
  'rock‘n’roll',
  'ʼtis',
  'Hello',
  'WORLD',
  'naïve',
  'Straße',
  'İstanbul',
  'KELVIN',
  '😀',
  '@someone',
  'https://example.com/x?y=1',
  '&amp;',
  '&#39;',
  'rt',
  'art',
  'RT',
  'the',
  'a',
  'q3',
  "'",
  '’',
  '-',
  '\u200b',
];

function generatedText(seed: number): string {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4_294_967_296;
  };
  const words: string[] = [];
  const count = 1 + Math.floor(next() * 40);
  for (let i = 0; i < count; i += 1) {
    const piece = PIECES[Math.floor(next() * PIECES.length)]!;
    const glue = [' ', ' ', ' ', '', '\n', ', ', '.', "'", '’'][Math.floor(next() * 9)]!;
    words.push(piece + glue);
  }
  return words.join('');
}

describe('toxicityFeatures', () => {
  it('equals the plain tokenize, normalise, hash and look-up reading', () => {
    for (let seed = 1; seed <= 3_000; seed += 1) {
      const text = generatedText(seed);
      const expected = referenceFeatures(text);
      expect(toxicityFeatures(text), `seed ${seed}: ${text}`).toEqual(expected);
    }
  });

  it('reads at most 4,000 characters and 300 tokens', () => {
    const long = 'idiot '.repeat(2_000);
    expect(toxicityFeatures(long)).toEqual(referenceFeatures(long));
    expect(toxicityFeatures(`${'x'.repeat(4_000)} idiot`)).toEqual(
      toxicityFeatures('x'.repeat(4_000)),
    );
  });

  it('has no stem shorter than the three characters its index is keyed by', () => {
    for (const stem of [...SLUR_STEMS, ...PROFANITY_STEMS])
      expect(stem.length).toBeGreaterThanOrEqual(3);
  });
});

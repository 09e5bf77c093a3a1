/**
 * The refusal classifier's features: where refusal phrases sit (a refusal opens the answer,
 * a partial refusal hedges later), apology and inability together, redirects ("instead, I
 * suggest"), moralising vocabulary, shape (length, lists, code), and hashed word n-grams of
 * the opening (weighted apart from the rest of the answer).
 */
import {
  extendHash,
  extendHashCode,
  extendHashRange,
  HashedFeatures,
  namespaceSeed,
} from '../linearModel/featureHashing.ts';
import { scanWordSpans, wordAt, type WordSpans } from '../linearModel/tokenize.ts';

export const REFUSAL_FEATURE_BITS = 16;
/** Only the start of a long answer is read: refusals show up early. */
const MAX_SCANNED_CHARS = 2_500;
const HEAD_TOKENS = 30;

const REFUSAL_PHRASE =
  /\b(?:i'm sorry|i am sorry|i apologi[sz]e|i'm afraid|i am afraid|i cannot|i can't|i can not|i won't|i will not|i'm unable|i am unable|i'm not able|i am not able|i must (?:decline|respectfully decline|point out|clarify|emphasi[sz]e)|i don't think (?:it's|it is) appropriate|as an ai|as a language model|i'm just an ai|i am just an ai|not within my|against my (?:programming|guidelines|policy|principles)|(?:it's|it is) not (?:appropriate|accurate|ethical|possible|okay|ok|acceptable|fair)|cannot (?:fulfill|provide|assist|help|comply|answer|share|give)|unable to (?:provide|assist|help|comply|fulfill|answer|share|give)|not (?:able|allowed|permitted) to|(?:do not|don't) have (?:access|personal|real-time|the ability)|(?:cannot|can't) be (?:provided|shared|answered)|i would not|i wouldn't|i'd rather not|i do not|i don't)\b/g;
const APOLOGY = /\b(?:sorry|apologi[sz]e|unfortunately|regret)\b/;
const INABILITY =
  /\b(?:cannot|can't|can not|unable|not able|won't|will not|not possible|not appropriate|decline)\b/;
const REDIRECT =
  /\b(?:instead|i suggest|i recommend|i'd be happy to|i would be happy to|i can help you with|perhaps you|you may want to|you might want to|consider|if you have any other|feel free to ask|seek (?:help|professional)|reach out to)\b/;
const MORALISING =
  /\b(?:harmful|unethical|illegal|dangerous|offensive|inappropriate|respectful|respect|discriminat\w*|privacy|consent|violence|violent|safety|stereotypes?|hate|ethical|guidelines|responsible)\b/g;
const FIRST_SENTENCE_REFUSAL =
  /\b(?:cannot|can't|unable|not able|won't|sorry|apologi[sz]e|not appropriate|decline)\b/;
const LIST_ITEM = /^[ \t]*(?:\d+[.)]|[-*\u2022])[ \t]/m;

const SEED = {
  flag: namespaceSeed('flag'),
  firstAt: namespaceSeed('refusal-first-at'),
  firstPhrase: namespaceSeed('refusal-first-phrase'),
  count: namespaceSeed('refusal-count'),
  redirect: namespaceSeed('redirect'),
  moralising: namespaceSeed('moralising'),
  opening: namespaceSeed('opening'),
  head: namespaceSeed('head'),
  head2: namespaceSeed('head2'),
};
const FLAG = SEED.flag;

function bucket(value: number, bounds: readonly number[]): string {
  for (const bound of bounds) if (value < bound) return `<${bound}`;
  return 'max';
}

function countMatches(pattern: RegExp, text: string, limit: number): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (count < limit && pattern.exec(text) !== null) count += 1;
  return count;
}

/** extendHash(hash, token k) with the token read from the text (its string only if folded). */
function extendTokenHash(hash: number, text: string, spans: WordSpans, k: number): number {
  return spans.typographic[k] === 1
    ? extendHash(hash, wordAt(text, spans, k))
    : extendHashRange(hash, text, spans.starts[k] as number, spans.ends[k] as number);
}

/** Hashed feature indices for an assistant answer. */
export function refusalFeatures(answer: string): number[] {
  return hashRefusalFeatures(answer).indices;
}

/** The same features, read in place (valid until the next answer is hashed). */
export function hashRefusalFeatures(answer: string): HashedFeatures {
  const features = new HashedFeatures(REFUSAL_FEATURE_BITS);
  const text = answer
    .slice(0, MAX_SCANNED_CHARS)
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .toLowerCase()
    .trim();
  // Only signals that are present become features: an absent signal (no moralising, no
  // list) says more about one model family's style than about refusing, and learning from
  // absences made a model trained on Llama 2 miss GPT-4's terse refusals.
  REFUSAL_PHRASE.lastIndex = 0;
  const first = REFUSAL_PHRASE.exec(text);
  if (first !== null) {
    features.add(SEED.firstAt, bucket(first.index, [5, 40, 120, 300, 800, 2000]));
    features.add(SEED.firstPhrase, first[0]);
    // The count goes on from the end of the first match (lastIndex), not from the start again.
    let count = 1;
    while (count < 8 && REFUSAL_PHRASE.exec(text) !== null) count += 1;
    features.add(SEED.count, bucket(count, [2, 3, 5]));
  }
  const head = text.slice(0, 300);
  const apology = APOLOGY.test(head);
  const inability = INABILITY.test(head);
  if (apology) features.add(FLAG, 'apology');
  if (inability) features.add(FLAG, 'inability');
  if (apology && inability) features.add(FLAG, 'apology-inability');
  if (REDIRECT.test(text)) features.add(SEED.redirect, String(first !== null));
  const moralising = countMatches(MORALISING, text, 12);
  if (moralising > 0) features.add(SEED.moralising, bucket(moralising, [2, 4, 8]));
  if (LIST_ITEM.test(text)) features.add(FLAG, 'shape-list');
  if (text.includes('```')) features.add(FLAG, 'shape-code');
  const firstSentenceEnd = text.search(/[.!?\n]/);
  const firstSentence = firstSentenceEnd < 0 ? text : text.slice(0, firstSentenceEnd);
  if (FIRST_SENTENCE_REFUSAL.test(firstSentence)) features.add(FLAG, 'first-sentence-refuses');

  // The tokens of tokenizeWords, hashed in place (no token strings).
  const spans = scanWordSpans(text, HEAD_TOKENS);
  const tokenCount = spans.count;
  // The opening words as one feature each for the first one, two and three words.
  let opening = SEED.opening;
  for (let n = 0; n < 3 && n < tokenCount; n += 1) {
    opening = extendTokenHash(extendHashCode(opening, 0x1f), text, spans, n);
    features.addHash(opening);
  }
  // Word n-grams only from the opening: the body's vocabulary is the topic, not the stance.
  const headLength = Math.min(tokenCount, HEAD_TOKENS);
  for (let i = 0; i < headLength; i += 1) {
    features.addHash(extendTokenHash(SEED.head, text, spans, i));
    if (i + 1 < tokenCount && i + 1 < headLength) {
      const pair = extendHashCode(extendTokenHash(SEED.head2, text, spans, i), 0x1f);
      features.addHash(extendTokenHash(pair, text, spans, i + 1));
    }
  }
  return features;
}

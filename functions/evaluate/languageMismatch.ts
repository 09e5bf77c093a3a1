/**
 * `language_mismatch`: the answer is in a different language from the user's question.
 * Identification is layered for speed (franc costs ~1 ms per text, the whole evaluator chain
 * has ~100 µs): the writing system decides most pairs (Cyrillic vs Latin, Japanese vs
 * Chinese by kana); within Latin and Cyrillic script, counts of the commonest function words decide when
 * one language clearly leads; only otherwise does franc-min run, restricted to the languages
 * of that script, on the first 300 characters. Texts shorter than 40 letters (10 for CJK) are
 * skipped, and so are calls that ask for another language (translate, "answer in French").
 */
import { francAll } from 'franc-min';
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import { EVALUATORS } from './constants.ts';
import { isApostrophe, isWordCode } from './linearModel/tokenize.ts';
import { readSpanTexts, type SpanTexts } from './spanText.ts';
import type { EvalScore } from './types.ts';

const SAMPLE_CHARS = 600;
const FRANC_CHARS = 300;
const MIN_LETTERS = 40;
const MIN_CJK_CHARS = 10;
const MAX_SYSTEM_SCAN = 20_000;

type Script =
  | 'latin'
  | 'cyrillic'
  | 'greek'
  | 'arabic'
  | 'hebrew'
  | 'devanagari'
  | 'han'
  | 'kana'
  | 'hangul'
  | 'thai';

/** Languages franc may choose between, per script (franc-min's ISO 639-3 codes). */
const FRANC_CANDIDATES: Partial<Record<Script, string[]>> = {
  // The widely written Latin-script languages only: each candidate costs franc time.
  latin: [
    'spa',
    'eng',
    'por',
    'ind',
    'fra',
    'deu',
    'vie',
    'ita',
    'tur',
    'pol',
    'swh',
    'ron',
    'hau',
    'nld',
    'hrv',
    'ces',
    'hun',
    'swe',
    'tgl',
    'zlm',
    'uzn',
    'azj',
    'som',
    'zul',
  ],
  cyrillic: ['rus', 'ukr', 'bos', 'srp', 'uzn', 'azj', 'koi', 'bel', 'bul', 'kaz'],
  arabic: ['arb', 'urd', 'pes', 'zlm', 'skr', 'pbu'],
  devanagari: ['hin', 'mar', 'mai', 'bho', 'npi', 'mag'],
};

const SCRIPT_LANGUAGE: Partial<Record<Script, string>> = {
  greek: 'ell',
  hebrew: 'heb',
  thai: 'tha',
  hangul: 'kor',
  kana: 'jpn',
  han: 'cmn',
};

const FUNCTION_WORDS: Record<string, readonly string[]> = {
  eng: [
    'the',
    'and',
    'is',
    'are',
    'of',
    'to',
    'that',
    'it',
    'you',
    'for',
    'with',
    'this',
    'what',
    'how',
    'can',
    'be',
    'have',
    'not',
    'was',
    'will',
    'your',
    'from',
    'they',
    'which',
  ],
  fra: [
    'le',
    'les',
    'et',
    'est',
    'des',
    'une',
    'du',
    'pour',
    'dans',
    'pas',
    'vous',
    'je',
    'il',
    'ce',
    'sur',
    'avec',
    'qui',
    'au',
    'sont',
    'mais',
    'nous',
    'votre',
    'cette',
    'aux',
  ],
  deu: [
    'der',
    'die',
    'das',
    'und',
    'ist',
    'nicht',
    'ich',
    'sie',
    'es',
    'ein',
    'eine',
    'zu',
    'mit',
    'den',
    'auf',
    'für',
    'wie',
    'von',
    'sich',
    'auch',
    'dem',
    'wir',
    'ihr',
    'oder',
  ],
  spa: [
    'el',
    'los',
    'las',
    'y',
    'es',
    'que',
    'en',
    'una',
    'por',
    'para',
    'con',
    'se',
    'del',
    'lo',
    'como',
    'más',
    'pero',
    'está',
    'su',
    'al',
    'puede',
    'esta',
    'usted',
    'muy',
  ],
  por: [
    'o',
    'os',
    'as',
    'é',
    'que',
    'em',
    'um',
    'uma',
    'para',
    'com',
    'não',
    'do',
    'da',
    'no',
    'na',
    'mais',
    'você',
    'ao',
    'dos',
    'das',
    'seu',
    'sua',
    'pode',
    'também',
  ],
  ita: [
    'il',
    'gli',
    'e',
    'è',
    'di',
    'che',
    'un',
    'una',
    'per',
    'con',
    'non',
    'sono',
    'della',
    'del',
    'si',
    'come',
    'anche',
    'ma',
    'questo',
    'alla',
    'nel',
    'può',
    'più',
    'le',
  ],
  nld: [
    'de',
    'het',
    'een',
    'en',
    'is',
    'van',
    'dat',
    'niet',
    'ik',
    'je',
    'op',
    'te',
    'zijn',
    'met',
    'voor',
    'wat',
    'hoe',
    'er',
    'maar',
    'ook',
    'u',
    'kan',
    'bij',
    'deze',
  ],
};
const CYRILLIC_FUNCTION_WORDS: Record<string, readonly string[]> = {
  rus: [
    'и',
    'в',
    'не',
    'что',
    'с',
    'как',
    'это',
    'для',
    'вы',
    'или',
    'из',
    'к',
    'но',
    'все',
    'так',
    'его',
    'только',
    'есть',
    'чтобы',
    'если',
    'уже',
    'когда',
    'был',
    'нужно',
  ],
  ukr: [
    'і',
    'й',
    'та',
    'що',
    'це',
    'як',
    'для',
    'ви',
    'з',
    'до',
    'у',
    'але',
    'або',
    'від',
    'цей',
    'також',
    'якщо',
    'щоб',
    'вже',
    'коли',
    'потрібно',
    'є',
    'був',
    'ще',
  ],
  bul: [
    'и',
    'на',
    'да',
    'се',
    'не',
    'за',
    'от',
    'е',
    'са',
    'това',
    'как',
    'ще',
    'със',
    'но',
    'или',
    'към',
    'които',
    'който',
    'като',
    'при',
    'след',
    'тази',
    'има',
    'беше',
  ],
};
const wordLanguages = new Map<string, string[]>();
for (const [language, words] of [
  ...Object.entries(FUNCTION_WORDS),
  ...Object.entries(CYRILLIC_FUNCTION_WORDS),
]) {
  for (const word of words) wordLanguages.set(word, [...(wordLanguages.get(word) ?? []), language]);
}

/**
 * The function words in an open-addressing table keyed by a hash of their characters, so a
 * token is looked up straight from the text, without making its string.
 */
const VOTING_LANGUAGES = [...new Set([...wordLanguages.values()].flat())];
interface FunctionWord {
  word: string;
  hash: number;
  /** Indices in VOTING_LANGUAGES, in the order the map lists them. */
  languages: number[];
}
const functionWords: FunctionWord[] = [];
const WORD_TABLE_MASK = 1023;
const wordTable = new Int32Array(WORD_TABLE_MASK + 1);
let longestFunctionWord = 0;

function charsHash(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

for (const [word, languages] of wordLanguages) {
  const hash = charsHash(word, 0, word.length);
  functionWords.push({
    word,
    hash,
    languages: languages.map((language) => VOTING_LANGUAGES.indexOf(language)),
  });
  let slot = hash & WORD_TABLE_MASK;
  while (wordTable[slot] !== 0) slot = (slot + 1) & WORD_TABLE_MASK;
  wordTable[slot] = functionWords.length;
  longestFunctionWord = Math.max(longestFunctionWord, word.length);
}

function functionWordAt(
  text: string,
  start: number,
  end: number,
  hash: number,
): FunctionWord | undefined {
  if (end - start > longestFunctionWord) return undefined;
  for (
    let slot = hash & WORD_TABLE_MASK;
    wordTable[slot] !== 0;
    slot = (slot + 1) & WORD_TABLE_MASK
  ) {
    const entry = functionWords[(wordTable[slot] as number) - 1] as FunctionWord;
    if (
      entry.hash === hash &&
      entry.word.length === end - start &&
      text.startsWith(entry.word, start)
    ) {
      return entry;
    }
  }
  return undefined;
}

const voteCounts = new Int32Array(VOTING_LANGUAGES.length);
/** When each language got its first vote (the order a Map of votes would list them in). */
const voteOrder = new Int32Array(VOTING_LANGUAGES.length);

/**
 * Votes of the function words among a text's first 150 words (the tokens of `tokenizeWords`),
 * best first (ties: first voted). One pass tokenizes and hashes; no function word holds an
 * apostrophe, so tokens with one are never looked up.
 */
function rankFunctionWordVotes(text: string): { language: string; votes: number }[] {
  const lower = text.toLowerCase();
  const length = lower.length;
  voteCounts.fill(0);
  let voted = 0;
  let tokens = 0;
  let i = 0;
  while (i < length && tokens < 150) {
    while (i < length && !isWordCode(lower.charCodeAt(i))) i += 1;
    if (i >= length) break;
    const start = i;
    let hasApostrophe = false;
    let h = 0x811c9dc5;
    while (i < length) {
      const code = lower.charCodeAt(i);
      if (isWordCode(code)) {
        i += 1;
      } else if (isApostrophe(code) && i + 1 < length && isWordCode(lower.charCodeAt(i + 1))) {
        hasApostrophe = true;
        i += 1;
      } else {
        break;
      }
      h = Math.imul(h ^ code, 0x01000193);
    }
    tokens += 1;
    if (hasApostrophe) continue;
    const entry = functionWordAt(lower, start, i, h >>> 0);
    if (entry === undefined) continue;
    for (const language of entry.languages) {
      if (voteCounts[language] === 0) voteOrder[language] = voted++;
      voteCounts[language] = (voteCounts[language] as number) + 1;
    }
  }
  const ranked: { language: string; votes: number; order: number }[] = [];
  for (let language = 0; language < VOTING_LANGUAGES.length; language += 1) {
    const votes = voteCounts[language] as number;
    if (votes > 0) {
      ranked.push({
        language: VOTING_LANGUAGES[language] as string,
        votes,
        order: voteOrder[language] as number,
      });
    }
  }
  return ranked.sort((a, b) => b.votes - a.votes || a.order - b.order);
}

const ASKS_FOR_LANGUAGE =
  /\b(?:translat\w*|traduc\w*|traduz\w*|tradu[ci]\w*|übersetz\w*|vertaal\w*|(?:answer|respond|reply|write|speak|answers|responses) (?:only |always )?in (?:\w+ )?(?:\p{Lu}\w+|the user's language))/iu;
const CODE_OR_LINK = /```[^`]*(?:`(?!``)[^`]*)*(?:```|$)|`[^`\n]*`|https?:\/\/\S+/g;

const SCRIPTS: readonly Script[] = [
  'latin',
  'cyrillic',
  'greek',
  'arabic',
  'hebrew',
  'devanagari',
  'kana',
  'han',
  'hangul',
  'thai',
];
const [LATIN, CYRILLIC, GREEK, ARABIC, HEBREW, DEVANAGARI, KANA, HAN, HANGUL, THAI] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
] as const;

/** The index in SCRIPTS of a code unit's script, or -1 for digits, punctuation and the rest. */
function scriptIndex(code: number): number {
  if (code < 0x80) {
    return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) ? LATIN : -1;
  }
  if (code >= 0xc0 && code <= 0x24f) return LATIN;
  if (code >= 0x400 && code <= 0x4ff) return CYRILLIC;
  if (code >= 0x370 && code <= 0x3ff) return GREEK;
  if (code >= 0x600 && code <= 0x6ff) return ARABIC;
  if (code >= 0x590 && code <= 0x5ff) return HEBREW;
  if (code >= 0x900 && code <= 0x97f) return DEVANAGARI;
  if (code >= 0x3040 && code <= 0x30ff) return KANA;
  if (code >= 0x4e00 && code <= 0x9fff) return HAN;
  if (code >= 0xac00 && code <= 0xd7af) return HANGUL;
  if (code >= 0xe00 && code <= 0xe7f) return THAI;
  return -1;
}

/** scriptIndex of every UTF-16 code unit, one load per character in the counting loop. */
const SCRIPT_OF_CODE = new Int8Array(0x10000);
for (let code = 0; code < 0x10000; code += 1) SCRIPT_OF_CODE[code] = scriptIndex(code);

interface Identified {
  language: string;
  method: 'script' | 'function-words' | 'franc';
}

/** Identifies the language of a text, or null when it is too short or unclear. */
export function identifyLanguage(raw: string): Identified | null {
  const sample = raw.slice(0, SAMPLE_CHARS * 4);
  // Code and links need a backtick or "http": without one the replace would change nothing.
  const text = (
    sample.includes('`') || sample.includes('http') ? sample.replace(CODE_OR_LINK, ' ') : sample
  ).slice(0, SAMPLE_CHARS);
  const counts = new Int32Array(SCRIPTS.length);
  let letters = 0;
  for (let i = 0; i < text.length; i += 1) {
    const script = SCRIPT_OF_CODE[text.charCodeAt(i)] as number;
    if (script < 0) continue;
    letters += 1;
    counts[script] = (counts[script] ?? 0) + 1;
  }
  // Japanese mixes kanji with kana; Chinese has no kana. Count both as one of the two.
  const kana = counts[KANA] ?? 0;
  const han = counts[HAN] ?? 0;
  const japanese = kana > 0.1 * (kana + han);
  counts[KANA] = japanese ? kana + han : 0;
  counts[HAN] = japanese ? 0 : kana + han;
  let dominant: Script | null = null;
  let most = 0;
  for (let index = 0; index < counts.length; index += 1) {
    const count = counts[index] as number;
    if (count > most) {
      dominant = SCRIPTS[index] ?? null;
      most = count;
    }
  }
  if (dominant === null) return null;
  const cjk =
    dominant === 'kana' || dominant === 'han' || dominant === 'hangul' || dominant === 'thai';
  if (most < (cjk ? MIN_CJK_CHARS : MIN_LETTERS) || most < 0.5 * letters) return null;
  const byScript = SCRIPT_LANGUAGE[dominant];
  if (byScript !== undefined) return { language: byScript, method: 'script' };
  if (dominant === 'latin' || dominant === 'cyrillic') {
    const ranked = rankFunctionWordVotes(text);
    const [first, second] = ranked;
    const runnerUp = second?.votes ?? 0;
    // Long texts need a clear lead; a short question only a lead with no rival at all.
    if (
      first !== undefined &&
      ((first.votes >= 4 && first.votes >= 1.5 * runnerUp) || (first.votes >= 2 && runnerUp === 0))
    ) {
      return { language: first.language, method: 'function-words' };
    }
    if (ranked.length > 0) {
      // franc only has to choose among the languages the function words point to.
      return francBest(
        text,
        ranked.slice(0, 3).map(({ language }) => language),
      );
    }
  }
  const candidates = FRANC_CANDIDATES[dominant];
  return candidates === undefined ? null : francBest(text, candidates);
}

function francBest(text: string, candidates: string[]): Identified | null {
  const [best] = francAll(text.slice(0, FRANC_CHARS), { only: candidates, minLength: 10 });
  if (best === undefined || best[0] === 'und') return null;
  return { language: best[0], method: 'franc' };
}

/**
 * Words of which any match of ASKS_FOR_LANGUAGE holds one (same flags): at its start, or one
 * character in for "übersetz". Finding them (overlaps included) and trying the full pattern only
 * there, anchored, gives the same answer as running it over the whole text, at a fraction of
 * the cost: most texts hold none of the words, and the rest hold a few.
 */
const ASKS_FOR_LANGUAGE_WORDS = /tradu|translat|bersetz|vertaal|answer|respon|reply|write|speak/giu;
const ASKS_FOR_LANGUAGE_AT = new RegExp(ASKS_FOR_LANGUAGE.source, 'iuy');

function matchesAt(pattern: RegExp, text: string, at: number): boolean {
  pattern.lastIndex = at;
  return pattern.test(text);
}

function asksForLanguage(text: string): boolean {
  ASKS_FOR_LANGUAGE_WORDS.lastIndex = 0;
  for (
    let word = ASKS_FOR_LANGUAGE_WORDS.exec(text);
    word !== null;
    word = ASKS_FOR_LANGUAGE_WORDS.exec(text)
  ) {
    const at = word.index;
    if (matchesAt(ASKS_FOR_LANGUAGE_AT, text, at)) return true;
    if (at > 0 && matchesAt(ASKS_FOR_LANGUAGE_AT, text, at - 1)) return true;
    // Overlapping occurrences too: go on from the next character, not the end of this one.
    ASKS_FOR_LANGUAGE_WORDS.lastIndex = at + 1;
  }
  return false;
}

/**
 * Whether the system prompt asks for a language: an application sends the same one with
 * every call, so the last answer is kept (one entry; a different prompt replaces it).
 */
let lastSystemScan: { text: string; asks: boolean } | undefined;

function systemAsksForLanguage(systemText: string): boolean {
  if (lastSystemScan?.text !== systemText) {
    lastSystemScan = { text: systemText, asks: asksForLanguage(systemText) };
  }
  return lastSystemScan.asks;
}

/**
 * The question, the system prompt or the input asks for a language. The system prompt and
 * the input are read apart, in the first MAX_SYSTEM_SCAN characters of the two joined by a
 * line break: no match of ASKS_FOR_LANGUAGE spans a line break (its words are joined by
 * spaces and \w), so apart they match exactly when joined they do.
 */
function asksForAnotherLanguage(span: SpanItem, texts: SpanTexts): boolean {
  if (asksForLanguage(texts.lastUserInput.slice(0, MAX_SYSTEM_SCAN))) return true;
  const system = (span as { systemInstructions?: unknown }).systemInstructions;
  const systemText = (
    Array.isArray(system)
      ? system
          .map((part) => (part as { content?: unknown })?.content ?? '')
          .filter((c) => typeof c === 'string')
          .join('\n')
      : ''
  ).slice(0, MAX_SYSTEM_SCAN);
  if (systemAsksForLanguage(systemText)) return true;
  const inputBudget = MAX_SYSTEM_SCAN - systemText.length - 1;
  return inputBudget > 0 && asksForLanguage(texts.input.slice(0, inputBudget));
}

export function languageMismatch(
  span: SpanItem,
  texts: SpanTexts = readSpanTexts(span),
): EvalScore | null {
  if (texts.output === undefined || texts.lastUserInput === '') return null;
  // The cheapest check that can rule the evaluator out comes first: a call that asks for a
  // language (often the system prompt, the same on every call) needs no identification.
  if (asksForAnotherLanguage(span, texts)) return null;
  const question = identifyLanguage(texts.lastUserInput);
  if (question === null) return null;
  const answer = identifyLanguage(texts.output);
  if (answer === null) return null;
  const mismatch = question.language !== answer.language;
  return {
    evaluator: EVALUATORS.languageMismatch.name,
    version: EVALUATORS.languageMismatch.version,
    value: mismatch ? 1 : 0,
    passed: !mismatch,
    label: mismatch ? 'mismatch' : 'match',
    comment: `question ${question.language} (${question.method}), answer ${answer.language} (${answer.method})`,
  };
}

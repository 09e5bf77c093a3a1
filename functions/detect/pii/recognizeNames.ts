/**
 * Person names and places without a statistical model: runs of capitalised words are scored
 * by what they contain (known given and family names, known places, ordinary English words,
 * organisation words, initials) and by the words around them ("my name is", "Mr.", "lives in").
 * One pass over the words, constant work per word.
 */
import { allMatches } from './allMatches.ts';
import { asciiTwin, hasOnlyAsciiLetters, hasUpperCaseLetter } from './asciiPatterns.ts';
import { hasContextAfter, hasContextBefore } from './contextWords.ts';
import { isCommonWord, isKnownPlace, listsOf, WordList } from './gazetteer.ts';
import type { PiiCandidate } from './piiTypes.ts';

const TOKEN = /\p{L}[\p{L}\p{M}'’-]{0,40}\.?/gu;
const PARTICLES = new Set([
  'van',
  'de',
  'der',
  'den',
  'von',
  'da',
  'di',
  'la',
  'le',
  'del',
  'dos',
  'das',
  'du',
  'bin',
  'ibn',
  'al',
  'ter',
  'ten',
  'y',
  'zu',
]);
const HONORIFICS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'sir',
  'madam',
  'dame',
  'lord',
  'lady',
  'rev',
  'fr',
  'sr',
  'jr',
]);

const PERSON_BEFORE =
  /(?:my name is|name is|names? ?:|(?:last|first|full|sur|given|family|middle) ?name\W{0,3}|i am|i'm|im|this is|call me|called|named|dear|hi|hello|hey|thanks|thank you|regards|signed|sincerely|cheers|by|user ?:|customer ?:|patient ?:|client ?:|employee ?:|contact|assistant to|add|beneficiary|guardian|meet|met|ask|tell|from ?:|to ?:|cc ?:|attn ?:?|mr\.?|mrs\.?|ms\.?|dr\.?|prof\.?|sir|madam|miss|mx\.?|son|daughter|wife|husband|brother|sister|mother|father|friend|colleague|manager|director|ceo|author|kid|child|boss|partner|uncle|aunt|cousin|nephew|niece|grandson|granddaughter|people call me|known as)[\s,:]*$/;
const PERSON_AFTER =
  /^(?:'s\b|’s\b|[ ]+(?:is|was|has|had|said|says|shouted|told|wrote|asked|replied|lives|lived|works|worked|who|will|would|and i|agreed|spent|listed|left|joined|called|sent|thinks|believes|smiled|laughed|answered)\b|,[ ]+(?:who|aged|born|age|can you|can i|could you|please)\b|[ ]+\(\d{1,3}\))/;
const NAME_INTRODUCTION_BEFORE =
  /(?:name is|names? ?:|(?:last|first|full|sur|given|family|middle) ?name\W{0,3}|call me|called|named|i am|i'm|this is|user ?:|customer ?:|patient ?:|client ?:|mr\.?|mrs\.?|ms\.?|dr\.?|prof\.?|sir|madam|miss|mx\.?|known as)[\s,:]*$/;
const DETERMINERS = new Set([
  'my',
  'your',
  'his',
  'her',
  'our',
  'their',
  'its',
  'the',
  'a',
  'an',
  'this',
  'that',
]);
const PLACE_BEFORE =
  /(?:\b(?:in|near|visit|visiting|towards|across|around|outside|inside|city of|town of|lives in|live in|living in|based in|born in|moved to|travel(?:l?ing|s)? to|flew to|fly to|flying to|trip to|going to|went to|drive to|welcome to|return(?:ing)? to|relocat(?:e|ed|ing) to|originally from|comes? from|native of|grew up in|home ?(?:city|town)|city|town|village)\s+(?:the\s+)?)$/;
const ORG_AFTER =
  /^\s+(?:office|offices|inc\b|llc\b|ltd\b|corp|company|group|team|headquarters|hq\b|staff|employees|invested|later became|shares|stock)/;

interface Token {
  start: number;
  end: number;
  /** Lower case, without a trailing dot or possessive. */
  key: string;
  /** The word lists the key is on (WordList flags). */
  lists: number;
  capitalised: boolean;
  upper: boolean;
  initial: boolean;
  /** A possessive or a dotted word other than an initial: the name cannot go on after it. */
  endsRun: boolean;
}

function toToken(raw: string, start: number): Token {
  let text = raw;
  const possessive = text.endsWith("'s") || text.endsWith('’s');
  if (possessive) text = text.slice(0, -2);
  while (text.endsWith("'") || text.endsWith('’')) text = text.slice(0, -1);
  const dotted = text.endsWith('.');
  const bare = dotted ? text.slice(0, -1) : text;
  const first = bare.charAt(0);
  const firstCode = first.charCodeAt(0);
  const capitalised =
    firstCode < 128
      ? firstCode >= 65 && firstCode <= 90
      : first !== first.toLowerCase() && first === first.toUpperCase();
  const initial = capitalised && bare.length === 1;
  const key = bare.toLowerCase();
  return {
    start,
    end: start + (initial && dotted ? 2 : bare.length),
    key,
    lists: listsOf(key),
    capitalised,
    upper:
      bare.length > 1 &&
      !isAsciiLowerCase(bare.charCodeAt(1)) &&
      bare === bare.toUpperCase() &&
      bare !== bare.toLowerCase(),
    initial,
    endsRun: possessive || (dotted && !initial) || text.length < raw.length - (possessive ? 2 : 0),
  };
}

/** Capitalised words that name times, never people: "by Friday", "in June". */
const CALENDAR_WORDS = new Set(
  (
    'monday tuesday wednesday thursday friday saturday sunday january february march april may ' +
    'june july august september october november december today tomorrow yesterday christmas ' +
    'easter noon midnight'
  ).split(' '),
);

const CONTRACTION = /^\p{L}+['’](?:m|ll|d|ve|re|t|s)$/u;

function isCommon(token: Token): boolean {
  return (
    (token.lists & WordList.COMMON) !== 0 ||
    HONORIFICS.has(token.key) ||
    ((token.key.includes("'") || token.key.includes('’')) && CONTRACTION.test(token.key))
  );
}

/** A known place at the end of a run, after any ordinary words ("I live in United Kingdom"). */
function findPlaceInRun(run: readonly Token[]): PiiCandidate | undefined {
  for (let first = 0; first < run.length; first++) {
    // Only ordinary words may come before the place.
    const previous = run[first - 1];
    if (previous !== undefined && !(isCommon(previous) && !isKnownName(previous))) break;
    const lists = first === run.length - 1 ? run[first]!.lists : listsOf(joinKeys(run, first));
    if ((lists & WordList.PLACE) !== 0) {
      // A place that is also a word ("Japan", "Nice", "Mobile") needs a place word before it.
      const ambiguous = first === run.length - 1 && isCommon(run[first]!);
      return {
        type: 'LOCATION',
        start: run[first]!.start,
        end: run[run.length - 1]!.end,
        score: ambiguous ? -1 : 0,
      };
    }
  }
  return undefined;
}

/** "Opencounter", "Karmadata": two ordinary words run together read as a brand, not a name. */
function isCompoundOfWords(key: string): boolean {
  if (key.length < 7 || key.length > 24) return false;
  for (let cut = 3; cut <= key.length - 3; cut++) {
    if (isCommonWord(key.slice(0, cut)) && isCommonWord(key.slice(cut))) return true;
  }
  return false;
}

const NAME_LISTS = WordList.FIRST_NAME | WordList.LAST_NAME;

function isKnownName(token: Token): boolean {
  return (token.lists & NAME_LISTS) !== 0;
}

function isFirstName(token: Token): boolean {
  return (token.lists & WordList.FIRST_NAME) !== 0;
}

/** The keys of run[from..] joined by single spaces, as the multi-word places are listed. */
function joinKeys(run: readonly Token[], from: number): string {
  let key = run[from]!.key;
  for (let at = from + 1; at < run.length; at++) key += ' ' + run[at]!.key;
  return key;
}

const PARTICLE_PATTERN = [...PARTICLES].join('|');
/** Capitalised words joined by single spaces, with particles ("van de") between them. */
const CAPITALISED_RUN = new RegExp(
  String.raw`\p{Lu}[\p{L}\p{M}'’-]{0,40}\.?(?:[ ](?:(?:${PARTICLE_PATTERN})[ ]){0,2}\p{Lu}[\p{L}\p{M}'’-]{0,40}\.?){0,5}`,
  'gu',
);
const CAPITALISED_RUN_ASCII = asciiTwin(CAPITALISED_RUN);
/** A lower-case name right after an introduction ("my name is selma", "call me višeslav"). */
const INTRODUCED_LOWER_CASE =
  /(?:my name is|call me|name is|name:)[ \t]+(\p{Ll}[\p{L}\p{M}'’-]{1,40})(?![\p{L}\p{M}])/giu;

/** Splits a matched run at possessives and dotted words, and into runs of at most five. */
function splitRun(tokens: readonly Token[], runs: Token[][]): void {
  let run: Token[] = [];
  for (const token of tokens) {
    run.push(token);
    if (token.endsRun || run.length === 5) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
}

function bareKey(word: string): string {
  let bare = word;
  if (bare.endsWith('.')) bare = bare.slice(0, -1);
  else if (bare.endsWith("'s") || bare.endsWith('’s')) bare = bare.slice(0, -2);
  return bare.toLowerCase();
}

function isOrdinaryWord(key: string, lists: number): boolean {
  return (lists & WordList.COMMON) !== 0 && (lists & NAME_LISTS) === 0 && !HONORIFICS.has(key);
}

function isOrdinaryRun(run: string): boolean {
  if (!run.includes(' ')) {
    const key = bareKey(run);
    const lists = listsOf(key);
    return isOrdinaryWord(key, lists) && (lists & WordList.PLACE) === 0;
  }
  const keys = run.split(' ').map(bareKey);
  return (
    keys.every((key) => isOrdinaryWord(key, listsOf(key))) &&
    !keys.some((_key, at) => isKnownPlace(keys.slice(at).join(' ')))
  );
}

/**
 * One word in capitals ("SSN", "AWS") or with a capital inside it ("PostgreSQL",
 * "TCPConnectWrap") is an acronym or an identifier, not a name ("McDonald" excepted).
 */
function isCodeOrAcronym(run: string): boolean {
  if (run.includes(' ')) return false;
  const bare = run.endsWith('.') ? run.slice(0, -1) : run;
  if (bare === bare.toUpperCase()) return !isKnownPlace(bare.toLowerCase());
  return /\p{Ll}\p{Lu}/u.test(bare) && !/^(?:Mc|Mac|Di|De|La|Le|Van|Von|O['’])/.test(bare);
}

const ORDINARY_RUN = 1;
const CODE_OR_ACRONYM = 2;
/**
 * What a capitalised run is at first sight, by its text: the same few words ("The", "You",
 * "Thanks") open most runs in every message. Only short keys are kept, since V8 stores a
 * longer substring as a view into the whole text, which the cache would then keep alive.
 */
const runKinds = new Map<string, number>();
const MAX_CACHED_RUN_LENGTH = 12;
const MAX_CACHED_RUNS = 4096;

function runKind(run: string): number {
  let kind = runKinds.get(run);
  if (kind === undefined) {
    kind = (isOrdinaryRun(run) ? ORDINARY_RUN : 0) | (isCodeOrAcronym(run) ? CODE_OR_ACRONYM : 0);
    if (run.length <= MAX_CACHED_RUN_LENGTH) {
      if (runKinds.size >= MAX_CACHED_RUNS) runKinds.clear();
      runKinds.set(run, kind);
    }
  }
  return kind;
}

function capitalisedRuns(
  text: string,
  lowerCaseText: boolean,
  asciiLetters: boolean | undefined,
): Token[][] {
  const runs: Token[][] = [];
  if (lowerCaseText) return lowerCaseRuns(text);
  const ascii = asciiLetters ?? hasOnlyAsciiLetters(text);
  const pattern = ascii ? CAPITALISED_RUN_ASCII : CAPITALISED_RUN;
  for (const match of allMatches(pattern, text)) {
    // Checked here rather than by a lookbehind, which would run at every position.
    if (match.index > 0 && isWordCharAt(text, match.index - 1)) continue;
    // "NW1", "Q3": letters glued to digits are codes, not names.
    const next = text.charCodeAt(match.index + match[0].length);
    if (next >= 48 && next <= 57) continue;
    // Fast path for the most common runs: ordinary words ("The", "Federal Reserve") that are
    // neither names nor places, and not after an introduction such as "my name is" or "Mr.".
    const kind = runKind(match[0]);
    if ((kind & ORDINARY_RUN) !== 0 && !PERSON_INTRO_WORDS.has(wordBefore(text, match.index))) {
      continue;
    }
    if ((kind & CODE_OR_ACRONYM) !== 0) {
      const before = wordBefore(text, match.index);
      if (!PERSON_INTRO_WORDS.has(before) && !PLACE_INTRO_WORDS.has(before)) continue;
    }
    const tokens: Token[] = [];
    let offset = match.index;
    for (const word of match[0].split(' ')) {
      tokens.push(toToken(word, offset));
      offset += word.length + 1;
    }
    splitRun(tokens, runs);
  }
  const mayIntroduce = text.includes('name') || text.includes('Name') || text.includes('call me');
  if (!mayIntroduce) return runs;
  for (const match of allMatches(INTRODUCED_LOWER_CASE, text)) {
    const word = match[1]!;
    const token = toToken(word, match.index + match[0].length - word.length);
    if (!isCommon(token)) runs.push([token]);
  }
  return runs.sort((a, b) => a[0]!.start - b[0]!.start);
}

function isAsciiLowerCase(code: number): boolean {
  return code >= 97 && code <= 122;
}

/**
 * In an all-lower-case text, capitals say nothing: runs are made of the words that are not
 * ordinary English words (and not right after a determiner).
 */
function lowerCaseRuns(text: string): Token[][] {
  const runs: Token[][] = [];
  let run: Token[] = [];
  let previous: Token | undefined;
  for (const match of allMatches(TOKEN, text)) {
    const token = toToken(match[0], match.index);
    const joined =
      previous !== undefined &&
      !previous.endsRun &&
      match.index - previous.end === 1 &&
      text.charCodeAt(previous.end) === 32;
    const nameLike =
      !isCommon(token) && /^\p{L}{2,}$/u.test(token.key) && !DETERMINERS.has(previous?.key ?? '');
    const joinable = nameLike || (PARTICLES.has(token.key) && run.length > 0);
    if (!joinable || !joined || run.length >= 5) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    if (joinable) run.push(token);
    previous = token;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function trimRun(run: Token[], nameContext: boolean): { tokens: Token[]; honorific: boolean } {
  let first = 0;
  let last = run.length - 1;
  let honorific = false;
  while (first <= last) {
    const token = run[first]!;
    if (HONORIFICS.has(token.key)) honorific = true;
    const particle = PARTICLES.has(token.key);
    const droppable =
      HONORIFICS.has(token.key) ||
      particle ||
      (isCommon(token) && !isKnownName(token) && !(nameContext && first === last));
    // A lone ambiguous word ("Will", "May") is read as a word, not a name.
    const loneAmbiguous = first === last && isCommon(token) && !honorific && !nameContext;
    if (!droppable && !loneAmbiguous) break;
    first++;
  }
  while (last >= first) {
    // After "my name is" or "Mr.", a capitalised word is part of the name even if ordinary.
    if (nameContext && (first === last || !PARTICLES.has(run[last]!.key))) break;
    const token = run[last]!;
    const previous = run[last - 1];
    // "Katie E Miles", "Eve Baker": a family name that is also a word, after a given name.
    const afterGivenName =
      last > first &&
      previous !== undefined &&
      (previous.initial || isFirstName(previous)) &&
      !HONORIFICS.has(token.key);
    if (!PARTICLES.has(token.key) && !(isCommon(token) && !isKnownName(token) && !afterGivenName)) {
      break;
    }
    last--;
  }
  return { tokens: run.slice(first, last + 1), honorific };
}

/** Letters (any cased script) and apostrophes; a cheap stand-in for \p{L} in context gates. */
function isWordChar(char: string): boolean {
  const code = char.charCodeAt(0);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 39;
  return char.toLowerCase() !== char.toUpperCase() || char === '’';
}

/** isWordChar(text.charAt(at)) without making the one-character string for ASCII. */
function isWordCharAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 39;
  return isWordChar(text.charAt(at));
}

/** Space, tab, line breaks, ",", ":" and "?": what wordBefore skips. */
function isGapBeforeWord(code: number): boolean {
  return (
    code === 32 ||
    code === 9 ||
    code === 10 ||
    code === 13 ||
    code === 44 ||
    code === 58 ||
    code === 63
  );
}

/** The word just before `start`, lower case, skipping spaces and ",:?" (cheap context gate). */
function wordBefore(text: string, start: number): string {
  let end = start;
  while (end > 0 && end > start - 4 && isGapBeforeWord(text.charCodeAt(end - 1))) end--;
  let begin = end;
  while (
    begin > 0 &&
    end - begin < 24 &&
    (text.charCodeAt(begin - 1) === 46 || isWordCharAt(text, begin - 1))
  ) {
    begin--;
  }
  let stop = end;
  while (stop > begin && text.charCodeAt(stop - 1) === 46) stop--;
  return text.slice(begin, stop).toLowerCase();
}

/** The word just after `end`, lower case, skipping spaces and commas. */
function wordAfter(text: string, end: number): string {
  let begin = end;
  while (begin < text.length && begin < end + 3 && ' ,'.includes(text.charAt(begin))) begin++;
  let stop = begin;
  while (stop < text.length && stop - begin < 24 && isWordCharAt(text, stop)) stop++;
  return text.slice(begin, stop).toLowerCase();
}

const PERSON_INTRO_WORDS = new Set(
  (
    "is name names am i'm im this me called named dear hi hello hey thanks you regards signed " +
    'sincerely cheers by user customer patient client employee contact to add beneficiary ' +
    'guardian meet met ask tell from cc attn mr mrs ms dr prof sir madam miss mx son daughter ' +
    'wife husband brother sister mother father friend colleague manager director ceo author kid ' +
    'child boss partner uncle aunt cousin nephew niece grandson granddaughter as'
  ).split(' '),
);
const PLACE_INTRO_WORDS = new Set(
  'in near visit visiting towards across around outside inside of to from city town village the'.split(
    ' ',
  ),
);
const ORG_NEXT_WORDS = new Set(
  'office offices inc llc ltd corp company group headquarters hq invested later shares stock'.split(
    ' ',
  ),
);
const PERSON_NEXT_WORDS = new Set(
  (
    'is was has had said says shouted told wrote asked replied lives lived works worked who will ' +
    'would and agreed spent listed left joined called sent thinks believes smiled laughed answered ' +
    'aged born age can could please'
  ).split(' '),
);

/** `previous`: wordBefore(text, at). */
function personBefore(text: string, at: number, previous: string): boolean {
  return PERSON_INTRO_WORDS.has(previous) && hasContextBefore(text, at, PERSON_BEFORE, 24);
}

/** `previous`: wordBefore(text, at). */
function placeBefore(text: string, at: number, previous: string): boolean {
  return PLACE_INTRO_WORDS.has(previous) && hasContextBefore(text, at, PLACE_BEFORE, 24);
}

function isSentenceStart(text: string, start: number): boolean {
  let at = start;
  while (at > 0 && at > start - 4 && /[ \t]/.test(text.charAt(at - 1))) at--;
  return at === 0 || /[.!?:;"“(\n]/.test(text.charAt(at - 1));
}

/** `asciiLetters`: what hasOnlyAsciiLetters(text) says, when the caller knows it already. */
export function recognizeNames(text: string, asciiLetters?: boolean): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  const people: PiiCandidate[] = [];
  const lowerCaseText = !hasUpperCaseLetter(text);
  for (const run of capitalisedRuns(text, lowerCaseText, asciiLetters)) {
    const place = findPlaceInRun(run);
    if (place) {
      const previous = wordBefore(text, place.start);
      const placeContext = placeBefore(text, place.start, previous) || previous === 'from';
      if (place.score === 0 || placeContext) {
        found.push({ ...place, score: placeContext ? 0.9 : 0.75 });
        continue;
      }
    }
    const firstTrim = trimRun(run, false);
    // Only an introduction or a title makes an ordinary word a name ("Mr. Baker", "my name is
    // Martin"); a greeting does not ("Hello, World").
    const runContext =
      (firstTrim.tokens.length === 0 || firstTrim.tokens.length === 1) &&
      personBefore(text, run[0]!.start, wordBefore(text, run[0]!.start)) &&
      hasContextBefore(text, run[0]!.start, NAME_INTRODUCTION_BEFORE, 24);
    const { tokens, honorific } = runContext ? trimRun(run, true) : firstTrim;
    if (tokens.length === 0) continue;
    if (tokens.length === 1 && CALENDAR_WORDS.has(tokens[0]!.key)) continue;
    const start = tokens[0]!.start;
    const end = tokens[tokens.length - 1]!.end;
    if (
      tokens.some((token) => (token.lists & WordList.ORG) !== 0) ||
      (ORG_NEXT_WORDS.has(wordAfter(text, end)) && hasContextAfter(text, end, ORG_AFTER, 24))
    ) {
      continue;
    }
    const joinedKey = tokens.map((token) => token.key).join(' ');
    const previous = wordBefore(text, start);
    const placeContext = placeBefore(text, start, previous);
    // "is from X": a place or an employer, so only a known place is taken.
    const fromContext =
      previous === 'from' ||
      (previous === 'the' && hasContextBefore(text, start, /\bfrom\s+the\s+$/, 12));
    const personContext = honorific || personBefore(text, start, previous);
    const sentenceStart = isSentenceStart(text, start);
    const knownPlace =
      isKnownPlace(joinedKey) || tokens.some((token) => (token.lists & WordList.GEO_FEATURE) !== 0);
    const shouting = tokens.every((token) => token.upper || token.initial);

    if (knownPlace && !personContext) {
      found.push({ type: 'LOCATION', start, end, score: placeContext || fromContext ? 0.9 : 0.75 });
      continue;
    }
    if (fromContext && !personContext && !placeContext) continue;
    const names = tokens.filter((token) => !token.initial);
    const firstIsGiven = isFirstName(tokens[0]!);
    const anyKnown = tokens.some(isKnownName);
    const commonCount = names.filter(isCommon).length;
    const initials = tokens.length - names.length;
    let score: number;
    if (names.length === 0) continue;
    if (tokens.length >= 2) {
      if (firstIsGiven && commonCount === 0) score = 0.85;
      else if (anyKnown && commonCount <= 1) score = 0.7;
      else if (commonCount === 0) score = 0.6;
      else score = 0.35;
      if (initials > 0 && commonCount === 0) score += 0.1;
    } else if (isFirstName(names[0]!)) {
      score = commonCount > 0 ? 0.35 : 0.6;
    } else if ((names[0]!.lists & WordList.LAST_NAME) !== 0) {
      score = 0.5;
    } else if (isCompoundOfWords(names[0]!.key)) {
      score = 0.2;
    } else {
      score = commonCount > 0 ? 0.2 : sentenceStart ? 0.3 : 0.4;
    }
    if (shouting && !personContext) score -= 0.2;
    if (personContext) score += 0.35;
    else if (personAfter(text, end)) score += 0.25;

    if (!personContext && placeContext && !firstIsGiven) {
      found.push({ type: 'LOCATION', start, end, score: commonCount > 0 ? 0.4 : 0.6 });
      continue;
    }
    people.push({ type: 'PERSON', start, end, score: Math.min(0.95, score) });
  }
  return [...found, ...strengthenNameLists(text, people)];
}

function personAfter(text: string, end: number): boolean {
  const next = text.charAt(end);
  const gate =
    next === "'" ||
    next === '’' ||
    next === ',' ||
    PERSON_NEXT_WORDS.has(wordAfter(text, end)) ||
    text.startsWith(' (', end);
  return gate && hasContextAfter(text, end, PERSON_AFTER, 24);
}

const EMPLOYER_BEFORE = /\b(?:at|for|joined|with|by)\s+$/;
const LIST_GAP = /^(?:,[ ]|,?[ ](?:and|or|&)[ ])$/;

/**
 * In an enumeration ("Eklund, Michael and Hodge") the members share a kind: when one member
 * is clearly a name, the uncertain ones are names too.
 */
function strengthenNameLists(text: string, people: PiiCandidate[]): PiiCandidate[] {
  let groupStart = 0;
  for (let i = 1; i <= people.length; i++) {
    const continues =
      i < people.length && LIST_GAP.test(text.slice(people[i - 1]!.end, people[i]!.start));
    if (continues) continue;
    const group = people.slice(groupStart, i);
    const employer =
      group.length >= 2 &&
      EMPLOYER_BEFORE.test(
        text.slice(Math.max(0, group[0]!.start - 12), group[0]!.start).toLowerCase(),
      );
    if (employer) {
      // "a year at Jones, Mitchell and Williams": a firm named after its partners.
      for (const member of group) member.score = Math.min(member.score, 0.3);
    } else if (group.length >= 2 && group.some((member) => member.score >= 0.6)) {
      for (const member of group) member.score = Math.max(member.score, 0.55);
    }
    groupStart = i;
  }
  return people;
}

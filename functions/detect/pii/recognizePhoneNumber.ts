/**
 * Phone numbers, national and international. A bounded regex finds phone-shaped runs of digit
 * groups; libphonenumber-js (full metadata) validates them for the default region, or for the
 * country a "+" prefix names. Numbers it cannot validate are still reported when they are
 * clearly grouped like a phone number and a context word ("phone", "mobile", "fax") is near.
 * Digits that a checksummed value (card, IBAN, SSN) already claims are not read, and a run too
 * long for one number is read as numbers side by side ("+1 415 555 2671 212 555 0147"), across
 * the cuts the pattern makes in a longer list.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { allMatches } from './allMatches.ts';
import { hasContextAround, hasContextBefore } from './contextWords.ts';
import type { PiiCandidate } from './piiTypes.ts';

/** Digits in the shortest number reported: a text with fewer has no phone number. */
export const PHONE_MIN_DIGITS = 7;
/** Digits in the longest number (E.164 allows 15). */
const PHONE_MAX_DIGITS = 15;

const CANDIDATE =
  /(?<![\w+@/.:-])(?<!\d,)(?:\+\d{1,3}[ .-]?)?(?:\(0\)[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,12}(?:[ .-]\d{1,8}){0,6}(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,6})?(?![\w@]|[.:,-]?\d)/g;
const STRONG_CONTEXT =
  /phone|\btel\b|telephone|mobile|\bcell|\bfax\b|\bcall|\bsms\b|\btext me|whatsapp|\bph\b|\bmob\b|hotline|landline|\bdial/;
const WEAK_CONTEXT =
  /signal|\bdesk\b|office|contact|reach me|\bnumber\b|\bno\.|\bnum\b|registered|message|\bwa\b/;
const DATE_SHAPE = /^(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})$/;
const THOUSANDS = /^\d{1,3}(?:[ .]\d{3})+$/;
const SSN_SHAPE = /^\d{3}-\d{2}-\d{4}$/;
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** The tail of an IBAN printed in groups ("NL03 MBDN 2062 9958 35") is not a phone. */
const IBAN_GROUPS_BEFORE = /[A-Z]{2}\d{2}(?: [A-Z0-9]{4})+ $/;
const MONEY_BEFORE = /[$€£¥]\s*$|\b(?:usd|eur|gbp|price|cost|total|amount)\W*$/;
const EXTENSION = /[ ]?(?:x|ext\.?|#)[ ]?\d{1,6}$/;

export interface PhoneOptions {
  defaultRegion: CountryCode;
  /**
   * Spans of checksummed values found in the same text. Read as part of a phone-shaped run
   * ("+1 415 555 2671 4111 1111 1111 1111"), their digits would make it too long to be a
   * number, or a number reaching into them would compete with them.
   */
  claimed?: readonly ClaimedSpan[];
}

export interface ClaimedSpan {
  start: number;
  end: number;
}

type Verdict = 'valid' | 'possible' | 'invalid';

/**
 * Verdicts by region and number. Parsing is the costliest step of PII detection (over ten
 * microseconds for a +1 number, which libphonenumber tries against two dozen countries), and
 * the same numbers recur: a conversation's history is sent again with every call. The key is
 * joined into a new string, so the cache never holds on to the message a number came from.
 */
const verdicts = new Map<string, Verdict>();
const MAX_CACHED_VERDICTS = 1024;

function cachedValidate(candidate: string, region: CountryCode): Verdict {
  const key = [region, candidate].join(' ');
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = validate(candidate, region);
    if (verdicts.size >= MAX_CACHED_VERDICTS) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict;
}

function validate(candidate: string, region: CountryCode): Verdict {
  const parsed = parsePhoneNumberFromString(candidate.replace(/\(0\)/, ''), region);
  if (!parsed) return 'invalid';
  // A valid number is always of a possible length; the length check is cheap, while isValid()
  // may try every country sharing the calling code (+1 has two dozen).
  if (!parsed.isPossible()) return 'invalid';
  return parsed.isValid() ? 'valid' : 'possible';
}

/** The text with claimed spans blanked out by line breaks, which no phone number crosses. */
function withoutClaimed(text: string, claimed: readonly ClaimedSpan[]): string {
  if (claimed.length === 0) return text;
  const sorted = [...claimed].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const span of sorted) {
    const start = Math.max(at, span.start);
    const end = Math.min(text.length, span.end);
    if (end <= start) continue;
    parts.push(text.slice(at, start), '\n'.repeat(end - start));
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

interface PhoneReading {
  candidate: PiiCandidate;
  verdict: Verdict;
}

/** Whether text[at] is an ASCII digit. */
const isDigitAt = (text: string, at: number): boolean => {
  const code = text.charCodeAt(at);
  return code >= 48 && code <= 57;
};

/** Digits in text[start, end). */
function digitsBetween(text: string, start: number, end: number): number {
  let count = 0;
  for (let at = start; at < end; at++) if (isDigitAt(text, at)) count++;
  return count;
}

/** Digits in a number whose extension is already left out. */
const digitsIn = (number: string): number => digitsBetween(number, 0, number.length);

/** Digits in a phone-shaped candidate, its extension left out. */
const digitsOf = (candidate: string): number => digitsIn(candidate.replace(EXTENSION, ''));

/** Digits of text[start, end) as readPhone counts them: its extension left out. */
const numberDigits = (text: string, start: number, end: number): number =>
  digitsOf(text.slice(start, end));

/** Reads text[start, end) as one phone number, or not at all. */
function readPhone(
  text: string,
  start: number,
  end: number,
  options: PhoneOptions,
): PhoneReading | undefined {
  const number = text.slice(start, end).replace(EXTENSION, '');
  const digitCount = digitsIn(number);
  if (digitCount < PHONE_MIN_DIGITS || digitCount > PHONE_MAX_DIGITS) return undefined;
  if (DATE_SHAPE.test(number) || SSN_SHAPE.test(number) || DOTTED_QUAD.test(number))
    return undefined;
  if (IBAN_GROUPS_BEFORE.test(text.slice(Math.max(0, start - 40), start))) return undefined;
  const international = number.startsWith('+');
  const grouped = /[ .()-]/.test(number);
  const strongContext = hasContextAround(text, start, end, STRONG_CONTEXT);
  const context = strongContext || hasContextAround(text, start, end, WEAK_CONTEXT);
  if (!context && (THOUSANDS.test(number) || hasContextBefore(text, start, MONEY_BEFORE, 16))) {
    return undefined;
  }
  // A bare run of digits with no phone word scores under any threshold whatever its
  // validity: skip the (comparatively costly) parse.
  if (!international && !grouped && !context) return undefined;
  const verdict = cachedValidate(number, options.defaultRegion);
  let score: number;
  if (verdict === 'valid') score = international ? 0.95 : grouped ? 0.8 : 0.45;
  else if (international) score = verdict === 'possible' ? 0.7 : 0.4;
  else if (grouped) score = 0.45;
  else score = 0.2;
  if (context) score = Math.min(1, score + (strongContext ? 0.35 : 0.25));
  return { candidate: { type: 'PHONE_NUMBER', start, end, score }, verdict };
}

/** Where each space-separated piece of a run starts and ends, as offsets in the text. */
function splitAtSpaces(run: string, offset: number): ClaimedSpan[] {
  const pieces: ClaimedSpan[] = [];
  let start = 0;
  for (let at = 1; at <= run.length; at++) {
    if (at < run.length && !(run[at] === ' ' && /[\d+(]/.test(run[at + 1] ?? ''))) continue;
    pieces.push({ start: offset + start, end: offset + at });
    start = at + 1;
  }
  return pieces;
}

/**
 * Parses spent on one run too long to be a number. Two numbers side by side take three or four
 * ("+1 415 555 2671 212 555 0147": the first reading too long, then one valid reading each).
 */
const PARSES_PER_LONG_RUN = 4;

/**
 * Readings one text may spend on runs the pattern cut (it reads at most seven groups, so a list
 * of three or more numbers arrives in parts): reading a part with the evidence of the run it
 * continues, and the numbers that straddle a cut. 16, and one more per 20 characters: a reading
 * may parse (~10-25 µs when the number is new), so distinct digit groups after a phone word cost
 * at most ~1.25 µs more per character and ~0.4 ms more per text (docs/detection.md has the
 * measurements). Past the budget, parts are read as before (each on its own evidence, nothing
 * across a cut), never with fewer parses than before.
 */
const CHAINED_READINGS_BASE = 16;
const CHARS_PER_CHAINED_READING = 20;

/**
 * Whether a run shows that phone numbers are there at all: led by "+", or next to a phone word.
 * Without it a long run is a reference, an amount or a table of figures ("order 415 555 2671
 * 9876 5432"), whose parses would cost far more than the numbers it rarely holds.
 */
function runHasEvidence(text: string, run: string, offset: number): boolean {
  return run.startsWith('+') || hasContextAround(text, offset, offset + run.length, STRONG_CONTEXT);
}

/** Readings left to spend on one text's cut runs (CHAINED_READINGS_BASE and more). */
interface ReadingBudget {
  left: number;
}

/**
 * A run with more digits than any number holds, read as valid numbers side by side: at each
 * piece the longest valid number starting there. Only a run with evidence (runHasEvidence) is
 * read. At most PARSES_PER_LONG_RUN parses (readings a quick check does not refuse). With a
 * `budget` (a part of a cut run), three readings a piece while the text's budget lasts, each
 * taken from it (a reading of too few or too many digits is refused by counting them and costs
 * nothing), and never fewer than `floor` of those parses: a part that runs out of budget is
 * still read as far as it was before budgets existed.
 */
function readAdjacentNumbers(
  text: string,
  pieces: readonly ClaimedSpan[],
  options: PhoneOptions,
  budget?: ReadingBudget,
  floor = PARSES_PER_LONG_RUN,
): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  let parses = 0;
  let readings = 0;
  const allowed = pieces.length * 3;
  const canRead = () =>
    parses < floor || (budget !== undefined && budget.left > 0 && readings < allowed);
  for (let first = 0; first < pieces.length && canRead();) {
    let last = pieces.length - 1;
    let reading: PhoneReading | undefined;
    for (; last >= first && canRead(); last--) {
      if (budget) {
        const digits = numberDigits(text, pieces[first]!.start, pieces[last]!.end);
        if (digits > PHONE_MAX_DIGITS) continue;
        if (digits < PHONE_MIN_DIGITS) break;
        budget.left--;
        readings++;
      }
      reading = readPhone(text, pieces[first]!.start, pieces[last]!.end, options);
      if (reading !== undefined) parses++;
      if (reading?.verdict === 'valid') break;
    }
    if (last >= first && reading?.verdict === 'valid') {
      found.push(reading.candidate);
      first = last + 1;
    } else {
      first++;
    }
  }
  return found;
}

/**
 * A number straddling the cut between two parts of one run: it starts in `tail` (the pieces
 * of the earlier part after its last reading) and ends in `head` (the later part's pieces).
 * The earliest start wins, at its longest valid end.
 */
function readAcrossCut(
  text: string,
  tail: readonly ClaimedSpan[],
  head: readonly ClaimedSpan[],
  options: PhoneOptions,
  budget: ReadingBudget,
): PiiCandidate | undefined {
  for (const from of tail) {
    for (let last = head.length - 1; last >= 0 && budget.left > 0; last--) {
      const end = head[last]!.end;
      const digits = numberDigits(text, from.start, end);
      if (digits > PHONE_MAX_DIGITS) continue;
      if (digits < PHONE_MIN_DIGITS) break;
      budget.left--;
      const reading = readPhone(text, from.start, end, options);
      if (reading?.verdict === 'valid') return reading.candidate;
    }
  }
  return undefined;
}

/**
 * Whether `instead` redacts everything `readings` do as surely: each digit a reading covers is
 * covered by one of `instead` scoring at least as much, so no threshold or overlap keeps a
 * digit that `readings` would have hidden.
 */
function coversAsWell(
  text: string,
  instead: readonly PiiCandidate[],
  readings: readonly PiiCandidate[],
): boolean {
  return readings.every((reading) => {
    for (let at = reading.start; at < reading.end; at++) {
      if (!isDigitAt(text, at)) continue;
      const holds = instead.some(
        (other) => other.start <= at && at < other.end && other.score >= reading.score,
      );
      if (!holds) return false;
    }
    return true;
  });
}

/**
 * The pieces of a part that no reading covers after its last one: where a number straddling
 * the cut after it may start. Only the last pieces with fewer digits than a longest number.
 */
function uncoveredTail(
  text: string,
  pieces: readonly ClaimedSpan[],
  coveredTo: number,
): ClaimedSpan[] {
  const tail: ClaimedSpan[] = [];
  let digits = 0;
  for (let index = pieces.length - 1; index >= 0; index--) {
    const piece = pieces[index]!;
    if (piece.start < coveredTo) break;
    digits += digitsBetween(text, piece.start, piece.end);
    if (digits >= PHONE_MAX_DIGITS) break;
    tail.unshift(piece);
  }
  return tail;
}

/**
 * The claims that a phone-shaped run no longer than one number does not hold whole. Such a run
 * ("+4915574212069", also a Luhn-valid Visa; "+43 1 234 56 7890", ending like an SSN) is read
 * as one number that competes with the claim, as before claims existed: blanking the claim
 * would leave the phone unread and its country code unredacted. A claim beside a phone always
 * makes a run too long for one (a card or SSN has 9+ digits, a phone 7+).
 */
function claimsOutsideOneNumber(text: string, claimed: readonly ClaimedSpan[]): ClaimedSpan[] {
  if (claimed.length === 0) return [];
  const numbers = allMatches(CANDIDATE, text).filter(
    (match) => digitsOf(match[0]) <= PHONE_MAX_DIGITS,
  );
  const sorted = [...claimed].sort((a, b) => a.start - b.start);
  const kept: ClaimedSpan[] = [];
  let next = 0;
  for (const span of sorted) {
    // Matches are disjoint and in order: skip those ending before the claim starts.
    while (next < numbers.length && numbers[next]!.index + numbers[next]![0].length <= span.start)
      next++;
    const number = numbers[next];
    const inside =
      number !== undefined &&
      number.index <= span.start &&
      span.end <= number.index + number[0].length;
    if (!inside) kept.push(span);
  }
  return kept;
}

/** A part of a run the pattern cut, as the next part needs it. */
interface RunPart {
  start: number;
  end: number;
  raw: string;
  /** More digits than one number holds (its extension left out). */
  long: boolean;
  /** Its space-separated pieces: `piecesOf`, split once when asked. */
  pieces?: ClaimedSpan[];
  /** Where its last reading ends (its start when it has none). */
  coveredTo: number;
  /** Whether it continues a run that has evidence (read with `readContinuingPart`). */
  chained: boolean;
  /** Whether it shows evidence itself: `ownEvidence`, worked out once when asked. */
  ownEvidence?: boolean;
}

/** The part's pieces (splitAtSpaces), split the first time they are needed. */
function piecesOf(part: RunPart): ClaimedSpan[] {
  part.pieces ??= splitAtSpaces(part.raw, part.start);
  return part.pieces;
}

/** Whether the part itself is led by "+" or next to a phone word (runHasEvidence). */
function ownEvidence(text: string, part: RunPart): boolean {
  part.ownEvidence ??= runHasEvidence(text, part.raw, part.start);
  return part.ownEvidence;
}

/**
 * A part's readings when it continues a run with evidence. The part's own readings start at the
 * cut, which the pattern made mid-number ("… 646 318 3810 313 456 5239" alone reads
 * "318 3810 313"), so a number straddling the cut is read first, then the part's numbers after
 * it. Those replace what the part would give read as a run of its own (`alone`: one number, or
 * for a part too long for one, numbers side by side when it shows evidence itself) only when
 * they redact all of that: a straddling reading may also take a right one's place ("2024 303
 * 203" of "… 2024 303 203 3575"). Without a straddling number, a part too long for one number
 * is read side by side with the run's evidence, any other as `alone` reads it.
 */
function readContinuingPart(
  text: string,
  before: RunPart,
  part: RunPart,
  alone: () => PiiCandidate[],
  options: PhoneOptions,
  budget: ReadingBudget,
): PiiCandidate[] {
  const pieces = piecesOf(part);
  const tail = uncoveredTail(text, piecesOf(before), before.coveredTo);
  const across = readAcrossCut(text, tail, pieces, options, budget);
  if (across === undefined) {
    if (!part.long) return alone();
    const floor = ownEvidence(text, part) ? PARSES_PER_LONG_RUN : 0;
    return readAdjacentNumbers(text, pieces, options, budget, floor);
  }
  const rest = pieces.filter((piece) => piece.start >= across.end);
  const instead = [across, ...readAdjacentNumbers(text, rest, options, budget, 0)];
  const own = alone();
  return coversAsWell(text, instead, own) ? instead : own;
}

export function recognizePhoneNumber(text: string, options: PhoneOptions): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  const claimed = claimsOutsideOneNumber(text, options.claimed ?? []);
  const scanned = withoutClaimed(text, claimed);
  const budget: ReadingBudget = {
    left: CHAINED_READINGS_BASE + Math.floor(text.length / CHARS_PER_CHAINED_READING),
  };
  let previous: RunPart | undefined;
  for (const match of allMatches(CANDIDATE, scanned)) {
    const raw = match[0];
    const start = match.index;
    const end = start + raw.length;
    // The next match after one space: the pattern stopped at its seventh group, at a group too
    // long to continue the run, after an extension, or before a "+" or "(". The run goes on in
    // this part, with the evidence it had.
    const before =
      previous !== undefined && previous.end + 1 === start && scanned[previous.end] === ' '
        ? previous
        : undefined;
    const chained =
      before !== undefined && budget.left > 0 && (before.chained || ownEvidence(text, before));
    const long = digitsOf(raw) > PHONE_MAX_DIGITS;
    const part: RunPart = { start, end, raw, long, coveredTo: start, chained };
    // The part read as a run of its own.
    const alone = (): PiiCandidate[] => {
      if (long)
        return ownEvidence(text, part) ? readAdjacentNumbers(text, piecesOf(part), options) : [];
      const reading = readPhone(text, start, end, options);
      return reading === undefined ? [] : [reading.candidate];
    };
    const readings = chained
      ? readContinuingPart(text, before, part, alone, options, budget)
      : alone();
    for (const reading of readings) {
      found.push(reading);
      part.coveredTo = Math.max(part.coveredTo, reading.end);
    }
    previous = part;
  }
  return found;
}

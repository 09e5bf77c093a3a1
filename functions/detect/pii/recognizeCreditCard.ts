/**
 * Payment card numbers: 12–19 digits, optionally grouped by one kind of separator, that pass
 * Luhn and start with an issuer prefix (IIN) whose network issues that length. A card may sit
 * in a longer run of digit groups (a phone number, an SSN or another card before or after it,
 * separated by a space): each run is read group by group.
 */
import { allMatches } from './allMatches.ts';
import { hasContextAround } from './contextWords.ts';
import type { PiiCandidate } from './piiTypes.ts';

/** Digits in the shortest card number (Maestro): a text with fewer has no card. */
export const CARD_MIN_DIGITS = 12;

/** A maximal run of digit groups joined by single spaces or dashes. */
const DIGIT_RUN = /\d+(?:[ -]\d+)*/g;
const CARD_MAX_DIGITS = 19;
/** Groups in the longest printed shape (4-4-4-4-3). */
const CARD_MAX_GROUPS = 5;
const CONTEXT =
  /card|visa|master|amex|american express|discover|diners|jcb|maestro|unionpay|credit|debit|cc|pan\b/;

interface IssuerRange {
  /** Inclusive prefix range, compared on the first `digits` digits. */
  from: number;
  to: number;
  digits: number;
  lengths: readonly number[];
}

const range = (from: number, to: number, lengths: readonly number[]): IssuerRange => ({
  from,
  to,
  digits: String(from).length,
  lengths,
});

const ISSUERS: readonly IssuerRange[] = [
  range(4, 4, [13, 16, 19]), // Visa
  range(51, 55, [16]), // Mastercard
  range(2221, 2720, [16]), // Mastercard 2-series
  range(34, 34, [15]), // American Express
  range(37, 37, [15]), // American Express
  range(300, 305, [14, 16, 19]), // Diners Club
  range(36, 36, [14, 16, 19]),
  range(38, 39, [14, 16, 19]),
  range(3095, 3095, [14, 16, 19]),
  range(6011, 6011, [16, 19]), // Discover
  range(644, 649, [16, 19]),
  range(65, 65, [16, 19]),
  range(35, 35, [16, 17, 18, 19]), // JCB (3528–3589; the rest of 35 is unassigned)
  range(1800, 1800, [15]), // JCB (legacy)
  range(2131, 2131, [15]),
  range(62, 62, [16, 17, 18, 19]), // UnionPay
  range(2200, 2204, [16, 17, 18, 19]), // Mir
  range(50, 50, [12, 13, 14, 15, 16, 17, 18, 19]), // Maestro
  range(56, 69, [12, 13, 14, 15, 16, 17, 18, 19]),
  range(604, 604, [12, 13, 14, 15, 16, 17, 18, 19]), // Maestro 0604 (leading zero)
];

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

export function hasIssuerPrefix(digits: string): boolean {
  const normalized = digits.startsWith('0604') ? digits.slice(1) : digits;
  const length = digits.length;
  return ISSUERS.some(
    (issuer) =>
      issuer.lengths.includes(length) &&
      Number(normalized.slice(0, issuer.digits)) >= issuer.from &&
      Number(normalized.slice(0, issuer.digits)) <= issuer.to &&
      (issuer.from !== 604 || digits.startsWith('0604')),
  );
}

/** How cards are printed: one block, 4-4-4-4(-3), 4-6-5 (Amex), 4-6-4 (Diners). */
const PRINTED_SHAPES: ReadonlySet<string> = new Set([
  '4-4-4-4',
  '4-4-4-4-3',
  '4-4-4-4-2',
  '4-4-4-1',
  '4-6-5',
  '4-6-4',
  '4-4-4-3',
  '4-4-5',
]);

interface DigitGroup {
  start: number;
  end: number;
  /** The separator before the group ('' for the first of its run). */
  separator: string;
}

function splitRun(run: string, offset: number): DigitGroup[] {
  const groups: DigitGroup[] = [];
  let start = 0;
  for (let at = 0; at <= run.length; at++) {
    const code = at < run.length ? run.charCodeAt(at) : 32;
    if (code >= 48 && code <= 57) continue;
    groups.push({
      start: offset + start,
      end: offset + at,
      separator: start === 0 ? '' : run[start - 1]!,
    });
    start = at + 1;
  }
  return groups;
}

/**
 * The card printed in groups[first..first+count), if those groups are one: one separator kind,
 * a printed shape, a length, Luhn and an issuer that issues that length.
 */
function isCardWindow(text: string, groups: readonly DigitGroup[], first: number, count: number) {
  let length = 0;
  for (let index = first; index < first + count; index++) {
    const group = groups[index]!;
    length += group.end - group.start;
    if (index > first + 1 && group.separator !== groups[first + 1]!.separator) return false;
  }
  if (length < CARD_MIN_DIGITS || length > CARD_MAX_DIGITS) return false;
  if (count > 1) {
    const shape = groups
      .slice(first, first + count)
      .map((group) => group.end - group.start)
      .join('-');
    if (!PRINTED_SHAPES.has(shape)) return false;
  }
  const digits = text
    .slice(groups[first]!.start, groups[first + count - 1]!.end)
    .replace(/\D/g, '');
  return passesLuhn(digits) && hasIssuerPrefix(digits) && !/^(\d)\1+$/.test(digits);
}

/** The groups of a run, and whether it may be read from its start and to its end. */
interface DigitRun {
  text: string;
  groups: readonly DigitGroup[];
  canStart: boolean;
  canEnd: boolean;
}

/**
 * Groups in the longest card starting at groups[first], or 0. A number right after a card
 * ("4111 1111 1111 1111 2 times") is not part of it, but a dash-joined one is no separate one;
 * with `toRunEnd`, only a card that ends the run counts.
 */
function longestCardAt(run: DigitRun, first: number, toRunEnd: boolean): number {
  for (let count = Math.min(CARD_MAX_GROUPS, run.groups.length - first); count >= 1; count--) {
    const next = run.groups[first + count];
    const endsWell = next === undefined ? run.canEnd : !toRunEnd && next.separator === ' ';
    if (endsWell && isCardWindow(run.text, run.groups, first, count)) return count;
  }
  return 0;
}

const digitsIn = (group: DigitGroup): number => group.end - group.start;

/** Digits in a run of digit groups (every character is a digit or a one-character separator). */
function digitCount(run: string): number {
  let count = 0;
  for (let at = 0; at < run.length; at++) {
    const code = run.charCodeAt(at);
    if (code >= 48 && code <= 57) count++;
  }
  return count;
}

/**
 * Whether a card may start at groups[index]: the run's first group when the run may be read
 * from its start, else a group after a space. When every group since the run's start or the
 * last card is four digits long and so is this one, the window is a stretch of a longer number
 * printed in fours (an account or order number), not a card of its own; a longer group (a card
 * printed as one block) is no part of such a number.
 */
function mayStartAt(
  run: DigitRun,
  index: number,
  onlyFoursBefore: boolean,
  groupsBefore: number,
): boolean {
  return (
    (index === 0 ? run.canStart : run.groups[index]!.separator === ' ') &&
    (groupsBefore === 0 || !onlyFoursBefore || digitsIn(run.groups[index]!) !== 4)
  );
}

/** The cards of one run, found from its start. */
function cardsInRun(run: DigitRun, found: PiiCandidate[]): void {
  const { text, groups } = run;
  let onlyFoursBefore = true;
  let groupsBefore = 0;
  let first = 0;
  while (first < groups.length) {
    // A card after other groups must end the run ("1732 55 4111 1111 1111 1111 90" holds none).
    let count = mayStartAt(run, first, onlyFoursBefore, groupsBefore)
      ? longestCardAt(run, first, groupsBefore > 0)
      : 0;
    if (count === 0) {
      onlyFoursBefore &&= digitsIn(groups[first]!) === 4;
      groupsBefore++;
      first++;
      continue;
    }
    // A card that leaves groups behind it loses to an overlapping one that ends the run: in
    // "+1 415 555 2671 4111 1111 1111 1111", "2671 4111 1111 1111" is a valid card too.
    if (first + count < groups.length) {
      let fours = onlyFoursBefore;
      for (let later = first + 1; later < first + count; later++) {
        fours &&= digitsIn(groups[later - 1]!) === 4;
        if (!mayStartAt(run, later, fours, groupsBefore + later - first)) continue;
        const laterCount = longestCardAt(run, later, true);
        if (laterCount > 0) {
          first = later;
          count = laterCount;
          break;
        }
      }
    }
    const start = groups[first]!.start;
    const end = groups[first + count - 1]!.end;
    const context = hasContextAround(text, start, end, CONTEXT);
    found.push({ type: 'CREDIT_CARD', start, end, score: context ? 1 : 0.9 });
    first += count;
    onlyFoursBefore = true;
    groupsBefore = 0;
  }
}

/** A span of the text read as another value already: runs of digit groups are cut around it. */
export interface ReadSpan {
  start: number;
  end: number;
}

/**
 * `known`: values read before (dash-printed SSNs), sorted by start and apart. A run is cut
 * after each, and the groups after one are read as a run of their own: in
 * "ssn 536-22-8709 4111 1111 1111 1111 415 555 2671" the card starts the groups after the SSN.
 */
export function recognizeCreditCard(text: string, known: readonly ReadSpan[] = []): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  let nextKnown = 0;
  for (const match of allMatches(DIGIT_RUN, text)) {
    // Most runs are short numbers, which hold no card (readRun counts the digits of the rest).
    if (match[0].length < CARD_MIN_DIGITS) continue;
    const matchEnd = match.index + match[0].length;
    // A run after "1." or "-" (a decimal, a range, a negative number) is not read from its
    // start, nor one ending before ".5" or ",5" read to its end.
    let canStart = !/[.,-]/.test(text[match.index - 1] ?? '');
    const canEnd = !/^[.,]\d/.test(text.slice(matchEnd, matchEnd + 2));
    let from = match.index;
    // Runs come in text order: the known spans before this one are never looked at again.
    while (nextKnown < known.length && known[nextKnown]!.end <= from) nextKnown++;
    for (; nextKnown < known.length && known[nextKnown]!.start < matchEnd; nextKnown++) {
      const span = known[nextKnown]!;
      // The groups up to the value's end are read as before (the value among them); the groups
      // after it as a run of their own.
      readRun(text, from, span.end, canStart, true, found);
      from = span.end + 1;
      canStart = true;
    }
    readRun(text, from, matchEnd, canStart, canEnd, found);
  }
  return found;
}

/** The cards of the run text[from, to), when it has digits enough for one (counted first). */
function readRun(
  text: string,
  from: number,
  to: number,
  canStart: boolean,
  canEnd: boolean,
  found: PiiCandidate[],
): void {
  if (to - from < CARD_MIN_DIGITS) return;
  const run = text.slice(from, to);
  if (digitCount(run) < CARD_MIN_DIGITS) return;
  cardsInRun({ text, groups: splitRun(run, from), canStart, canEnd }, found);
}

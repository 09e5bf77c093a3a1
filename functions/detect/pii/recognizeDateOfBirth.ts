/**
 * Dates of birth: a calendar date (numeric or with a month name) with a birth context word
 * ("born", "date of birth", "DOB", "birthday") just before it. A date without such context is
 * not reported: most dates in LLM traffic are not personal data, and redacting them would
 * blank out schedules and timestamps.
 */
import { allMatches } from './allMatches.ts';
import { hasContextBefore } from './contextWords.ts';
import type { PiiCandidate } from './piiTypes.ts';

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
/** Digits in the shortest date (1/2/3): a text with fewer has no date of birth. */
export const DATE_MIN_DIGITS = 3;

const NUMERIC = /(?<![\d/.-])(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})(?![\d]|[/.-]\d)/g;
const DAY_MONTH_YEAR = new RegExp(
  `(?<![\\w])(\\d{1,2})(?:st|nd|rd|th)?[ ]+(?:of[ ]+)?(?:${MONTHS})\\.?,?[ ]+(\\d{4})(?!\\d)`,
  'gi',
);
const MONTH_DAY_YEAR = new RegExp(
  `(?<![\\w])(?:${MONTHS})\\.?[ ]+(\\d{1,2})(?:st|nd|rd|th)?,?[ ]+(\\d{4})(?!\\d)`,
  'gi',
);
const BIRTH_CONTEXT = /born|birth|\bdob\b|d\.o\.b|b-day|bday/;
const BIRTH_WINDOW = 40;

function isPlausibleNumericDate(first: string, second: string, third: string): boolean {
  const a = Number(first);
  const b = Number(second);
  const c = Number(third);
  if (first.length === 4) return a >= 1900 && a <= 2100 && b >= 1 && b <= 12 && c >= 1 && c <= 31;
  if (third.length !== 4 && third.length !== 2) return false;
  if (third.length === 4 && (c < 1900 || c > 2100)) return false;
  // Either month/day or day/month.
  return a >= 1 && b >= 1 && ((a <= 12 && b <= 31) || (a <= 31 && b <= 12));
}

/** Cheap gate: without a birth word anywhere there is no date of birth to find. */
const ANY_BIRTH_WORD = /[Bb]orn|[Bb]irth|BIRTH|BORN|DOB|[Dd]ob\b|[Dd]\.[Oo]\.[Bb]|[Bb]-?[Dd]ay/;

function report(found: PiiCandidate[], text: string, start: number, length: number): void {
  if (hasContextBefore(text, start, BIRTH_CONTEXT, BIRTH_WINDOW)) {
    found.push({ type: 'DATE_OF_BIRTH', start, end: start + length, score: 0.85 });
  }
}

export function recognizeDateOfBirth(text: string): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  if (!ANY_BIRTH_WORD.test(text)) return found;
  for (const match of allMatches(NUMERIC, text)) {
    const [raw, first = '', , second = '', third = ''] = match;
    if (isPlausibleNumericDate(first, second, third)) report(found, text, match.index, raw.length);
  }
  for (const match of allMatches(DAY_MONTH_YEAR, text)) {
    if (Number(match[1]) >= 1 && Number(match[1]) <= 31) {
      report(found, text, match.index, match[0].length);
    }
  }
  for (const match of allMatches(MONTH_DAY_YEAR, text)) {
    if (Number(match[1]) >= 1 && Number(match[1]) <= 31) {
      report(found, text, match.index, match[0].length);
    }
  }
  return found;
}

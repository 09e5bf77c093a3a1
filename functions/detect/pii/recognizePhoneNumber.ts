/**
 * Phone numbers, national and international. A bounded regex finds phone-shaped runs of digit
 * groups; libphonenumber-js (full metadata) validates them for the default region, or for the
 * country a "+" prefix names. Numbers it cannot validate are still reported when they are
 * clearly grouped like a phone number and a context word ("phone", "mobile", "fax") is near.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { allMatches } from './allMatches.ts';
import { hasContextAround, hasContextBefore } from './contextWords.ts';
import type { PiiCandidate } from './piiTypes.ts';

/** Digits in the shortest number reported: a text with fewer has no phone number. */
export const PHONE_MIN_DIGITS = 7;

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

export function recognizePhoneNumber(text: string, options: PhoneOptions): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  for (const match of allMatches(CANDIDATE, text)) {
    const raw = match[0];
    const number = raw.replace(EXTENSION, '');
    const digitCount = number.replace(/\D/g, '').length;
    if (digitCount < PHONE_MIN_DIGITS || digitCount > 15) continue;
    if (DATE_SHAPE.test(number) || SSN_SHAPE.test(number) || DOTTED_QUAD.test(number)) continue;
    const start = match.index;
    const end = start + raw.length;
    if (IBAN_GROUPS_BEFORE.test(text.slice(Math.max(0, start - 40), start))) continue;
    const international = number.startsWith('+');
    const grouped = /[ .()-]/.test(number);
    const strongContext = hasContextAround(text, start, end, STRONG_CONTEXT);
    const context = strongContext || hasContextAround(text, start, end, WEAK_CONTEXT);
    if (!context && (THOUSANDS.test(number) || hasContextBefore(text, start, MONEY_BEFORE, 16))) {
      continue;
    }
    // A bare run of digits with no phone word scores under any threshold whatever its
    // validity: skip the (comparatively costly) parse.
    if (!international && !grouped && !context) continue;
    const verdict = cachedValidate(number, options.defaultRegion);
    let score: number;
    if (verdict === 'valid') score = international ? 0.95 : grouped ? 0.8 : 0.45;
    else if (international) score = verdict === 'possible' ? 0.7 : 0.4;
    else if (grouped) score = 0.45;
    else score = 0.2;
    if (context) score = Math.min(1, score + (strongContext ? 0.35 : 0.25));
    found.push({ type: 'PHONE_NUMBER', start, end, score });
  }
  return found;
}

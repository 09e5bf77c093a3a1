/**
 * Phone numbers, national and international. A bounded regex finds phone-shaped runs of digit
 * groups; libphonenumber-js (full metadata) validates them for the default region, or for the
 * country a "+" prefix names. Numbers it cannot validate are still reported when they are
 * clearly grouped like a phone number and a context word ("phone", "mobile", "fax") is near.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { hasContextAround, hasContextBefore } from './contextWords.ts';
import type { PiiCandidate } from './piiTypes.ts';

const CANDIDATE =
  /(?<![\w+@/.:,-])(?:\+\d{1,3}[ .-]?)?(?:\(0\)[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,12}(?:[ .-]\d{1,6}){0,6}(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,6})?(?![\w@]|[.:,-]?\d)/g;
const CONTEXT =
  /phone|\btel\b|telephone|mobile|\bcell|\bfax\b|\bcall|\bsms\b|\btext me|whatsapp|signal|\bdesk\b|office|contact|\bph\b|\bmob\b|hotline|landline|\bdial|reach me|\bnumber\b|\bno\.|\bnum\b/;
const DATE_SHAPE = /^(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})$/;
const THOUSANDS = /^\d{1,3}(?:[ .]\d{3})+$/;
const SSN_SHAPE = /^\d{3}-\d{2}-\d{4}$/;
const MONEY_BEFORE = /[$€£¥]\s*$|\b(?:usd|eur|gbp|price|cost|total|amount)\W*$/;
const EXTENSION = /[ ]?(?:x|ext\.?|#)[ ]?\d{1,6}$/;

export interface PhoneOptions {
  defaultRegion: CountryCode;
}

function validate(candidate: string, region: CountryCode): 'valid' | 'possible' | 'invalid' {
  const parsed = parsePhoneNumberFromString(candidate.replace(/\(0\)/, ''), region);
  if (!parsed) return 'invalid';
  if (parsed.isValid()) return 'valid';
  return parsed.isPossible() ? 'possible' : 'invalid';
}

export function recognizePhoneNumber(text: string, options: PhoneOptions): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const raw = match[0];
    const number = raw.replace(EXTENSION, '');
    const digitCount = number.replace(/\D/g, '').length;
    if (digitCount < 7 || digitCount > 15) continue;
    if (DATE_SHAPE.test(number) || SSN_SHAPE.test(number)) continue;
    const start = match.index;
    const end = start + raw.length;
    const international = number.startsWith('+');
    const grouped = /[ .()-]/.test(number);
    const context = hasContextAround(text, start, end, CONTEXT);
    if (!context && (THOUSANDS.test(number) || hasContextBefore(text, start, MONEY_BEFORE, 16))) {
      continue;
    }
    const verdict = validate(number, options.defaultRegion);
    let score: number;
    if (verdict === 'valid') score = international ? 0.95 : grouped ? 0.8 : 0.6;
    else if (international) score = verdict === 'possible' ? 0.7 : 0.4;
    else if (grouped) score = 0.45;
    else score = 0.2;
    if (context) score = Math.min(1, score + 0.25);
    found.push({ type: 'PHONE_NUMBER', start, end, score });
  }
  return found;
}

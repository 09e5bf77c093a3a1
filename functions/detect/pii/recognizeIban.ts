/**
 * IBANs: a country code with its registered length, two check digits and a BBAN, printed
 * compact or in groups of four, upper or lower case; valid only when mod-97 gives 1.
 */
import { allMatches } from './allMatches.ts';
import type { PiiCandidate } from './piiTypes.ts';

/** Registered IBAN lengths (SWIFT IBAN registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

const START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?=[ ]?[A-Za-z0-9])/g;

function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function passesIbanChecksum(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code <= 57 ? code - 48 : code - 55;
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

export function recognizeIban(text: string): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  for (const match of allMatches(START, text)) {
    const country = match[0].slice(0, 2).toUpperCase();
    const length = IBAN_LENGTHS[country];
    if (length === undefined) continue;
    let compact = '';
    let position = match.index;
    // Collect exactly `length` characters, allowing single spaces between them.
    while (compact.length < length && position < text.length) {
      const code = text.charCodeAt(position);
      if (isAlnum(code)) {
        compact += text[position];
        position++;
      } else if (code === 32 && compact.length > 0 && isAlnum(text.charCodeAt(position + 1))) {
        position++;
      } else {
        break;
      }
    }
    if (compact.length !== length || isAlnum(text.charCodeAt(position))) continue;
    const upper = compact.toUpperCase();
    if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(upper) || !passesIbanChecksum(upper)) continue;
    found.push({ type: 'IBAN', start: match.index, end: position, score: 1 });
  }
  return found;
}

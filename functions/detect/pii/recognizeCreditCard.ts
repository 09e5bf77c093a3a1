/**
 * Payment card numbers: 12–19 digits, optionally grouped by one kind of separator, that pass
 * Luhn and start with an issuer prefix (IIN) whose network issues that length.
 */
import { allMatches } from './allMatches.ts';
import { hasContextAround } from './contextWords.ts';
import type { PiiCandidate } from './piiTypes.ts';

/** Digits in the shortest card number (Maestro): a text with fewer has no card. */
export const CARD_MIN_DIGITS = 12;

const CANDIDATE = /(?<![\d.,-])\d(?:[ -]?\d){11,18}(?![\d]|[.,]\d)/g;
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

/** Groups are consistent: no separators, or one separator kind between groups. */
function splitGroups(raw: string): string[] | undefined {
  const separators = new Set(raw.replace(/\d/g, ''));
  if (separators.size > 1) return undefined;
  return raw.split(/[ -]/);
}

/** How cards are printed: one block, 4-4-4-4(-3), 4-6-5 (Amex), 4-6-4 (Diners). */
function isPrintedLikeACard(groups: readonly string[]): boolean {
  if (groups.length === 1) return true;
  const shape = groups.map((group) => group.length).join('-');
  return [
    '4-4-4-4',
    '4-4-4-4-3',
    '4-4-4-4-2',
    '4-4-4-1',
    '4-6-5',
    '4-6-4',
    '4-4-4-3',
    '4-4-5',
  ].includes(shape);
}

export function recognizeCreditCard(text: string): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  for (const match of allMatches(CANDIDATE, text)) {
    const groups = splitGroups(match[0]);
    if (!groups) continue;
    // A number right after a card ("4111 1111 1111 1111 2 times") is not part of it: try
    // the longest run of whole groups printed like a card.
    for (let count = groups.length; count >= 1; count--) {
      const used = groups.slice(0, count);
      if (!isPrintedLikeACard(used)) continue;
      const digits = used.join('');
      if (digits.length < 12 || digits.length > 19) continue;
      if (!passesLuhn(digits) || !hasIssuerPrefix(digits)) continue;
      if (/^(\d)\1+$/.test(digits)) continue;
      const start = match.index;
      const end = start + used.join(' ').length;
      if (count < groups.length && match[0][end - start] !== ' ') continue;
      const context = hasContextAround(text, start, end, CONTEXT);
      found.push({ type: 'CREDIT_CARD', start, end, score: context ? 1 : 0.9 });
      break;
    }
  }
  return found;
}

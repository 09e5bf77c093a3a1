/**
 * US Social Security numbers, with the SSA's never-issued ranges rejected: area 000, 666 and
 * 900–999, group 00, serial 0000, and numbers published as examples. An SSN written without
 * separators is only reported next to context words, since any nine digits would match.
 */
import { allMatches } from './allMatches.ts';
import { hasContextAround } from './contextWords.ts';
import type { PiiCandidate } from './piiTypes.ts';

/** Digits in an SSN: a text with fewer has none. */
export const SSN_DIGITS = 9;

const CANDIDATE = /(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d]|-\d)/g;
const CONTEXT = /ssn|social security|social sec|\bss#|\bsocial\b|taxpayer|\btin\b/;
const PUBLISHED_EXAMPLES = new Set(['078051120', '219099999', '123456789', '987654321']);

export function isIssuableSsn(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  if (group === '00' || serial === '0000') return false;
  const digits = area + group + serial;
  if (PUBLISHED_EXAMPLES.has(digits) || /^(\d)\1{8}$/.test(digits)) return false;
  return true;
}

export function recognizeUsSsn(text: string): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  for (const match of allMatches(CANDIDATE, text)) {
    const [raw, area = '', separator = '', group = '', serial = ''] = match;
    if (!isIssuableSsn(area, group, serial)) continue;
    const start = match.index;
    const end = start + raw.length;
    const context = hasContextAround(text, start, end, CONTEXT);
    const score = separator ? (context ? 1 : 0.85) : context ? 0.9 : 0.3;
    found.push({ type: 'US_SSN', start, end, score });
  }
  return found;
}

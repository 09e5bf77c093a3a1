/**
 * IPv4 (strict dotted quads, no leading zeros) and IPv6 (full, compressed and IPv4-mapped)
 * addresses. Candidates come from bounded regexes; node:net isIP has the final word.
 */
import { isIP } from 'node:net';
import { allMatches } from './allMatches.ts';
import { hasContextBefore } from './contextWords.ts';
import type { PiiCandidate } from './piiTypes.ts';

const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)/g;
const IPV6 =
  /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:])/g;
/** Cheap gate before the IPv4 scan, whose leading lookbehind runs at every position. */
const DIGIT_DOT_DIGIT = /\d\.\d/;
/** Cheap gate before the IPv6 scan: a "::" or two hex digits around a colon. */
const MAYBE_IPV6 = /::|[0-9A-Fa-f]:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:/;
const VERSION_CONTEXT = /(?:\bv|version|release|ver\.?)\s*$/;
const IP_CONTEXT = /\bip\b|address|host|server|client|gateway|dns/;

export function recognizeIpAddress(text: string): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  for (const match of DIGIT_DOT_DIGIT.test(text) ? allMatches(IPV4, text) : []) {
    if (isIP(match[0]) !== 4) continue;
    const start = match.index;
    if (hasContextBefore(text, start, VERSION_CONTEXT, 12)) continue;
    const score = hasContextBefore(text, start, IP_CONTEXT) ? 0.95 : 0.85;
    found.push({ type: 'IP_ADDRESS', start, end: start + match[0].length, score });
  }
  if (!text.includes(':') || !MAYBE_IPV6.test(text)) return found;
  for (const match of allMatches(IPV6, text)) {
    const candidate = match[0];
    if (isIP(candidate) !== 6) continue;
    const groups = candidate.split(':').filter((group) => group.length > 0);
    // "a::b" or "::" alone is more often code (scopes, slices) than an address.
    if (candidate.includes('::') ? groups.length < 2 : groups.length < 8) continue;
    if (groups.join('').replace(/\./g, '').length < 4) continue;
    const start = match.index;
    found.push({ type: 'IP_ADDRESS', start, end: start + candidate.length, score: 0.95 });
  }
  return found;
}

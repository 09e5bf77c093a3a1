/**
 * Email addresses. Scans outward from each "@" instead of running one big regex, so a
 * megabyte of "@" or of local-part characters stays linear (each scan is bounded).
 */
import type { PiiCandidate } from './piiTypes.ts';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

function isLocalChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 46 || // .
    code === 95 || // _
    code === 37 || // %
    code === 43 || // +
    code === 45 || // -
    code === 39 // '
  );
}

function isDomainChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 46 ||
    code === 45
  );
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const TLD = /^[a-z]{2,24}$/i;

function isValidDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  if (!TLD.test(labels[labels.length - 1] ?? '')) return false;
  return labels.every((label) => LABEL.test(label));
}

export function recognizeEmail(text: string): PiiCandidate[] {
  const found: PiiCandidate[] = [];
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && at - start < MAX_LOCAL && isLocalChar(text.charCodeAt(start - 1))) start--;
    // A local part neither starts nor ends with a dot, nor starts with a quote.
    while (start < at && (text[start] === '.' || text[start] === "'")) start++;
    let end = at + 1;
    while (end < text.length && end - at <= MAX_DOMAIN && isDomainChar(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    const local = text.slice(start, at);
    if (local.length > 0 && !local.endsWith('.') && !local.includes('..')) {
      if (isValidDomain(text.slice(at + 1, end))) {
        found.push({ type: 'EMAIL', start, end, score: 0.95 });
      }
    }
    at = text.indexOf('@', at + 1);
  }
  return found;
}

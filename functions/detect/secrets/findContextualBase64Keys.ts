/**
 * Finds keys that have no prefix of their own and are recognised by shape plus context: AWS
 * secret access keys (40 base64 characters near AWS words) and Azure storage account keys
 * (88 base64 characters ending in "==" near Azure words). One pass over runs of base64
 * characters; a regex starting with a character class would retry at every word start.
 */
import { PLACEHOLDER_SCORE, SecretType } from './constants.ts';
import { shannonEntropy } from './shannonEntropy.ts';
import { characterClasses, countClasses, isHexOnly, isPlaceholder } from './secretValueChecks.ts';

export interface ContextualKey {
  type: SecretType;
  start: number;
  end: number;
  score: number;
}

const AWS_CONTEXT = /aws|amazon|secret_?access|secretaccesskey/i;
const AZURE_CONTEXT = /azure|storage|account_?key|blob|\.core\.windows\.net/i;
const CONTEXT_WINDOW = 200;
/** Either context anywhere in the text: without one, no key in it can be reported. */
const ANY_CONTEXT = new RegExp(`${AWS_CONTEXT.source}|${AZURE_CONTEXT.source}`, 'i');

const BASE64_CHAR = (() => {
  const table = new Uint8Array(65536);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') {
    table[c.charCodeAt(0)] = 1;
  }
  return table;
})();

function isBase64Char(code: number): boolean {
  return BASE64_CHAR[code] === 1;
}

function awsSecretScore(value: string, before: string): number | null {
  if (!AWS_CONTEXT.test(before)) return null;
  if (isHexOnly(value) || countClasses(characterClasses(value)) < 3) return null;
  if (shannonEntropy(value) < 4) return null;
  return isPlaceholder(value) ? PLACEHOLDER_SCORE : 0.9;
}

function azureKeyScore(value: string, before: string): number | null {
  if (!AZURE_CONTEXT.test(before)) return null;
  if (shannonEntropy(value) < 4.5) return null;
  return isPlaceholder(value) ? PLACEHOLDER_SCORE : 0.85;
}

export function findContextualBase64Keys(text: string): ContextualKey[] {
  const keys: ContextualKey[] = [];
  // Cheaper than the walk over every character below, which most texts need not take.
  if (!ANY_CONTEXT.test(text)) return keys;
  const length = text.length;
  let i = 0;
  while (i < length) {
    if (!isBase64Char(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < length && isBase64Char(text.charCodeAt(i))) i++;
    const runLength = i - start;
    const next = text.charCodeAt(i);
    if (runLength === 40 && next !== 61) {
      const value = text.slice(start, i);
      const score = awsSecretScore(value, text.slice(Math.max(0, start - CONTEXT_WINDOW), start));
      if (score !== null) {
        keys.push({ type: SecretType.AWS_SECRET_ACCESS_KEY, start, end: i, score });
      }
    } else if (
      runLength === 86 &&
      next === 61 &&
      text.charCodeAt(i + 1) === 61 &&
      !isBase64Char(text.charCodeAt(i + 2)) &&
      text.charCodeAt(i + 2) !== 61
    ) {
      const value = text.slice(start, i + 2);
      const score = azureKeyScore(value, text.slice(Math.max(0, start - CONTEXT_WINDOW), start));
      if (score !== null) {
        keys.push({ type: SecretType.AZURE_STORAGE_ACCOUNT_KEY, start, end: i + 2, score });
      }
    }
  }
  return keys;
}

/**
 * Checks applied to a candidate secret value after a rule's pattern matched: is it a template
 * reference rather than a value, does it read as a documentation placeholder, how random is it,
 * and does a GitHub token carry a valid checksum.
 */
import { shannonEntropy } from './shannonEntropy.ts';

/** `${DB_PASSWORD}`, `$PASS`, `{{ secret }}`, `%s`, `<password>`, `****`: references, not values. */
const TEMPLATE_REFERENCE =
  /^(?:\$\{|\$\(|\{\{|%s$|%\(|<[^>]{0,200}>$|\*+$|[xX]+$|\.{3}|\$[A-Za-z_][A-Za-z0-9_]{0,200}$|process\.env|os\.environ)/;

const PLACEHOLDER_WORDS =
  /example|sample|dummy|placeholder|changeme|change_me|your[_-]|redacted|xxxxx|0{8}|12345678|abcdefgh|^(?:password|passwd|secret|token|pass)\d{0,3}$/i;

export function isTemplateReference(value: string): boolean {
  return TEMPLATE_REFERENCE.test(value);
}

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_WORDS.test(value);
}

export interface CharacterClasses {
  lower: boolean;
  upper: boolean;
  digit: boolean;
  /** Symbols other than the separators `_ - .` that identifiers use. */
  symbol: boolean;
}

export function characterClasses(value: string): CharacterClasses {
  const classes = { lower: false, upper: false, digit: false, symbol: false };
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) classes.lower = true;
    else if (c >= 65 && c <= 90) classes.upper = true;
    else if (c >= 48 && c <= 57) classes.digit = true;
    else if (c !== 95 && c !== 45 && c !== 46) classes.symbol = true;
  }
  return classes;
}

export function countClasses(classes: CharacterClasses): number {
  return (
    Number(classes.lower) + Number(classes.upper) + Number(classes.digit) + Number(classes.symbol)
  );
}

const HEX_ONLY = /^[0-9a-fA-F]+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isHexOnly(value: string): boolean {
  return HEX_ONLY.test(value);
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Entropy a random string of this length is expected to reach: short strings cannot reach
 * log2(alphabet), so the bar grows with length and stops growing at 32 characters.
 */
export function entropyThreshold(length: number): number {
  return 0.72 * Math.log2(Math.min(Math.max(length, 2), 32));
}

export function looksRandom(value: string): boolean {
  const classes = characterClasses(value);
  const classCount = countClasses(classes);
  const entropy = shannonEntropy(value);
  if (entropy < entropyThreshold(value.length)) return false;
  if (classes.digit || classes.symbol) return classCount >= 2;
  // Letters only: camelCase identifiers look random to entropy; ask for length and more spread.
  return classCount >= 2 && value.length >= 20 && entropy >= 4;
}

const CRC32_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(value: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < value.length; i++) {
    crc = (CRC32_TABLE[(crc ^ value.charCodeAt(i)) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub's current tokens (`ghp_` and friends) end in six base62 characters holding the CRC32
 * of the 30 random characters before them, so a typo or an invented token fails the check.
 */
export function hasValidGithubChecksum(token: string): boolean {
  const body = token.slice(4);
  if (body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/** Decodes a base64url segment, or returns undefined when it is not valid base64url. */
export function decodeBase64Url(segment: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
  try {
    return Buffer.from(segment, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
}

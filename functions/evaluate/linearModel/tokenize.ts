/**
 * Word tokens for the text classifiers: lower-cased runs of letters and digits, with
 * apostrophes inside words kept ("can't") and typographic apostrophes folded to ASCII.
 * A hand-written scanner rather than a Unicode regex: it is several times faster, and the
 * tokenizer runs on every span at ingest.
 */

export const APOSTROPHE = 0x27;
const NON_ASCII_WORD = /[\p{L}\p{N}\p{M}]/u;
/**
 * 0 = not yet classified, 1 = word character, 2 = not: one load per code unit instead of
 * range tests. ASCII and surrogates are filled at load, the rest lazily.
 */
const wordClass = new Uint8Array(0x10000);
for (let code = 0; code < 0x80; code += 1) {
  const word =
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a);
  wordClass[code] = word ? 1 : 2;
}
// Surrogates (emoji, rare scripts) are not word characters here.
wordClass.fill(2, 0xd800, 0xe000);

function classifyWordCode(code: number): boolean {
  if (!(code >= 0 && code <= 0xffff)) return false;
  const word = NON_ASCII_WORD.test(String.fromCharCode(code));
  wordClass[code] = word ? 1 : 2;
  return word;
}

/** A letter, digit or mark (surrogates are not). */
export function isWordCode(code: number): boolean {
  const known = wordClass[code];
  return known === 1 || (known === 0 && classifyWordCode(code));
}

export function isApostrophe(code: number): boolean {
  return (
    code === APOSTROPHE || code === 0x2018 || code === 0x2019 || code === 0x2bc || code === 0x60
  );
}

/** Returns at most `maxTokens` tokens from the start of `text`. */
export function tokenizeWords(text: string, maxTokens: number): string[] {
  return tokenizeLowerCaseWords(text.toLowerCase(), maxTokens);
}

/**
 * `tokenizeWords` for a text that is already lower-cased (lower-casing is idempotent), so a
 * caller that lower-cased its text does not pay for a second pass over all of it.
 */
export function tokenizeLowerCaseWords(lower: string, maxTokens: number): string[] {
  const spans = scanWordSpans(lower, maxTokens);
  const tokens: string[] = [];
  for (let k = 0; k < spans.count; k += 1) tokens.push(wordAt(lower, spans, k));
  return tokens;
}

/**
 * Where the tokens of a lower-cased text are, without making their strings: token `k` is
 * `lower.slice(starts[k], ends[k])` with typographic apostrophes folded when `typographic[k]`.
 * The arrays are shared scratch space, valid until the next call.
 */
export interface WordSpans {
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  typographic: Uint8Array;
}

const scratch: WordSpans = {
  count: 0,
  starts: new Int32Array(512),
  ends: new Int32Array(512),
  typographic: new Uint8Array(512),
};

function grow(size: number): void {
  const starts = new Int32Array(size);
  const ends = new Int32Array(size);
  const typographic = new Uint8Array(size);
  starts.set(scratch.starts);
  ends.set(scratch.ends);
  typographic.set(scratch.typographic);
  scratch.starts = starts;
  scratch.ends = ends;
  scratch.typographic = typographic;
}

export function scanWordSpans(lower: string, maxTokens: number): WordSpans {
  let count = 0;
  let i = 0;
  const length = lower.length;
  while (i < length && count < maxTokens) {
    while (i < length && !isWordCode(lower.charCodeAt(i))) i += 1;
    if (i >= length) break;
    const start = i;
    let hasTypographicApostrophe = false;
    while (i < length) {
      const code = lower.charCodeAt(i);
      if (isWordCode(code)) {
        i += 1;
      } else if (isApostrophe(code) && i + 1 < length && isWordCode(lower.charCodeAt(i + 1))) {
        if (code !== APOSTROPHE) hasTypographicApostrophe = true;
        i += 1;
      } else {
        break;
      }
    }
    if (count >= scratch.starts.length) grow(scratch.starts.length * 2);
    scratch.starts[count] = start;
    scratch.ends[count] = i;
    scratch.typographic[count] = hasTypographicApostrophe ? 1 : 0;
    count += 1;
  }
  scratch.count = count;
  return scratch;
}

/** The string of token `k` of `spans` (scanned from `lower`). */
export function wordAt(lower: string, spans: WordSpans, k: number): string {
  const token = lower.slice(spans.starts[k], spans.ends[k]);
  return spans.typographic[k] === 1 ? token.replace(/[\u2018\u2019\u02bc`]/g, "'") : token;
}

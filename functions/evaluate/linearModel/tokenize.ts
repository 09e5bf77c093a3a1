/**
 * Word tokens for the text classifiers: lower-cased runs of letters and digits, with
 * apostrophes inside words kept ("can't") and typographic apostrophes folded to ASCII.
 * A hand-written scanner rather than a Unicode regex: it is several times faster, and the
 * tokenizer runs on every span at ingest.
 */

const APOSTROPHE = 0x27;
const NON_ASCII_WORD = /[\p{L}\p{N}\p{M}]/u;
/** 0 = not yet classified, 1 = word character, 2 = not. Filled lazily for non-ASCII code units. */
const nonAsciiClass = new Uint8Array(0x10000);

function isWordCode(code: number): boolean {
  if (code < 0x80) {
    return (
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x30 && code <= 0x39) ||
      (code >= 0x41 && code <= 0x5a)
    );
  }
  // Surrogates (emoji, rare scripts) are not word characters here.
  if (code >= 0xd800 && code <= 0xdfff) return false;
  let known = nonAsciiClass[code];
  if (known === 0) {
    known = NON_ASCII_WORD.test(String.fromCharCode(code)) ? 1 : 2;
    nonAsciiClass[code] = known;
  }
  return known === 1;
}

function isApostrophe(code: number): boolean {
  return (
    code === APOSTROPHE || code === 0x2018 || code === 0x2019 || code === 0x2bc || code === 0x60
  );
}

/** Returns at most `maxTokens` tokens from the start of `text`. */
export function tokenizeWords(text: string, maxTokens: number): string[] {
  const lower = text.toLowerCase();
  const tokens: string[] = [];
  let i = 0;
  const length = lower.length;
  while (i < length && tokens.length < maxTokens) {
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
    const token = lower.slice(start, i);
    tokens.push(hasTypographicApostrophe ? token.replace(/[\u2018\u2019\u02bc`]/g, "'") : token);
  }
  return tokens;
}

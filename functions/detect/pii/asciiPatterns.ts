/**
 * ASCII twins of the Unicode word patterns. Unicode property classes (\p{Lu}, \p{L}) cost a
 * range search per character; most LLM text has no letters outside ASCII, and there the
 * twin (same source with ASCII classes, no `u` flag) finds exactly the same matches 4–5×
 * faster.
 */

/** Anything beyond ASCII except the General Punctuation block (U+2000–U+206F). */
const NON_ASCII_LETTER = /[\u0080-\u1FFF\u2070-\uFFFF]/;

/** True when every letter is ASCII (General Punctuation such as ’ — “ is allowed). */
export function hasOnlyAsciiLetters(text: string): boolean {
  return !NON_ASCII_LETTER.test(text);
}

export function asciiTwin(pattern: RegExp): RegExp {
  const source = pattern.source
    .replace(/\\p\{L\}\\p\{M\}/g, 'A-Za-z')
    .replace(/\[\\d\\p\{Lu\}/g, '[\\dA-Z')
    .replace(/\\p\{Lu\}/g, '[A-Z]');
  if (source.includes('\\p{')) throw new Error(`no ASCII twin for ${pattern.source}`);
  return new RegExp(source, pattern.flags.replace('u', ''));
}

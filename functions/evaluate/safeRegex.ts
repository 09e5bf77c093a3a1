/**
 * Compiles untrusted patterns (per-project assertion rules, `pattern` keywords of a call's
 * declared JSON Schema) so that none can stall ingest. They run on RE2 (`re2js`), which
 * matches in time linear in the text whatever the pattern: no backtracking, so no pattern is
 * catastrophic. An earlier version ran patterns on JavaScript's backtracking engine after a
 * static check; a review found patterns that passed the check and took seconds on 36
 * characters (`(?:(?:a|aa))+b`, five bounded repeats in a row).
 *
 * RE2 has no backreferences or lookaround; such patterns are refused with the engine's
 * reason. `\uXXXX` and `\u{…}` escapes are accepted and read as RE2's `\x{…}`. Case-folding
 * and `\s` follow RE2 (documented in docs/detection.md).
 */
import { RE2JS } from 're2js';

export const MAX_PATTERN_CHARS = 512;
/** Only this many leading characters of a text are matched (bounds each rule's cost). */
export const MAX_INPUT_CHARS = 200_000;
const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  // RE2 always reads a text by code point, as a `u` regex does.
  u: 0,
};

export class UnsafePatternError extends Error {
  readonly code = 'UNSAFE_PATTERN';
  constructor(reason: string) {
    super(reason);
    this.name = 'UnsafePatternError';
  }
}

/** A compiled pattern: `test` as `RegExp#test`, in linear time, on the text's first part. */
export interface SafeRegex {
  test(text: string): boolean;
  /** `/pattern/flags`: also what Ajv keys its compiled patterns by. */
  toString(): string;
}

/** `\uXXXX` and `\u{X…}` (an escape, not an escaped backslash before a "u") as `\x{…}`. */
function translateUnicodeEscapes(pattern: string): string {
  return pattern.replace(
    /(?<!\\)((?:\\\\)*)\\u(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{4}))/g,
    (_match, backslashes: string, braced: string | undefined, four: string | undefined) =>
      `${backslashes}\\x{${braced ?? four}}`,
  );
}

/** Compiles a pattern; throws UnsafePatternError for an invalid or unsupported one. */
export function compileSafeRegex(pattern: string, flags = ''): SafeRegex {
  if (pattern.length === 0) throw new UnsafePatternError('empty pattern');
  if (pattern.length > MAX_PATTERN_CHARS) {
    throw new UnsafePatternError(`pattern longer than ${MAX_PATTERN_CHARS} characters`);
  }
  const uniqueFlags = [...new Set(flags)];
  const bad = uniqueFlags.filter((flag) => FLAG_BITS[flag] === undefined);
  if (bad.length > 0) throw new UnsafePatternError(`unsupported flags: ${bad.join('')}`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(
      translateUnicodeEscapes(pattern),
      uniqueFlags.reduce((bits, flag) => bits | (FLAG_BITS[flag] ?? 0), 0),
    );
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    throw new UnsafePatternError(`invalid or unsupported regular expression: ${reason}`);
  }
  const source = `/${pattern}/${uniqueFlags.join('')}`;
  return {
    test: (text: string) =>
      compiled.test(text.length > MAX_INPUT_CHARS ? text.slice(0, MAX_INPUT_CHARS) : text),
    toString: () => source,
  };
}

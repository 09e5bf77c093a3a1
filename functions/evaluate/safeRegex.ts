/**
 * Compiles per-project assertion patterns so that no rule can stall ingest. JavaScript's
 * regex engine backtracks, so a pattern is checked before use: patterns whose matching can
 * take exponential time (a variable-length quantifier over a group that itself repeats or
 * holds an ambiguous alternation, backreferences) are rejected, and the polynomial cost of
 * the rest is bounded by how much text a pattern may see: the more unbounded quantifiers it
 * has, the shorter the text it is run on (see `maxInputChars`).
 */

export const MAX_PATTERN_CHARS = 512;
const NON_LITERAL = '\u0000non-literal';
const ALLOWED_FLAGS = new Set(['i', 'm', 's', 'u']);
/** A bounded repeat above this count is treated as unbounded. */
const LARGE_REPEAT = 16;
/**
 * Text a pattern sees, by its number of long-running quantifiers. On adversarial input the
 * worst case grows with the square (one quantifier) or the cube (two) of the length; these
 * caps keep `a+b` over 4,000 "a"s and `.*x.*y` over 300 "x"s to tens of milliseconds.
 */
const MAX_INPUT_CHARS_BY_UNBOUNDED = [200_000, 4_000, 300] as const;

export class UnsafePatternError extends Error {
  readonly code = 'UNSAFE_PATTERN';
  constructor(reason: string) {
    super(reason);
    this.name = 'UnsafePatternError';
  }
}

export interface SafeRegex {
  regex: RegExp;
  /** Only this many leading characters of a text are matched. */
  maxInputChars: number;
}

interface GroupFrame {
  /** The group contains a variable-length quantifier (directly or nested). */
  hasVariableRepeat: boolean;
  hasAlternation: boolean;
  alternatives: string[];
  current: string;
  currentIsLiteral: boolean;
}

interface Quantifier {
  length: number;
  min: number;
  max: number;
}

function readQuantifier(pattern: string, at: number): Quantifier | null {
  const ch = pattern[at];
  let q: Quantifier | null = null;
  if (ch === '*') q = { length: 1, min: 0, max: Infinity };
  else if (ch === '+') q = { length: 1, min: 1, max: Infinity };
  else if (ch === '?') q = { length: 1, min: 0, max: 1 };
  else if (ch === '{') {
    const match = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(pattern.slice(at, at + 16));
    if (match !== null) {
      const min = Number(match[1]);
      const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
      q = { length: match[0].length, min, max };
    }
  }
  if (q !== null && pattern[at + q.length] === '?') q.length += 1; // lazy
  return q;
}

function literalAlternativesAreDisjoint(alternatives: readonly string[], ignoreCase: boolean) {
  const firsts = new Set<string>();
  for (const alternative of alternatives) {
    const first = alternative[0];
    if (first === undefined) return false;
    const key = ignoreCase ? first.toLowerCase() : first;
    if (firsts.has(key)) return false;
    firsts.add(key);
  }
  return true;
}

/** Checks a pattern; returns its count of long-running quantifiers or throws UnsafePatternError. */
export function analysePattern(pattern: string, ignoreCase: boolean): number {
  if (pattern.length === 0) throw new UnsafePatternError('empty pattern');
  if (pattern.length > MAX_PATTERN_CHARS) {
    throw new UnsafePatternError(`pattern longer than ${MAX_PATTERN_CHARS} characters`);
  }
  const newFrame = (): GroupFrame => ({
    hasVariableRepeat: false,
    hasAlternation: false,
    alternatives: [],
    current: '',
    currentIsLiteral: true,
  });
  const stack: GroupFrame[] = [newFrame()];
  let unbounded = 0;
  let lastAtom: GroupFrame | null = null; // a just-closed group, for its quantifier
  let i = 0;
  while (i < pattern.length) {
    const frame = stack[stack.length - 1] as GroupFrame;
    const ch = pattern[i] as string;
    let closed: GroupFrame | null = null;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') {
        throw new UnsafePatternError('backreferences are not allowed');
      }
      frame.currentIsLiteral = frame.currentIsLiteral && /[^\w]/.test(next) && next !== '';
      frame.current += next;
      i += 2;
    } else if (ch === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j += 1;
      if (pattern[j] === ']') j += 1;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      frame.currentIsLiteral = false;
      i = j + 1;
    } else if (ch === '(') {
      stack.push(newFrame());
      i += pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i) ? 4 : 1;
      if (
        pattern.startsWith('?:', i) ||
        pattern.startsWith('?=', i) ||
        pattern.startsWith('?!', i)
      ) {
        i += 2;
      } else if (pattern[i] === '?' && pattern[i + 1] === '<') {
        const end = pattern.indexOf('>', i);
        i = end < 0 ? pattern.length : end + 1;
      }
      continue;
    } else if (ch === ')') {
      if (stack.length === 1) throw new UnsafePatternError('unbalanced parenthesis');
      closed = stack.pop() as GroupFrame;
      closed.alternatives.push(closed.currentIsLiteral ? closed.current : NON_LITERAL);
      const parent = stack[stack.length - 1] as GroupFrame;
      parent.hasVariableRepeat ||= closed.hasVariableRepeat;
      parent.currentIsLiteral = false;
      i += 1;
    } else if (ch === '|') {
      frame.hasAlternation = true;
      frame.alternatives.push(frame.currentIsLiteral ? frame.current : NON_LITERAL);
      frame.current = '';
      frame.currentIsLiteral = true;
      i += 1;
    } else {
      const quantifier = readQuantifier(pattern, i);
      if (quantifier !== null) {
        const variable = quantifier.max !== quantifier.min;
        const long = quantifier.max > LARGE_REPEAT;
        if (long) unbounded += 1;
        if (lastAtom !== null) {
          const ambiguous =
            lastAtom.hasAlternation &&
            (lastAtom.alternatives.some((a) => a.startsWith(NON_LITERAL)) ||
              !literalAlternativesAreDisjoint(lastAtom.alternatives, ignoreCase));
          const repeats = variable || quantifier.max > 8;
          if (repeats && lastAtom.hasVariableRepeat) {
            throw new UnsafePatternError(
              'nested quantifiers (a repeated group that itself repeats)',
            );
          }
          if (repeats && ambiguous) {
            throw new UnsafePatternError('a repeated group with overlapping alternatives');
          }
        }
        if (variable) frame.hasVariableRepeat = true;
        frame.currentIsLiteral = false;
        i += quantifier.length;
      } else {
        if ('.^$'.includes(ch)) frame.currentIsLiteral = false;
        frame.current += ch;
        i += 1;
      }
    }
    lastAtom = closed;
  }
  if (stack.length !== 1) throw new UnsafePatternError('unbalanced parenthesis');
  if (unbounded >= MAX_INPUT_CHARS_BY_UNBOUNDED.length) {
    throw new UnsafePatternError(
      `more than ${MAX_INPUT_CHARS_BY_UNBOUNDED.length - 1} unbounded quantifiers`,
    );
  }
  return unbounded;
}

/** Compiles a checked pattern; throws UnsafePatternError for unsafe or invalid patterns. */
export function compileSafeRegex(pattern: string, flags = ''): SafeRegex {
  const uniqueFlags = [...new Set(flags)];
  const bad = uniqueFlags.filter((flag) => !ALLOWED_FLAGS.has(flag));
  if (bad.length > 0) throw new UnsafePatternError(`unsupported flags: ${bad.join('')}`);
  const unbounded = analysePattern(pattern, uniqueFlags.includes('i'));
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, uniqueFlags.join(''));
  } catch (error) {
    throw new UnsafePatternError(`invalid regular expression: ${(error as Error).message}`);
  }
  return { regex, maxInputChars: MAX_INPUT_CHARS_BY_UNBOUNDED[unbounded] ?? 0 };
}

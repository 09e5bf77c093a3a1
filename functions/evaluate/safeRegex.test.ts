import { describe, expect, it } from 'vitest';
import { compileSafeRegex, UnsafePatternError } from './safeRegex.ts';

describe('compileSafeRegex', () => {
  it.each([
    { pattern: '\\bfoo\\b', maxInputChars: 200_000 },
    { pattern: '(\\d{1,3}\\.){3}\\d{1,3}', maxInputChars: 200_000 },
    { pattern: '(?:foo|bar)+', maxInputChars: 4_000 },
    { pattern: 'error: .*', maxInputChars: 4_000 },
    { pattern: 'from .* to .*', maxInputChars: 300 },
    { pattern: '(?<year>\\d{4})-\\d{2}', maxInputChars: 200_000 },
    { pattern: '[(]+x', maxInputChars: 4_000 },
  ])('accepts $pattern (sees $maxInputChars chars)', ({ pattern, maxInputChars }) => {
    expect(compileSafeRegex(pattern, 'i').maxInputChars).toBe(maxInputChars);
  });

  it.each([
    { pattern: '(a+)+b', reason: 'nested quantifiers' },
    { pattern: '(a*)*', reason: 'nested quantifiers' },
    { pattern: '((ab)+c)*', reason: 'nested quantifiers' },
    { pattern: '^(\\w+\\s?)*$', reason: 'nested quantifiers' },
    { pattern: '(a|aa)+', reason: 'overlapping alternatives' },
    { pattern: '(foo|fob)*', reason: 'overlapping alternatives' },
    { pattern: '(\\d|x)+', reason: 'overlapping alternatives' },
    { pattern: '(x)\\1', reason: 'backreferences' },
    { pattern: '(?<n>x)\\k<n>', reason: 'backreferences' },
    { pattern: '.*a.*b.*c', reason: 'unbounded quantifiers' },
    { pattern: '(', reason: 'unbalanced' },
    { pattern: 'a)', reason: 'unbalanced' },
    { pattern: '[', reason: 'invalid regular expression' },
    { pattern: '', reason: 'empty' },
  ])('rejects $pattern ($reason)', ({ pattern, reason }) => {
    expect(() => compileSafeRegex(pattern)).toThrow(UnsafePatternError);
    expect(() => compileSafeRegex(pattern)).toThrow(reason);
  });

  it.each(['g', 'y', 'x', 'd'])('rejects the %s flag', (flag) => {
    expect(() => compileSafeRegex('a', flag)).toThrow('unsupported flags');
  });

  it.each([
    { pattern: 'a+b', text: 'a'.repeat(4_000) },
    { pattern: '.*x.*y', text: 'x'.repeat(300) },
    { pattern: '\\d+-\\d+z', text: '1'.repeat(4_000) },
  ])(
    'runs an accepted pattern over its worst-case input to completion: $pattern',
    ({ pattern, text }) => {
      const { regex, maxInputChars } = compileSafeRegex(pattern);
      expect(regex.test(text.slice(0, maxInputChars))).toBe(false);
    },
  );
});

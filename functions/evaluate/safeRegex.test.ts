import { describe, expect, it } from 'vitest';
import { compileSafeRegex, MAX_INPUT_CHARS, UnsafePatternError } from './safeRegex.ts';

const SAMPLES = [
  'Your refund of $42.10 was issued on 2024-11-03.',
  'ERROR: connection timeout after 30s (host db-1)',
  'Call me at 415-555-0132 or write to ops@example.com',
  'Ünïcödé text — with “quotes” and an emoji 🎉 in it',
  'line one\nline two\r\nLINE THREE',
  '',
];

describe('compileSafeRegex', () => {
  it.each([
    ['\\bfoo\\b', ''],
    ['refund', 'i'],
    ['(\\d{1,3}\\.){3}\\d{1,3}', ''],
    ['(?:error|warn)[: ]+.*timeout', 'i'],
    ['^line \\w+$', 'm'],
    ['one.line', 's'],
    ['(?<year>\\d{4})-\\d{2}-\\d{2}', ''],
    ['[A-Z][a-z]+ [A-Z]', ''],
    ['\\$\\d+(?:\\.\\d{2})?', ''],
    ['\\p{Lu}\\p{Ll}+', 'u'],
    ['[^@\\s]+@[^@\\s]+\\.com', ''],
    ['🎉', 'u'],
  ])('answers like RegExp for /%s/%s on every sample', (pattern, flags) => {
    const safe = compileSafeRegex(pattern, flags);
    const native = new RegExp(pattern, flags);
    for (const sample of SAMPLES) expect(safe.test(sample), sample).toBe(native.test(sample));
    expect(String(safe)).toBe(`/${pattern}/${flags}`);
  });

  // Each of these takes seconds or far longer on a backtracking engine (the first five were
  // refused by the old static check, the rest passed it); RE2 reads the text once.
  it.each([
    ['(a+)+b', 'a'.repeat(5_000), false],
    ['(a|aa)+b', 'a'.repeat(5_000), false],
    ['^(\\w+\\s?)*$', `${'a'.repeat(5_000)}!`, false],
    ['(x)|((ab)+c)*d', 'ab'.repeat(5_000), false],
    ['.*a.*b.*c', 'a'.repeat(MAX_INPUT_CHARS), false],
    ['(?:(?:a|aa))+b', 'a'.repeat(5_000), false],
    ['([^,]{0,16}){5}x', 'a'.repeat(5_000), false],
    ['[^,]{0,16}[^,]{0,16}[^,]{0,16}[^,]{0,16}[^,]{0,16}x', 'a'.repeat(5_000), false],
    ['(a+)+b', `${'a'.repeat(5_000)}b`, true],
  ])('matches /%s/ over an adversarial text in one pass', (pattern, text, expected) => {
    expect(compileSafeRegex(pattern).test(text)).toBe(expected);
  });

  it('reads only the first MAX_INPUT_CHARS characters of a text', () => {
    const safe = compileSafeRegex('needle');
    expect(safe.test(`${'x'.repeat(MAX_INPUT_CHARS - 6)}needle`)).toBe(true);
    expect(safe.test(`${'x'.repeat(MAX_INPUT_CHARS)}needle`)).toBe(false);
  });

  it('reads \\uXXXX and \\u{…} escapes as the characters, and an escaped backslash as one', () => {
    expect(compileSafeRegex('caf\\u00e9').test('café')).toBe(true);
    expect(compileSafeRegex('\\u{1F389}', 'u').test('party 🎉')).toBe(true);
    expect(compileSafeRegex('\\\\u00e9').test('\\u00e9')).toBe(true);
    expect(compileSafeRegex('\\\\u00e9').test('é')).toBe(false);
  });

  it.each([
    { pattern: '(x)\\1', reason: 'unsupported' },
    { pattern: '(?<n>x)\\k<n>', reason: 'unsupported' },
    { pattern: 'foo(?=bar)', reason: 'unsupported' },
    { pattern: '(?<!a)b', reason: 'unsupported' },
    { pattern: '(', reason: 'missing closing )' },
    { pattern: 'a)', reason: 'unexpected )' },
    { pattern: '[', reason: 'missing closing ]' },
    { pattern: '', reason: 'empty' },
    { pattern: 'a'.repeat(513), reason: 'longer than 512' },
  ])('rejects $pattern ($reason)', ({ pattern, reason }) => {
    expect(() => compileSafeRegex(pattern)).toThrow(UnsafePatternError);
    expect(() => compileSafeRegex(pattern)).toThrow(reason);
  });

  it.each(['g', 'y', 'x', 'd'])('rejects the %s flag', (flag) => {
    expect(() => compileSafeRegex('a', flag)).toThrow('unsupported flags');
  });
});

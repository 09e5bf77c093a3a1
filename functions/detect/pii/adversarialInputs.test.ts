import { describe, expect, it } from 'vitest';
import { detectPii } from './detectPii.ts';
import { seededRandom } from '../../common/seededRandom.ts';

/**
 * Inputs built to trigger catastrophic backtracking or edge cases in the recognizers. They
 * must finish (the per-test timeout is only a safety net, not a performance assertion) and
 * never throw; any finding must lie inside the text.
 */
const MEGABYTE = 1 << 20;
const repeatTo = (unit: string, length: number): string =>
  unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** `length` characters of distinct 3-3-4 digit groups (no verdict is cached twice). */
function randomDigitGroups(length: number): string {
  const random = seededRandom(7);
  const digits = (count: number) =>
    Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
  const groups: string[] = [];
  for (let size = 0; size < length; size += 13)
    groups.push(`${digits(3)} ${digits(3)} ${digits(4)}`);
  return groups.join(' ').slice(0, length);
}

const ADVERSARIAL_INPUTS: Array<[string, string]> = [
  ['a megabyte of digits', repeatTo('7', MEGABYTE)],
  ['a megabyte of at-signs', repeatTo('@', MEGABYTE)],
  ['a megabyte of dots', repeatTo('.', MEGABYTE)],
  ['a megabyte of nested quotes', repeatTo(`"'“‘`, MEGABYTE)],
  ['a megabyte of mixed punctuation and digits', repeatTo('a1@.-:+(0) ', MEGABYTE)],
  ['an email local part that never ends', `${repeatTo('ab.cd+', MEGABYTE)}@`],
  ['a domain that never ends', `a@${repeatTo('b.', MEGABYTE)}`],
  ['colons and hex digits', repeatTo('abcd:', MEGABYTE)],
  ['spaced digit pairs', repeatTo('12 ', MEGABYTE / 4)],
  // One run of phone-shaped groups after a phone word: every part after the first is read with
  // its evidence, up to the text's budget of readings.
  ['phone-shaped groups after a phone word', `call ${randomDigitGroups(MEGABYTE)}`],
  ['SSNs between card-length numbers', repeatTo('536-22-8709;123412341234;', MEGABYTE)],
  ['IBAN-like groups', repeatTo('GB82 ', MEGABYTE / 2)],
  ['capitalised words', repeatTo('Anna Via ', MEGABYTE / 2)],
  ['address-like lines', repeatTo('12 Main Street\n Apt. 4\n', MEGABYTE / 2)],
  ['lone surrogates', repeatTo('\ud800x\udc00', MEGABYTE / 4)],
  ['control characters', repeatTo('\u0000\u0001\u001f\u007f', MEGABYTE / 4)],
];

describe('detectPii on adversarial input', () => {
  it.each(ADVERSARIAL_INPUTS)(
    'finishes on %s',
    (_name, text) => {
      // Act
      const findings = detectPii(text);

      // Assess
      expect(Array.isArray(findings)).toBe(true);
      for (const finding of findings) {
        expect(finding.start).toBeGreaterThanOrEqual(0);
        expect(finding.end).toBeLessThanOrEqual(text.length);
        expect(finding.end).toBeGreaterThan(finding.start);
      }
    },
    120_000,
  );

  it.each([
    ['empty', ''],
    ['a lone high surrogate', '\ud800'],
    ['a lone low surrogate before an email', '\udc00a@example.com'],
    ['only control characters', '\u0000\u0008\u001b'],
    ['only whitespace', ' \n\t\r '],
    ['a single letter', 'A'],
    ['a single digit', '7'],
  ])('never throws on %s', (_name, text) => {
    expect(() => detectPii(text)).not.toThrow();
  });

  it('still finds PII next to lone surrogates and control characters', () => {
    // Prepare
    const text = '\ud800\u0000 mail jane@example.com \udc00';

    // Act
    const findings = detectPii(text);

    // Assess
    expect(findings.map((finding) => text.slice(finding.start, finding.end))).toEqual([
      'jane@example.com',
    ]);
  });

  it('returns nothing for a value that is not a string', () => {
    expect(detectPii(undefined as unknown as string)).toEqual([]);
  });

  it('keeps its output contract on random strings of tricky characters', () => {
    // Prepare
    const random = seededRandom(99);
    const alphabet = [
      ...'0123456789 @.:-+()/#,\n\'"Aa',
      'Mr. ',
      'Via ',
      ' Street',
      'GB82',
      '::',
      '\ud800',
      '\udc00',
      'é',
      '😀',
      '\u0000',
    ];
    const texts = Array.from({ length: 500 }, () =>
      Array.from(
        { length: Math.floor(random() * 120) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join(''),
    );

    for (const text of texts) {
      // Act
      const findings = detectPii(text);

      // Assess
      let previousEnd = 0;
      for (const finding of findings) {
        expect(finding.start).toBeGreaterThanOrEqual(previousEnd);
        expect(finding.end).toBeGreaterThan(finding.start);
        expect(finding.end).toBeLessThanOrEqual(text.length);
        expect(finding.score).toBeGreaterThanOrEqual(0.5);
        expect(finding.score).toBeLessThanOrEqual(1);
        previousEnd = finding.end;
      }
    }
  });
});

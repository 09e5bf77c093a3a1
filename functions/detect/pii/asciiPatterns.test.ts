import { describe, expect, it } from 'vitest';
import { asciiTwin, hasOnlyAsciiLetters } from './asciiPatterns.ts';
import { generateSyntheticCases } from './syntheticPiiCases.ts';

const UNICODE_PATTERNS = [
  /\p{Lu}[\p{L}\p{M}'’-]{0,40}\.?(?:[ ]\p{Lu}[\p{L}\p{M}'’-]{0,40}\.?){0,5}/gu,
  /(?=[\d\p{Lu}u])(?<![\w.,/-])\d{1,6}[ ]\p{Lu}[\p{L}\p{M}'’-]{0,30}\.?[ ]\d{1,5}/gu,
];

const matchesOf = (pattern: RegExp, text: string) =>
  [...text.matchAll(pattern)].map((match) => [match.index, match[0]]);

describe('asciiTwin', () => {
  const texts = [
    ...generateSyntheticCases(3, 3).map((item) => item.text),
    'Ship to 1600 Pennsylvania Avenue — "Thanks, Thelma O’Neil" 12 Via Roma 131',
    'Open Orders → 48213 → Delivery 😀 Ask Anna Smith 😀, 12 Main Street ✓ Via Roma 131 \ud800',
  ].filter(hasOnlyAsciiLetters);

  it.each(UNICODE_PATTERNS.map((pattern) => [pattern.source, pattern]))(
    'finds what %s finds in text whose letters are ASCII',
    (_source, pattern) => {
      // Prepare
      const twin = asciiTwin(pattern as RegExp);

      // Act / Assess
      for (const text of texts)
        expect(matchesOf(twin, text)).toEqual(matchesOf(pattern as RegExp, text));
    },
  );

  it('tells ASCII-letter text (with typographic punctuation) from other text', () => {
    expect(hasOnlyAsciiLetters('It’s “fine” — really')).toBe(true);
    expect(hasOnlyAsciiLetters('Szöllösy')).toBe(false);
    expect(hasOnlyAsciiLetters('Λεωφόρος')).toBe(false);
    expect(hasOnlyAsciiLetters('Orders → 48213 ✓ 😀 \ud800')).toBe(true);
    expect(hasOnlyAsciiLetters('Cafe\u0301 → 12')).toBe(false);
    expect(hasOnlyAsciiLetters('😀 𝐀nna')).toBe(false);
  });

  it('refuses a pattern it cannot translate', () => {
    expect(() => asciiTwin(/\p{N}/u)).toThrow();
  });
});

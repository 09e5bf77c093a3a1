import { describe, expect, it } from 'vitest';
import { codePointToUtf16Offsets, evaluatePii } from './evaluatePii.ts';
import { passesLuhn } from './recognizeCreditCard.ts';
import { passesIbanChecksum } from './recognizeIban.ts';
import { seededRandom } from '../../common/seededRandom.ts';
import { generateSyntheticCases, makeCard, makeIban } from './syntheticPiiCases.ts';

describe('codePointToUtf16Offsets', () => {
  it('maps code point offsets past astral characters to UTF-16 offsets', () => {
    // Prepare
    const text = 'a😀b';

    // Act
    const offsets = codePointToUtf16Offsets(text);

    // Assess
    expect(offsets).toEqual([0, 1, 3, 4]);
  });
});

describe('evaluatePii', () => {
  it('counts overlap matches, address parts and false positives per type', () => {
    // Prepare
    const text =
      'Mail jane@example.com, ship to 974 Via Roma 131\n Montafia\n Italy 39767. Thanks, Thelma Mitchell';
    const at = (value: string) => ({
      start: text.indexOf(value),
      end: text.indexOf(value) + value.length,
    });
    const cases = [
      {
        id: 'one',
        text,
        spans: [
          { type: 'EMAIL_ADDRESS', ...at('jane@example.com') },
          { type: 'STREET_ADDRESS', ...at('974 Via Roma 131') },
          { type: 'GPE', ...at('Montafia') },
          { type: 'ZIP_CODE', ...at('39767') },
        ],
      },
    ];

    // Act
    const { scores } = evaluatePii(cases);
    const byType = Object.fromEntries(scores.map((score) => [score.type, score]));

    // Assess
    expect(byType.EMAIL).toMatchObject({
      labelled: 1,
      found: 1,
      exact: 1,
      reported: 1,
      correct: 1,
    });
    expect(byType.STREET_ADDRESS).toMatchObject({ labelled: 1, found: 1, reported: 1, correct: 1 });
    expect(byType.LOCATION).toMatchObject({ labelled: 1, found: 1 });
    expect(byType.PERSON).toMatchObject({ labelled: 0, reported: 1, correct: 0, precision: 0 });
  });
});

describe('generateSyntheticCases', () => {
  it('is deterministic for a seed and labels values where they are', () => {
    // Act
    const first = generateSyntheticCases(42, 5);
    const second = generateSyntheticCases(42, 5);

    // Assess
    expect(first).toEqual(second);
    for (const item of first) {
      for (const span of item.spans) {
        expect(span.start).toBeGreaterThanOrEqual(0);
        expect(span.end).toBeLessThanOrEqual(item.text.length);
      }
    }
  });

  it('makes near misses that fail the checksums the valid values pass', () => {
    // Prepare
    const random = seededRandom(7);
    const compact = (value: string) => value.replace(/[ -]/g, '');

    // Act
    const cards = Array.from({ length: 50 }, () => [
      makeCard(random, true),
      makeCard(random, false),
    ]);
    const ibans = Array.from({ length: 50 }, () => [
      makeIban(random, true),
      makeIban(random, false),
    ]);

    // Assess
    for (const [valid, invalid] of cards) {
      expect(passesLuhn(compact(valid!))).toBe(true);
      expect(passesLuhn(compact(invalid!))).toBe(false);
    }
    for (const [valid, invalid] of ibans) {
      expect(passesIbanChecksum(compact(valid!))).toBe(true);
      expect(passesIbanChecksum(compact(invalid!))).toBe(false);
    }
  });
});

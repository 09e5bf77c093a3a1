import { describe, expect, it } from 'vitest';
import { segmentText, shiftRanges } from './highlightText.ts';

describe('segmentText', () => {
  it('marks a finding where it sits', () => {
    const text = 'mail me at ada@example.com today';

    const segments = segmentText(text, [{ start: 11, end: 26, label: 'EMAIL' }]);

    expect(segments).toEqual([
      { text: 'mail me at ', marks: [] },
      { text: 'ada@example.com', marks: ['EMAIL'] },
      { text: ' today', marks: [] },
    ]);
  });

  it('marks overlaps with every label and keeps all the text', () => {
    const text = 'abcdefgh';

    const segments = segmentText(text, [
      { start: 1, end: 5, label: 'A' },
      { start: 3, end: 7, label: 'B' },
    ]);

    expect(segments.map((segment) => segment.text).join('')).toBe(text);
    expect(segments).toEqual([
      { text: 'a', marks: [] },
      { text: 'bc', marks: ['A'] },
      { text: 'de', marks: ['A', 'B'] },
      { text: 'fg', marks: ['B'] },
      { text: 'h', marks: [] },
    ]);
  });

  it.each([
    [
      'beyond the end',
      { start: 5, end: 500 },
      [
        { text: 'hello', marks: [] },
        { text: ' world', marks: ['X'] },
      ],
    ],
    [
      'negative start',
      { start: -10, end: 5 },
      [
        { text: 'hello', marks: ['X'] },
        { text: ' world', marks: [] },
      ],
    ],
    ['empty', { start: 3, end: 3 }, [{ text: 'hello world', marks: [] }]],
    ['reversed', { start: 8, end: 2 }, [{ text: 'hello world', marks: [] }]],
    ['NaN', { start: Number.NaN, end: 4 }, [{ text: 'hello world', marks: [] }]],
  ])('survives a range %s', (_name, range, expected) => {
    expect(segmentText('hello world', [{ ...range, label: 'X' }])).toEqual(expected);
  });

  it('never splits a surrogate pair', () => {
    const text = 'a😀b';

    const segments = segmentText(text, [{ start: 2, end: 4, label: 'X' }]);

    expect(segments).toEqual([
      { text: 'a', marks: [] },
      { text: '😀b', marks: ['X'] },
    ]);
    for (const segment of segments) expect(segment.text.isWellFormed()).toBe(true);
  });

  it('caps the number of ranges it honours', () => {
    const ranges = Array.from({ length: 10_000 }, (_, index) => ({
      start: index,
      end: index + 1,
      label: 'X',
    }));

    const segments = segmentText('x'.repeat(20_000), ranges, 100);

    expect(segments.filter((segment) => segment.marks.length > 0)).toHaveLength(1);
    expect(segments[0]?.text).toHaveLength(100);
  });
});

describe('shiftRanges', () => {
  it('keeps the ranges inside a slice, relative to it', () => {
    expect(
      shiftRanges(
        [
          { start: 0, end: 5, label: 'A' },
          { start: 8, end: 30, label: 'B' },
          { start: 40, end: 50, label: 'C' },
        ],
        10,
        20,
      ),
    ).toEqual([{ start: 0, end: 20, label: 'B' }]);
  });
});

/**
 * Lone surrogates are replaced in every string of a row, keys included, without touching the
 * row given; a clean row comes back as the same object (nothing copied).
 */
import { describe, expect, it } from 'vitest';
import { wellFormedStrings } from './wellFormedStrings.ts';

const broken = 'cut 😀'.slice(0, -1);
const fixed = 'cut \ufffd';

describe('wellFormedStrings', () => {
  it('returns a clean row as the very same object', () => {
    const row = {
      name: 'ok 😀',
      tags: ['a', 'b'],
      metadata: { key: 'value' },
      count: 3,
      none: null,
    };

    expect(wellFormedStrings(row)).toBe(row);
  });

  it('fixes strings at every depth and in keys, copying only what changes', () => {
    const row = {
      name: broken,
      tags: ['fine', broken],
      metadata: { [broken]: 'value', other: broken },
      untouched: { deep: ['x'] },
      count: 1,
    };
    const before = structuredClone(row);

    const result = wellFormedStrings(row);

    expect(result).toEqual({
      name: fixed,
      tags: ['fine', fixed],
      metadata: { [fixed]: 'value', other: fixed },
      untouched: { deep: ['x'] },
      count: 1,
    });
    expect(row).toEqual(before);
    expect(result.untouched).toBe(row.untouched);
  });

  it('leaves the values of the keys it is told to skip unread, and fixes the rest', () => {
    const row = { input_messages: `["${broken}"]`, input_text: broken };

    const result = wellFormedStrings(row, new Set(['input_messages']));

    expect(result).toEqual({ input_messages: `["${broken}"]`, input_text: fixed });
  });
});

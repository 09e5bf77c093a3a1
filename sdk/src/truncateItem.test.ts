import { describe, expect, it } from 'vitest';
import { buildScore, buildSpan } from '../../test/helpers/factories.ts';
import { ItemSchema, WIRE_LIMITS, type ItemInput } from './contract/index.ts';
import { truncateItem, truncateText } from './truncateItem.ts';

const long = (length: number) => 'x'.repeat(length);
const message = (content: string) => ({
  role: 'user' as const,
  parts: [{ type: 'text' as const, content }],
});

describe('truncateItem', () => {
  it('returns an item that already fits unchanged', () => {
    const span = buildSpan();
    expect(truncateItem(span)).toEqual({ item: span, truncated: false });
  });

  it.each<[string, Partial<ItemInput>]>([
    ['a long name', { name: long(1_000) }],
    ['a long user id', { userId: long(1_000) }],
    ['a long model', { requestModel: long(1_000) }],
    ['a long environment', { environment: long(100) }],
    ['a long release', { release: long(500) }],
    ['too many tags', { tags: Array.from({ length: 100 }, (_, i) => `tag-${i}`) }],
    ['a long tag', { tags: [long(500)] }],
    [
      'too many metadata entries',
      { metadata: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])) },
    ],
    ['a long metadata value', { metadata: { note: long(10_000) } }],
    ['a long prompt name and version', { prompt: { name: long(500), version: long(100) } }],
    ['too many messages', { inputMessages: Array.from({ length: 3_000 }, () => message('hi')) }],
    [
      'too many parts',
      {
        inputMessages: [
          {
            role: 'user',
            parts: Array.from({ length: 300 }, () => ({ type: 'text' as const, content: 'p' })),
          },
        ],
      },
    ],
    ['a huge message', { inputMessages: [message(long(WIRE_LIMITS.maxTextChars * 2))] }],
  ])('fits a span with %s to the contract, marked as truncated', (_label, overrides) => {
    const span = { ...buildSpan(), ...overrides } as ItemInput;
    expect(ItemSchema.safeParse(span).success).toBe(false);
    const { item, truncated } = truncateItem(span);
    expect(truncated).toBe(true);
    const parsed = ItemSchema.safeParse(item);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(JSON.stringify(item)).toContain('[sightline:');
    expect(item.type === 'span' && item.truncated).toBe(true);
  });

  it('fits a score with a long string value and name', () => {
    const score = { ...buildScore(), name: long(1_000), value: long(5_000) };
    const { item, truncated } = truncateItem(score);
    expect(truncated).toBe(true);
    expect(ItemSchema.safeParse(item).success).toBe(true);
  });

  it('does not modify the caller’s object', () => {
    const span = buildSpan({ tags: Array.from({ length: 100 }, (_, i) => `t${i}`) });
    const before = JSON.stringify(span);
    truncateItem(span);
    expect(JSON.stringify(span)).toBe(before);
  });
});

describe('truncateText', () => {
  it('never cuts a character in two', () => {
    const emojis = '😀'.repeat(500);
    for (let max = 40; max < 80; max += 1) {
      const cut = truncateText(emojis, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.isWellFormed()).toBe(true);
    }
  });
});

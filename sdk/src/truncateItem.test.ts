import { describe, expect, it } from 'vitest';
import { buildScore, buildSpan } from '../../test/helpers/factories.ts';
import { ItemSchema, WIRE_LIMITS, type ItemInput } from './contract/index.ts';
import { fitItemWithin, truncateItem, truncateText } from './truncateItem.ts';

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

  const rows = (count: number) =>
    Array.from({ length: count }, (_, id) => ({ id, name: `row${id}` }));
  const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { d: nested(depth - 1) });

  it.each<[string, Partial<ItemInput>, RegExp]>([
    [
      'a tool result that is a 60,000-row array',
      {
        inputMessages: [
          {
            role: 'tool',
            parts: [{ type: 'tool_call_response', id: 'c1', response: rows(60_000) }],
          },
        ],
      },
      /"…\[sightline: 50001 more entries truncated\]"\]/,
    ],
    [
      'tool arguments nested 100 deep',
      {
        outputMessages: [
          { role: 'assistant', parts: [{ type: 'tool_call', name: 'f', arguments: nested(100) }] },
        ],
      },
      /"…\[sightline: deeper values truncated\]"/,
    ],
    [
      'tool arguments with 20,000 keys',
      {
        outputMessages: [
          {
            role: 'assistant',
            parts: [
              {
                type: 'tool_call',
                name: 'f',
                arguments: Object.fromEntries(rows(20_000).map((row) => [row.name, row.id])),
              },
            ],
          },
        ],
      },
      /"sightline\.truncated":"…\[sightline: 10001 more entries truncated\]"/,
    ],
    [
      'a metadata value that is an object',
      { metadata: { rows: rows(1_000) as never } },
      /"rows":"\[\{\\"id\\":0.*…\[sightline: truncated \d+ characters\]"/,
    ],
  ])('cuts %s to the contract with a marker, never dropping it', (_label, overrides, marker) => {
    // Prepare
    const span = { ...buildSpan(), ...overrides } as ItemInput;
    // Act
    const { item, truncated } = truncateItem(span);
    // Assess
    expect(truncated).toBe(true);
    const parsed = ItemSchema.safeParse(item);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(JSON.stringify(item)).toMatch(marker);
    expect(item.type === 'span' && item.truncated).toBe(true);
  });

  it('counts every character a value lost when it is cut a second time', () => {
    const once = truncateText('x'.repeat(1_000_000), 200_000);
    const twice = truncateText(once, 4_096);
    const removed = Number(/truncated (\d+) characters/.exec(twice)?.[1]);
    const keptChars = twice.indexOf('…');
    expect(twice.length).toBeLessThanOrEqual(4_096);
    expect(removed).toBe(1_000_000 - keptChars);
  });

  it('shrinks an item until it fits, down to its ids and times with content markers', () => {
    // Prepare: 2,000 messages of 10 parts each are within the contract's counts, yet far
    // larger than a record.
    const parts = Array.from({ length: 10 }, () => ({
      type: 'text' as const,
      content: 'y'.repeat(100),
    }));
    const span = buildSpan({
      inputMessages: Array.from({ length: 2_000 }, () => ({ role: 'user' as const, parts })),
      metadata: { note: 'kept if it can be' },
    });
    const sizes: number[] = [];
    // Act: a budget no cut of the content meets.
    let accepted: ItemInput | undefined;
    const truncated = fitItemWithin(span, (candidate) => {
      const size = JSON.stringify(candidate).length;
      sizes.push(size);
      if (size > 2_000) return false;
      accepted = candidate;
      return true;
    });
    // Assess
    expect(truncated).toBe(true);
    expect(sizes.length).toBeGreaterThan(2);
    expect(ItemSchema.safeParse(accepted).success).toBe(true);
    expect(accepted).toMatchObject({ traceId: span.traceId, spanId: span.spanId, truncated: true });
    expect(JSON.stringify(accepted)).toContain('messages truncated: the item was too large');
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

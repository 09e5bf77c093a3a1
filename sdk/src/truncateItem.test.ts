import { describe, expect, it } from 'vitest';
import { buildScore, buildSpan } from '../../test/helpers/factories.ts';
import { ItemSchema, WIRE_LIMITS, type ItemInput } from './contract/index.ts';
import {
  PLACEHOLDER_NAME,
  conformItem,
  fitItemWithin,
  truncateItem,
  truncateText,
} from './truncateItem.ts';

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
    ['a long finish reason', { finishReasons: [long(100)] }],
    ['too many finish reasons', { finishReasons: Array.from({ length: 100 }, () => 'stop') }],
    ['a long stop sequence', { request: { stopSequences: [long(2_000)] } }],
    [
      'too many stop sequences',
      { request: { stopSequences: Array.from({ length: 100 }, () => 's') } },
    ],
    ['a long output type', { request: { outputType: long(100) } }],
    [
      'a long tool name, call id and type',
      { tool: { name: long(500), callId: long(500), type: long(100) } },
    ],
    [
      'a long message finish reason',
      { outputMessages: [{ role: 'assistant', finishReason: long(100), parts: [] }] },
    ],
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

describe('conformItem', () => {
  it('returns an item the contract accepts as it is, the same object', () => {
    const span = buildSpan();
    const score = buildScore();
    expect(conformItem(span).item).toBe(span);
    expect(conformItem(score).item).toBe(score);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a trace id that is not 32 hex characters', { traceId: 'ABC' }],
    ['an all-zero span id', { spanId: '0'.repeat(16) }],
    ['a start time in seconds', { startTime: 1_700_000_000 }],
    ['an end time after 2100', { endTime: 5e12 }],
    ['no start time', { startTime: undefined }],
  ])('refuses a span with %s, saying why', (_label, overrides) => {
    const conformed = conformItem({ ...buildSpan(), ...overrides } as ItemInput);
    expect(conformed.item).toBeUndefined();
    expect(conformed.refused).toMatch(/span/);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a value that is NaN', { value: NaN }],
    ['a value that is an object', { value: { stars: 4 } }],
    ['a trace id that is not 32 hex characters', { traceId: 'abc' }],
    ['a span id that is not 16 hex characters', { spanId: 'abc' }],
    ['an empty score id', { scoreId: '' }],
    ['a timestamp that is not epoch milliseconds', { timestamp: 'now' }],
  ])('refuses a score with %s, saying why', (_label, overrides) => {
    const conformed = conformItem({ ...buildScore(), ...overrides } as ItemInput);
    expect(conformed.item).toBeUndefined();
    expect(conformed.refused).toMatch(/score/);
  });

  it('ends a span that ends before it starts at its start, and drops a parent id it cannot take', () => {
    const span = buildSpan({ parentSpanId: 'nope' });
    const conformed = conformItem({ ...span, endTime: span.startTime - 5 });
    expect(conformed.item).toMatchObject({ startTime: span.startTime, endTime: span.startTime });
    expect(conformed.item).not.toHaveProperty('parentSpanId');
    expect(ItemSchema.safeParse(conformed.item).success).toBe(true);
  });

  it('names a span, a tool call and a tool that have no name with the placeholder', () => {
    const span = {
      ...buildSpan({ name: '' }),
      tool: { name: '' },
      outputMessages: [{ role: 'assistant', parts: [{ type: 'tool_call', name: '' }] }],
    } as ItemInput;
    const { item } = conformItem(span);
    expect(item).toMatchObject({
      name: PLACEHOLDER_NAME,
      tool: { name: PLACEHOLDER_NAME },
      outputMessages: [{ parts: [{ name: PLACEHOLDER_NAME }] }],
    });
  });

  it('does not modify the caller’s objects', () => {
    const metadata = { orgId: null, ratio: NaN };
    const messages = [{ role: 'developer', parts: [{ type: 'text', content: null }] }];
    const span = { ...buildSpan(), metadata, inputMessages: messages } as unknown as ItemInput;
    const before = JSON.stringify(span);
    const { item } = conformItem(span);
    expect(JSON.stringify(span)).toBe(before);
    expect(ItemSchema.safeParse(item).success).toBe(true);
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

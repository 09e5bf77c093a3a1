import { describe, expect, it } from 'vitest';
import {
  jsonNestsDeeperThan,
  parseMessagesColumn,
  parsePartsColumn,
  prettyJson,
  prettyJsonValue,
} from './parseMessages.ts';

describe('parseMessagesColumn', () => {
  it.each([
    ['', { kind: 'empty' }],
    ['[]', { kind: 'empty' }],
    ['null', { kind: 'empty' }],
  ])('reads %j as empty', (text, expected) => {
    expect(parseMessagesColumn(text)).toEqual(expected);
  });

  it.each([
    ['{"role":', 'not valid JSON'],
    ['{"role":"user"}', 'not a JSON array'],
  ])('returns %j as raw text (%s)', (text, reason) => {
    expect(parseMessagesColumn(text)).toEqual({ kind: 'raw', text, reason });
  });

  it('reads wire-contract messages and keeps unrecognised ones and parts as raw JSON', () => {
    const text = JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'hi <script>alert(1)</script>' }] },
      {
        role: 'assistant',
        finishReason: 'tool_calls',
        parts: [
          { type: 'tool_call', id: 'call_1', name: 'search', arguments: '{"q":"x"}' },
          { type: 'hologram', content: 'future part type' },
        ],
      },
      { nope: true },
    ]);

    const parsed = parseMessagesColumn(text);

    expect(parsed.kind).toBe('items');
    if (parsed.kind !== 'items') return;
    const [user, assistant, unknown] = parsed.items;
    expect(user).toMatchObject({
      kind: 'message',
      role: 'user',
      parts: [{ kind: 'part', part: { type: 'text', content: 'hi <script>alert(1)</script>' } }],
    });
    expect(assistant).toMatchObject({ kind: 'message', finishReason: 'tool_calls' });
    if (assistant?.kind !== 'message') return;
    expect(assistant.parts[0]).toMatchObject({ kind: 'part', part: { type: 'tool_call' } });
    expect(assistant.parts[1]).toMatchObject({ kind: 'unrecognised' });
    expect(unknown).toMatchObject({ kind: 'unrecognised' });
  });
});

describe('parsePartsColumn', () => {
  it('reads system instructions as parts', () => {
    const parsed = parsePartsColumn('[{"type":"text","content":"Be brief."}]');

    expect(parsed).toEqual({
      kind: 'items',
      items: [{ kind: 'part', part: { type: 'text', content: 'Be brief.' } }],
    });
  });
});

describe('prettyJsonValue', () => {
  it.each([
    ['{"q":"x"}', '{\n  "q": "x"\n}'],
    ['{broken', '{broken'],
    ['plain text', 'plain text'],
  ])('formats %j', (input, expected) => {
    expect(prettyJsonValue(input)).toBe(expected);
  });

  it('pretty-prints objects', () => {
    expect(prettyJsonValue({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
  });
});

describe('hostile JSON', () => {
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it.each([
    [deep(10), false],
    [deep(65), true],
    ['{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', false],
    ['"\\\\"' + deep(70), true],
    ['"\\"[[["', false],
  ])('jsonNestsDeeperThan(%j, 64) is %s', (text, expected) => {
    expect(jsonNestsDeeperThan(text, 64)).toBe(expected);
  });

  it('shows deeply nested values as their raw text instead of recursing', () => {
    const text = deep(100_000);

    expect(prettyJsonValue(text)).toBe(text);
    expect(parseMessagesColumn(text)).toEqual({
      kind: 'raw',
      text,
      reason: 'nested more than 64 levels deep',
    });
  });

  it('never throws on values JSON cannot format', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let nested: unknown = [];
    for (let level = 0; level < 200_000; level += 1) nested = [nested];

    expect(prettyJson(circular)).toMatch(/cannot be displayed/);
    expect(prettyJson(nested)).toMatch(/cannot be displayed/);
  });
});

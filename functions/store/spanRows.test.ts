import { SpanItemSchema } from '@sightline/sdk/contract';
import { describe, expect, it } from 'vitest';
import { buildSpan } from '../../test/helpers/factories.ts';
import { messagesText, toSpanRow, type SpanSource } from './spanRows.ts';

describe('messagesText', () => {
  it('joins every text-bearing part, system first, one per line, skipping empty ones', () => {
    const text = messagesText(
      [
        { role: 'user', parts: [{ type: 'text', content: 'Weather?' }] },
        {
          role: 'assistant',
          parts: [
            { type: 'reasoning', content: 'Use the tool.' },
            { type: 'text', content: '' },
            { type: 'tool_call', name: 'weather', arguments: { city: 'Oslo' } },
            { type: 'tool_call', name: 'now' },
          ],
        },
        {
          role: 'tool',
          parts: [
            { type: 'tool_call_response', response: 'sunny' },
            { type: 'tool_call_response', response: { deg: -3 } },
            { type: 'media', mimeType: 'image/png', bytes: 9 },
          ],
        },
      ],
      [{ type: 'text', content: 'Be brief.' }],
    );
    expect(text).toBe(
      'Be brief.\nWeather?\nUse the tool.\nweather({"city":"Oslo"})\nnow()\nsunny\n{"deg":-3}',
    );
  });

  it('is empty for no messages and for parts without text', () => {
    expect(messagesText()).toBe('');
    expect(messagesText([{ role: 'user', parts: [{ type: 'media' }] }])).toBe('');
    expect(messagesText([{ role: 'user', parts: [{ type: 'text', content: '' }] }])).toBe('');
  });
});

describe('toSpanRow', () => {
  it('stores only well-formed strings: JSON columns escape lone surrogates, text columns replace them', () => {
    const broken = 'cut 😀'.slice(0, -1);
    const span = SpanItemSchema.parse({
      ...buildSpan({ name: broken }),
      request: { stopSequences: [broken] },
      systemInstructions: [{ type: 'text', content: broken }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: broken }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: broken }] }],
      prompt: { name: 'p', version: 1, variables: { [broken]: broken } },
      metadata: { [broken]: broken },
    });
    const source: SpanSource = {
      projectId: 'acme',
      ingestKeyId: 'ik_1',
      sdkName: 'test',
      sdkVersion: '1',
      shardId: 'shard-0',
      sequenceNumber: '1',
      ingestedAt: Date.UTC(2026, 10, 27),
      retentionDays: 30,
    };

    const row = toSpanRow(span, source);

    const strings: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') strings.push(value);
      else if (value !== null && typeof value === 'object')
        for (const [key, entry] of Object.entries(value)) {
          strings.push(key);
          collect(entry);
        }
    };
    collect(row);
    expect(strings.every((value) => value.isWellFormed())).toBe(true);
    expect(row.input_messages).toContain('\\ud83d');
    expect(JSON.parse(row.input_messages)).toEqual(span.inputMessages);
    expect(row.input_text).toBe('cut \ufffd\ncut \ufffd');
    expect(row.name).toBe('cut \ufffd');
    expect(row.metadata).toEqual({ 'cut \ufffd': 'cut \ufffd' });
  });
});

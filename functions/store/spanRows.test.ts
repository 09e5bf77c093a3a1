import { describe, expect, it } from 'vitest';
import { messagesText } from './spanRows.ts';

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

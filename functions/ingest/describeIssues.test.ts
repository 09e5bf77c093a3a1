/**
 * Dead-letter details name where an item failed, never what it held: not its values, and not
 * the producer's own keys (metadata keys, prompt-variable names), which are free text too.
 */
import { describe, expect, it } from 'vitest';
import { describeIssues } from './describeIssues.ts';
import { parseItem } from './parseItem.ts';

const base = {
  type: 'span',
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  name: 'chat',
  startTime: 1_760_000_000_000,
  endTime: 1_760_000_001_000,
};

function detailOf(item: Record<string, unknown>): string {
  const parsed = parseItem(structuredClone(item));
  if (parsed.success) throw new Error('expected the item to be invalid');
  return describeIssues(parsed.error.issues, 'items.0.');
}

describe('describeIssues', () => {
  it.each([
    [
      { metadata: { 'patient jane.doe@example.com ssn 536-22-8741': 'x'.repeat(5_000) } },
      'items.0.metadata.[key]: Too big',
    ],
    [
      { prompt: { name: 'p', version: 1, variables: { 'jane.doe@example.com': 5 } } },
      'items.0.prompt.variables.[key]: Invalid input',
    ],
    [{ metadata: { 'call +1 415 555 2671': { nested: 1 } } }, 'items.0.metadata.[key]:'],
  ])('shows a producer key as [key]: %j', (extra, expected) => {
    const detail = detailOf({ ...base, ...extra });

    expect(detail).toContain(expected);
    for (const secret of ['jane', '536-22', '415 555', 'patient', 'call']) {
      expect(detail).not.toContain(secret);
    }
  });

  it('keeps the contract’s field names and array indices', () => {
    const detail = detailOf({
      ...base,
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 7 }] }],
      usage: { inputTokens: -1 },
    });

    expect(detail).toContain('items.0.inputMessages.0.parts.0.content:');
    expect(detail).toContain('items.0.usage.inputTokens:');
  });
});

import { describe, expect, it } from 'vitest';
import type { FindingView } from '../api/operations.ts';
import { spanHighlights } from './findingLocations.ts';

function buildFinding(overrides: Partial<FindingView> = {}): FindingView {
  return {
    spanId: 'b7ad6b7169203331',
    category: 'pii',
    type: 'EMAIL',
    field: 'input',
    messageIndex: 0,
    partIndex: 0,
    start: 3,
    end: 10,
    score: 0.9,
    detector: 'pii@1',
    ...overrides,
  };
}

describe('spanHighlights', () => {
  it('locates findings by field, message and part', () => {
    const highlights = spanHighlights([
      buildFinding(),
      buildFinding({
        field: 'output_messages',
        messageIndex: 1,
        partIndex: 2,
        type: 'PHONE_NUMBER',
      }),
      buildFinding({ field: 'system_instructions', messageIndex: 0, partIndex: 1, type: 'SECRET' }),
    ]);

    expect(highlights.input(0, 0)).toEqual([
      { start: 3, end: 10, label: 'EMAIL (pii, score 0.90)' },
    ]);
    expect(highlights.input(0, 1)).toEqual([]);
    expect(highlights.output(1, 2)[0]?.label).toMatch(/^PHONE_NUMBER/);
    expect(highlights.system(-1, 1)[0]?.label).toMatch(/^SECRET/);
    expect(highlights.elsewhere).toEqual([]);
  });

  it('keeps findings of fields it cannot show apart', () => {
    const odd = buildFinding({ field: 'metadata.note' });

    expect(spanHighlights([odd]).elsewhere).toEqual([odd]);
  });
});

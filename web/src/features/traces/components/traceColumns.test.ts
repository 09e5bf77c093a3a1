import { describe, expect, it } from 'vitest';
import { defaultColumnVisibility, preview, readColumnVisibility } from './traceColumns.ts';

describe('preview', () => {
  it.each([
    ['plain', 'plain'],
    ['line\nbreak\r\n\ttab', 'line break tab'],
    ['bell\u0007 nul\u0000 del\u007f sep\u2028end', 'bell  nul  del  sep end'],
    ['<script>alert(1)</script>', '<script>alert(1)</script>'],
  ])('%j → %j', (text, expected) => {
    expect(preview(text)).toBe(expected);
  });

  it('cuts long text to one bounded line without splitting characters', () => {
    const result = preview('😀'.repeat(100_000));

    expect(result.length).toBeLessThanOrEqual(161);
    expect(result.endsWith('…')).toBe(true);
    expect(result.isWellFormed()).toBe(true);
  });
});

describe('readColumnVisibility', () => {
  it.each([
    [null],
    ['not json'],
    ['[1,2]'],
    ['{"__proto__":{"polluted":true}}'],
    ['{"toString":true}'],
  ])('falls back to the defaults for %j', (stored) => {
    expect(readColumnVisibility(stored)).toEqual(defaultColumnVisibility());
  });

  it('applies known columns and ignores unknown ones', () => {
    const visibility = readColumnVisibility('{"traceId":true,"name":false,"evil":true}');

    expect(visibility.traceId).toBe(true);
    expect(visibility.name).toBe(false);
    expect(visibility).not.toHaveProperty('evil');
  });
});

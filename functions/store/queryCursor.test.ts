import { describe, expect, it } from 'vitest';
import { WIRE_LIMITS } from '@sightline/sdk/contract';
import { decodeCursor, encodeCursor, MAX_CURSOR_CHARS } from './queryCursor.ts';
import { InvalidCursorError } from './queryErrors.ts';

const SCOPE = 'users:cost:desc';
const max = WIRE_LIMITS.maxIdentifierChars;

describe('query cursors', () => {
  it.each([
    ['ASCII', 'u'.repeat(max)],
    ['CJK', '用'.repeat(max)],
    ['emoji (surrogate pairs)', '😀'.repeat(max / 2)],
    ['control characters (escaped by JSON)', '\u0001'.repeat(max)],
    ['quotes and backslashes', '"\\'.repeat(max / 2)],
  ])('round-trips the longest %s id the wire contract admits', (_kind, id) => {
    const cursor = encodeCursor({ scope: 'x'.repeat(100), after: 12.5, id });

    const decoded = decodeCursor(cursor, 'x'.repeat(100));

    expect(cursor.length).toBeLessThanOrEqual(MAX_CURSOR_CHARS);
    expect(decoded).toEqual({ v: 1, scope: 'x'.repeat(100), after: 12.5, id });
  });

  it('refuses an id longer than the contract admits, a cursor too long, or another scope', () => {
    const tooLongId = encodeCursor({ scope: SCOPE, after: 1, id: 'u'.repeat(max + 1) });
    const otherScope = encodeCursor({ scope: 'traces:start_time:desc', after: 1, id: 'u' });

    expect(() => decodeCursor(tooLongId, SCOPE)).toThrow(InvalidCursorError);
    expect(() => decodeCursor('A'.repeat(MAX_CURSOR_CHARS + 1), SCOPE)).toThrow(InvalidCursorError);
    expect(() => decodeCursor(otherScope, SCOPE)).toThrow(/different list/);
  });
});

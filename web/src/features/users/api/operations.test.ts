import { describe, expect, it } from 'vitest';
import { WIRE_LIMITS } from '@sightline/sdk/contract';
import { encodeCursor } from '../../../../../functions/store/queryCursor.ts';
import { TracePageQuerySchema, UserListQuerySchema } from './operations.ts';

describe('users API query schemas', () => {
  it.each([
    ['ASCII', 'u'.repeat(WIRE_LIMITS.maxIdentifierChars)],
    ['CJK', '用'.repeat(WIRE_LIMITS.maxIdentifierChars)],
    ['control-character', '\u0001'.repeat(WIRE_LIMITS.maxIdentifierChars)],
  ])('accept the cursor of the longest %s user id the contract admits', (_kind, id) => {
    const cursor = encodeCursor({ scope: 'users:cost:desc', after: 12.5, id });

    const users = UserListQuerySchema.safeParse({ cursor });
    const traces = TracePageQuerySchema.safeParse({ cursor });

    expect(users.success && users.data.cursor).toBe(cursor);
    expect(traces.success && traces.data.cursor).toBe(cursor);
  });
});

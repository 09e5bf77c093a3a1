/**
 * Opaque keyset cursors for paginated lists: base64url JSON of the last row's sort value and
 * id, bound to the list and sort it came from. Decoding validates everything; anything else
 * is an InvalidCursorError, never a query.
 */
import { z } from 'zod';
import { InvalidCursorError } from './queryErrors.ts';

const CursorSchema = z.object({
  v: z.literal(1),
  /** Which list and sort issued it, e.g. `traces:start_time:desc`. */
  scope: z.string().max(100),
  /** The sort value of the last row returned (a number, or epoch microseconds for times). */
  after: z.number().finite(),
  /** The id of the last row returned, the tie-breaker. */
  id: z.string().max(200),
});

export type QueryCursor = z.infer<typeof CursorSchema>;

export function encodeCursor(cursor: Omit<QueryCursor, 'v'>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...cursor })).toString('base64url');
}

export function decodeCursor(text: string, scope: string): QueryCursor {
  if (text.length > 1_000 || !/^[A-Za-z0-9_-]+$/.test(text)) throw new InvalidCursorError();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = CursorSchema.safeParse(value);
  if (!parsed.success) throw new InvalidCursorError();
  if (parsed.data.scope !== scope) {
    throw new InvalidCursorError('The cursor belongs to a different list or sort order');
  }
  return parsed.data;
}

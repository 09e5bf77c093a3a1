/**
 * Opaque keyset cursors for paginated lists: base64url JSON of the last row's sort value and
 * id, bound to the list and sort it came from. Decoding validates everything; anything else
 * is an InvalidCursorError, never a query.
 */
import { z } from 'zod';
import { WIRE_LIMITS } from '@sightline/sdk/contract';
import { InvalidCursorError } from './queryErrors.ts';

/**
 * The longest cursor accepted, here and in the API's query schemas. A cursor must carry any id
 * the wire contract admits (a producer's user id, up to 256 UTF-16 units): at worst every unit
 * is a control character JSON writes as `\u00XX` (6 bytes), so ~1,540 bytes of id plus a
 * 100-character scope, ~2,300 characters of base64url. A tighter limit once made a 201-character
 * (or 256 CJK character) user id end the Users list at that row (security review 10).
 */
export const MAX_CURSOR_CHARS = 4_096;

const CursorSchema = z.object({
  v: z.literal(1),
  /** Which list and sort issued it, e.g. `traces:start_time:desc`. */
  scope: z.string().max(100),
  /** The sort value of the last row returned (a number, or epoch microseconds for times). */
  after: z.number().finite(),
  /** The id of the last row returned, the tie-breaker: any id the contract admits. */
  id: z.string().max(WIRE_LIMITS.maxIdentifierChars),
});

export type QueryCursor = z.infer<typeof CursorSchema>;

export function encodeCursor(cursor: Omit<QueryCursor, 'v'>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...cursor })).toString('base64url');
}

export function decodeCursor(text: string, scope: string): QueryCursor {
  if (text.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(text))
    throw new InvalidCursorError();
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

/**
 * Limits sign-in attempts per email address (and password changes per user), on top of
 * better-auth's per-client-address limit: a client can send any X-Forwarded-For it likes, so
 * the address alone does not stop password guessing against one account. Counters live in the
 * auth table (rateLimit records) so every web process shares them. Two attempts racing may
 * both pass; the limit is a brake on guessing, not an exact quota.
 */
import type { AuthRecordStore } from '../../../../../functions/control/authRecordStore.ts';
import { normalizeEmail } from '../../../../../functions/control/authUsers.ts';

export interface ThrottleDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

interface AttemptLimit {
  maxAttempts: number;
  windowSeconds: number;
  now?: number;
}

export function recordSignInAttempt(
  store: AuthRecordStore,
  input: AttemptLimit & { email: string },
): Promise<ThrottleDecision> {
  return recordAttempt(store, `email:${normalizeEmail(input.email)}`, input);
}

/**
 * Attempts to change a user's password check the current password as sign-in does, so a stolen
 * session cannot guess it freely. They have a counter of their own: changing a password spends
 * none of the sign-in attempts.
 */
export function recordPasswordChangeAttempt(
  store: AuthRecordStore,
  input: AttemptLimit & { userId: string },
): Promise<ThrottleDecision> {
  return recordAttempt(store, `change-password:${input.userId}`, input);
}

async function recordAttempt(
  store: AuthRecordStore,
  id: string,
  input: AttemptLimit,
): Promise<ThrottleDecision> {
  const now = input.now ?? Date.now();
  const existing = await store.get('rateLimit', id);
  const windowMs = input.windowSeconds * 1000;
  const windowStart = typeof existing?.windowStart === 'number' ? existing.windowStart : 0;
  const count = typeof existing?.count === 'number' ? existing.count : 0;
  if (!existing || now - windowStart >= windowMs) {
    await store.put('rateLimit', { id, key: id, count: 1, windowStart: now, lastRequest: now });
    return { allowed: true, retryAfterSeconds: 0 };
  }
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
  if (count >= input.maxAttempts) return { allowed: false, retryAfterSeconds };
  await store.put('rateLimit', { id, key: id, count: count + 1, windowStart, lastRequest: now });
  return { allowed: true, retryAfterSeconds: 0 };
}

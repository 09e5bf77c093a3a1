/**
 * Serverless flushing: wait for the buffer to drain, but never longer than the platform allows,
 * and hand the flush to a platform's `waitUntil` where one exists so the response is not held.
 */
import type { Sightline } from '../Sightline.ts';

/** Resolves `true` once everything buffered was sent (or given up), `false` on timeout. */
export async function flushWithin(sightline: Sightline, timeoutMs: number): Promise<boolean> {
  if (timeoutMs <= 0) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([sightline.flush().then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For runtimes with `waitUntil` (Vercel functions, Cloudflare Workers, Next.js `after`): the
 * flush runs after the response is sent, and the runtime keeps the instance alive for it.
 */
export function flushInBackground(
  sightline: Sightline,
  waitUntil: (promise: Promise<unknown>) => void,
): void {
  try {
    waitUntil(sightline.flush());
  } catch (error) {
    sightline.reportError(error);
  }
}

/**
 * Delays of the runner: exponential back-off with jitter, and sleeps that end early when the
 * runner stops so `stop()` never waits out a back-off and leaves no timer behind.
 */
import type { BackoffRange } from './types.ts';

/**
 * "Equal jitter": half the capped exponential delay is fixed and half random, so retries of
 * many shards spread out while no retry comes back almost immediately against a service
 * that is down. `attempt` starts at 1.
 */
export function computeBackoffMs(
  attempt: number,
  range: BackoffRange,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const cap = Math.min(range.maxMs, range.baseMs * 2 ** exponent);
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

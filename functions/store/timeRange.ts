/**
 * Validation of the time ranges every read repository takes, and their bound parameters.
 * Times reach ClickHouse as epoch milliseconds (`{fromMs:Int64}`), never as formatted text.
 */
import { InvalidQueryError } from './queryErrors.ts';

export interface TimeRange {
  from: Date;
  to: Date;
}

/** The longest range any list or dashboard query accepts. */
export const MAX_RANGE_DAYS = 400;

export function rangeParams(range: TimeRange): { fromMs: number; toMs: number } {
  const fromMs = range.from.getTime();
  const toMs = range.to.getTime();
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) {
    throw new InvalidQueryError('The time range needs valid from and to dates');
  }
  if (toMs <= fromMs) throw new InvalidQueryError('The time range must end after it starts');
  if (toMs - fromMs > MAX_RANGE_DAYS * 86_400_000) {
    throw new InvalidQueryError(`The time range may span at most ${MAX_RANGE_DAYS} days`);
  }
  return { fromMs, toMs };
}

export function requireLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${max}`);
  }
  return limit;
}

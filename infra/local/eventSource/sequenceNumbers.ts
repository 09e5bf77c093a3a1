/**
 * Orders Kinesis sequence numbers. They are decimal strings of up to 128 bits: as JavaScript
 * numbers they lose precision and as strings "9" sorts after "10", so they compare as BigInt.
 */

const DECIMAL = /^\d+$/;

export function isSequenceNumber(value: unknown): value is string {
  // BigInt('') is 0n, so the shape is checked before converting.
  return typeof value === 'string' && DECIMAL.test(value);
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareSequenceNumbers(a: string, b: string): number {
  const left = BigInt(a);
  const right = BigInt(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

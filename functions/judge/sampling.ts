/**
 * Which traces are judged: decided from the trace id alone (SHA-256 → [0, 1)), so every
 * function instance and every redelivery of a batch makes the same choice, and a trace's
 * spans are judged together or not at all.
 */
import { createHash } from 'node:crypto';

/** The trace's position in [0, 1), stable across processes. */
export function traceSamplePoint(traceId: string): number {
  return createHash('sha256').update(traceId).digest().readUInt32BE(0) / 2 ** 32;
}

export function isTraceSampled(traceId: string, sampleRate: number): boolean {
  if (!(sampleRate > 0)) return false;
  if (sampleRate >= 1) return true;
  return traceSamplePoint(traceId) < sampleRate;
}

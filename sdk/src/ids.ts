/**
 * W3C-compatible trace and span ids (lower-case hex, never all zeros).
 */
import { randomBytes } from 'node:crypto';

function randomHex(bytes: number): string {
  for (;;) {
    const id = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(id)) return id;
  }
}

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);

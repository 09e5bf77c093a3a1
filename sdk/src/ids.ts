/**
 * W3C-compatible trace and span ids (lower-case hex, never all zeros). Ids are cut from a
 * pool of random bytes refilled 4 KiB at a time, because one `randomBytes` call per id costs
 * more than the rest of starting a span.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4_096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

function randomHex(bytes: number): string {
  for (;;) {
    if (offset + bytes > POOL_BYTES) {
      randomFillSync(pool);
      offset = 0;
    }
    const id = pool.toString('hex', offset, offset + bytes);
    offset += bytes;
    if (!/^0+$/.test(id)) return id;
  }
}

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);

/**
 * Types shared by the SDK's transports.
 */
import type { ItemInput } from '../contract/index.ts';

export interface TransportStats {
  /** Items waiting in the buffer. */
  queued: number;
  /** Items accepted by the stream. */
  sent: number;
  /** Items given up on (buffer overflow, unserialisable, retries exhausted), all counted. */
  dropped: number;
  /** Record-level retries after a throttled or failed PutRecords entry. */
  retried: number;
  /** Items whose text was truncated to fit the limits. */
  truncated: number;
}

export interface Transport {
  enqueue(item: ItemInput): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
  stats(): TransportStats;
}

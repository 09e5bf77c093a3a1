/**
 * Types shared by the SDK's transports.
 */
import type { ItemInput } from '../contract/index.ts';

/** An item, or a function that builds it later on the transport's background drain. */
export type QueuedItem = ItemInput | (() => ItemInput);

export interface TransportStats {
  /** Items waiting in the buffer. */
  queued: number;
  /** Estimated bytes waiting in the buffer. */
  queuedBytes: number;
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
  /** Never throws and never waits: the item is buffered (or dropped and counted). */
  enqueue(item: QueuedItem): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
  stats(): TransportStats;
}

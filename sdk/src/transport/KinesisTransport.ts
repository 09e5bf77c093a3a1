/**
 * Sends items to a Kinesis stream: buffers them (bounded, with counted drops), aggregates
 * many items per record, signs and compresses records, and puts them with PutRecords,
 * retrying only the entries that failed, with jittered exponential back-off. Nothing here
 * throws into the caller or awaits the network on the caller's path.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { randomBytes } from 'node:crypto';
import { WIRE_LIMITS, type ItemInput } from '../contract/index.ts';
import { truncateItem } from '../truncateItem.ts';
import {
  encodeRecord,
  groupItems,
  MAX_ITEMS_BYTES,
  type EncodedRecord,
  type RecordSigner,
} from './encodeRecords.ts';
import type { Transport, TransportStats } from './types.ts';

/** PutRecords accepts at most 500 entries and 5 MiB per request. */
const PUT_RECORDS_MAX_ENTRIES = 500;
const PUT_RECORDS_MAX_BYTES = 5 * 1_048_576;

export interface KinesisTransportOptions {
  client: KinesisClient;
  streamName: string;
  signer: RecordSigner;
  /** Flush when this many items are queued. */
  maxBatchItems?: number;
  flushIntervalMs?: number;
  /** Items buffered at most; beyond it the oldest are dropped and counted. */
  maxQueueItems?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  gzip?: boolean;
  onError?: (error: unknown) => void;
}

interface PendingRecord {
  record: EncodedRecord;
  partitionKey: string;
}

export class KinesisTransport implements Transport {
  readonly #options: Required<Omit<KinesisTransportOptions, 'onError'>> &
    Pick<KinesisTransportOptions, 'onError'>;
  #queue: ItemInput[] = [];
  #draining: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #closed = false;
  readonly #stats: Omit<TransportStats, 'queued'> = {
    sent: 0,
    dropped: 0,
    retried: 0,
    truncated: 0,
  };

  constructor(options: KinesisTransportOptions) {
    this.#options = {
      maxBatchItems: 500,
      flushIntervalMs: 1_000,
      maxQueueItems: 10_000,
      maxRetries: 8,
      retryBaseMs: 100,
      retryMaxMs: 5_000,
      gzip: true,
      ...options,
    };
    this.#timer = setInterval(() => this.#scheduleDrain(), this.#options.flushIntervalMs);
    this.#timer.unref();
  }

  enqueue(item: ItemInput): void {
    if (this.#closed) {
      this.#stats.dropped += 1;
      return;
    }
    if (this.#queue.length >= this.#options.maxQueueItems) {
      this.#queue.shift();
      this.#stats.dropped += 1;
    }
    this.#queue.push(item);
    if (this.#queue.length >= this.#options.maxBatchItems) this.#scheduleDrain();
  }

  stats(): TransportStats {
    return { queued: this.#queue.length, ...this.#stats };
  }

  flush(): Promise<void> {
    return this.#enqueueDrain();
  }

  async shutdown(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
    this.#closed = true;
  }

  #scheduleDrain(): void {
    if (this.#scheduled || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#enqueueDrain();
    });
  }

  #enqueueDrain(): Promise<void> {
    this.#draining = this.#draining
      .then(() => this.#drain())
      .catch((error: unknown) => this.#report(error));
    return this.#draining;
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // A throwing error callback must not break the transport.
    }
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const items = this.#queue.splice(0, PUT_RECORDS_MAX_ENTRIES * 10);
      const jsons = items.flatMap((item) => this.#serialise(item));
      const records: PendingRecord[] = [];
      for (const group of groupItems(jsons)) {
        records.push({
          record: await encodeRecord(group, this.#options.signer, { gzip: this.#options.gzip }),
          partitionKey: randomBytes(8).toString('hex'),
        });
      }
      await this.#put(records);
    }
  }

  /** Serialises one item, truncating its text until it fits a record; [] if it never can. */
  #serialise(item: ItemInput): string[] {
    try {
      let maxChars: number = WIRE_LIMITS.maxTextChars;
      let { item: candidate, truncated } = truncateItem(item, maxChars);
      let json = JSON.stringify(candidate);
      while (Buffer.byteLength(json) > MAX_ITEMS_BYTES && maxChars > 64) {
        maxChars = Math.floor(maxChars / 2);
        ({ item: candidate, truncated } = truncateItem(item, maxChars));
        json = JSON.stringify(candidate);
      }
      if (truncated) this.#stats.truncated += 1;
      if (Buffer.byteLength(json) > MAX_ITEMS_BYTES)
        throw new Error('item too large even after truncation');
      return [json];
    } catch (error) {
      this.#stats.dropped += 1;
      this.#report(error);
      return [];
    }
  }

  async #put(records: PendingRecord[]): Promise<void> {
    let pending = records;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) {
        if (attempt > this.#options.maxRetries) {
          this.#stats.dropped += pending.reduce((sum, entry) => sum + entry.record.itemCount, 0);
          this.#report(
            new Error(
              `gave up on ${pending.length} records after ${this.#options.maxRetries} retries`,
            ),
          );
          return;
        }
        this.#stats.retried += pending.length;
        const ceiling = Math.min(
          this.#options.retryMaxMs,
          this.#options.retryBaseMs * 2 ** (attempt - 1),
        );
        await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
      }
      const failed: PendingRecord[] = [];
      for (const chunk of chunkForPutRecords(pending)) {
        try {
          const response = await this.#options.client.send(
            new PutRecordsCommand({
              StreamName: this.#options.streamName,
              Records: chunk.map((entry) => ({
                Data: entry.record.data,
                PartitionKey: entry.partitionKey,
              })),
            }),
          );
          (response.Records ?? []).forEach((result, index) => {
            const entry = chunk[index];
            if (!entry) return;
            if (result.ErrorCode) failed.push(entry);
            else this.#stats.sent += entry.record.itemCount;
          });
        } catch (error) {
          this.#report(error);
          failed.push(...chunk);
        }
      }
      pending = failed;
    }
  }
}

function chunkForPutRecords(records: PendingRecord[]): PendingRecord[][] {
  const chunks: PendingRecord[][] = [];
  let current: PendingRecord[] = [];
  let bytes = 0;
  for (const entry of records) {
    const size = entry.record.data.length + entry.partitionKey.length;
    if (
      current.length > 0 &&
      (current.length >= PUT_RECORDS_MAX_ENTRIES || bytes + size > PUT_RECORDS_MAX_BYTES)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Sends items to a Kinesis stream: buffers them (bounded by count and by estimated bytes,
 * overflow dropped by policy and counted), then on a background drain builds, fits, serialises,
 * aggregates, signs and compresses them into records and puts them with PutRecords, retrying
 * only the entries that failed (throttling included) with jittered exponential back-off.
 *
 * The caller's path only pushes onto an array. The drain works in slices of well under a
 * millisecond and yields to the event loop between them, keeps records small enough that
 * signing one stays under the same budget, and compresses on libuv's thread pool, so the host's
 * event loop is never held for long.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { randomBytes } from 'node:crypto';
import { WIRE_LIMITS, type ItemInput } from '../contract/index.ts';
import { truncateItem } from '../truncateItem.ts';
import {
  encodeRecord,
  groupItems,
  MAX_ITEMS_BYTES,
  DEFAULT_GZIP_LEVEL,
  type EncodedRecord,
  type RecordSigner,
} from './encodeRecords.ts';
import type { QueuedItem, Transport, TransportStats } from './types.ts';

/** PutRecords accepts at most 500 entries and 5 MiB per request. */
const PUT_RECORDS_MAX_ENTRIES = 500;
const PUT_RECORDS_MAX_BYTES = 5 * 1_048_576;
/**
 * Serialised JSON gathered per drain round before it is encoded and put, and the bytes of one
 * PutRecords request: the AWS SDK serialises and signs (hashes) a request body synchronously, so
 * a 5 MiB request would hold the host's event loop for several milliseconds.
 */
const ROUND_MAX_BYTES = 1_048_576;
const DEFAULT_MAX_REQUEST_BYTES = 512 * 1_024;
const ROUND_MAX_ITEMS = 5_000;
/** What a deferred item is assumed to weigh until it is built. */
const DEFERRED_ITEM_BYTES = 2_048;

export type OverflowPolicy = 'drop-oldest' | 'drop-newest';

export interface KinesisTransportOptions {
  client: KinesisClient;
  streamName: string;
  signer: RecordSigner;
  /** Start a drain when this many items are queued. */
  maxBatchItems?: number;
  flushIntervalMs?: number;
  /** Items buffered at most; beyond it items are dropped by `overflow` and counted. */
  maxQueueItems?: number;
  /** Estimated bytes buffered at most. */
  maxQueueBytes?: number;
  overflow?: OverflowPolicy;
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  gzip?: boolean;
  /** gzip level (1 fastest … 9 smallest). Default 1. */
  gzipLevel?: number;
  /** Bytes of record data per PutRecords request (Kinesis allows 5 MiB). Default 512 KiB. */
  maxRequestBytes?: number;
  /** Uncompressed bytes per record; small enough that signing one takes well under 1 ms. */
  recordTargetBytes?: number;
  /** How long one slice of background serialisation may hold the event loop. */
  sliceMs?: number;
  onError?: (error: unknown) => void;
}

interface PendingRecord {
  record: EncodedRecord;
  partitionKey: string;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A cheap upper-bound guess of an item's serialised size, without serialising it. */
export function estimateItemBytes(item: QueuedItem): number {
  if (typeof item === 'function') return DEFERRED_ITEM_BYTES;
  let bytes = 400;
  if (item.type !== 'span') return bytes + (item.comment?.length ?? 0);
  for (const messages of [item.inputMessages, item.outputMessages]) {
    if (!messages) continue;
    for (const message of messages) {
      bytes += 32;
      for (const part of message.parts) {
        bytes +=
          32 + ('content' in part && typeof part.content === 'string' ? part.content.length : 64);
      }
    }
  }
  for (const part of item.systemInstructions ?? [])
    bytes += 'content' in part && typeof part.content === 'string' ? part.content.length : 64;
  return bytes;
}

export class KinesisTransport implements Transport {
  readonly #options: Required<Omit<KinesisTransportOptions, 'onError'>> &
    Pick<KinesisTransportOptions, 'onError'>;
  #queue: QueuedItem[] = [];
  #sizes: number[] = [];
  #head = 0;
  #queuedBytes = 0;
  #draining: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #closed = false;
  readonly #stats: Omit<TransportStats, 'queued' | 'queuedBytes'> = {
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
      maxQueueBytes: 32 * 1_048_576,
      overflow: 'drop-oldest',
      maxRetries: 8,
      retryBaseMs: 100,
      retryMaxMs: 5_000,
      gzip: true,
      gzipLevel: DEFAULT_GZIP_LEVEL,
      maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
      recordTargetBytes: 256 * 1_024,
      sliceMs: 0.5,
      ...options,
    };
    this.#timer = setInterval(() => this.#scheduleDrain(), this.#options.flushIntervalMs);
    this.#timer.unref();
  }

  enqueue(item: QueuedItem): void {
    if (this.#closed) {
      this.#stats.dropped += 1;
      return;
    }
    const size = estimateItemBytes(item);
    if (!this.#makeRoom(size)) {
      this.#stats.dropped += 1;
      return;
    }
    this.#queue.push(item);
    this.#sizes.push(size);
    this.#queuedBytes += size;
    if (this.#length() >= this.#options.maxBatchItems) this.#scheduleDrain();
  }

  stats(): TransportStats {
    return { queued: this.#length(), queuedBytes: this.#queuedBytes, ...this.#stats };
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

  #length(): number {
    return this.#queue.length - this.#head;
  }

  /** Frees room for an item of `size` by the overflow policy; false when the item must go. */
  #makeRoom(size: number): boolean {
    const { maxQueueItems, maxQueueBytes, overflow } = this.#options;
    const full = () =>
      this.#length() >= maxQueueItems ||
      (this.#length() > 0 && this.#queuedBytes + size > maxQueueBytes);
    if (!full()) return true;
    if (overflow === 'drop-newest') return false;
    while (full() && this.#length() > 0) {
      this.#shift();
      this.#stats.dropped += 1;
    }
    return true;
  }

  #shift(): QueuedItem | undefined {
    if (this.#length() === 0) return undefined;
    const item = this.#queue[this.#head];
    this.#queuedBytes -= this.#sizes[this.#head] ?? 0;
    this.#head += 1;
    if (this.#head >= 1_024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  #scheduleDrain(): void {
    if (this.#scheduled || this.#length() === 0) return;
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
    while (this.#length() > 0) {
      const jsons: string[] = [];
      let bytes = 0;
      let sliceStart = performance.now();
      while (this.#length() > 0 && jsons.length < ROUND_MAX_ITEMS && bytes < ROUND_MAX_BYTES) {
        const json = this.#serialise(this.#shift()!);
        if (json !== undefined) {
          jsons.push(json);
          bytes += json.length;
        }
        if (performance.now() - sliceStart > this.#options.sliceMs) {
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
      }
      const records: PendingRecord[] = [];
      for (const group of groupItems(jsons, this.#options.recordTargetBytes)) {
        records.push({
          record: await encodeRecord(group, this.#options.signer, {
            gzip: this.#options.gzip,
            gzipLevel: this.#options.gzipLevel,
          }),
          partitionKey: randomBytes(8).toString('hex'),
        });
      }
      await this.#put(records);
    }
  }

  /** Builds and serialises one item, truncating text until it fits a record. */
  #serialise(queued: QueuedItem): string | undefined {
    try {
      const item: ItemInput = typeof queued === 'function' ? queued() : queued;
      let maxChars: number = WIRE_LIMITS.maxTextChars;
      let { item: candidate, truncated } = truncateItem(item, maxChars);
      let json = JSON.stringify(candidate);
      // A UTF-16 unit is at most 3 UTF-8 bytes: short JSON needs no byte count.
      const tooLarge = (text: string) =>
        text.length * 3 > MAX_ITEMS_BYTES && Buffer.byteLength(text) > MAX_ITEMS_BYTES;
      while (tooLarge(json) && maxChars > 64) {
        maxChars = Math.floor(maxChars / 2);
        ({ item: candidate, truncated } = truncateItem(item, maxChars));
        json = JSON.stringify(candidate);
      }
      if (truncated) this.#stats.truncated += 1;
      if (tooLarge(json)) throw new Error('item too large even after truncation');
      return json;
    } catch (error) {
      this.#stats.dropped += 1;
      this.#report(error);
      return undefined;
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
        await new Promise((resolve) =>
          setTimeout(resolve, ceiling / 2 + (Math.random() * ceiling) / 2),
        );
      }
      const failed: PendingRecord[] = [];
      for (const chunk of chunkForPutRecords(pending, this.#options.maxRequestBytes)) {
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
          const results = response.Records ?? [];
          chunk.forEach((entry, index) => {
            const result = results[index];
            if (!result || result.ErrorCode) failed.push(entry);
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

function chunkForPutRecords(records: PendingRecord[], maxRequestBytes: number): PendingRecord[][] {
  const maxBytes = Math.min(maxRequestBytes, PUT_RECORDS_MAX_BYTES);
  const chunks: PendingRecord[][] = [];
  let current: PendingRecord[] = [];
  let bytes = 0;
  for (const entry of records) {
    const size = entry.record.data.length + entry.partitionKey.length;
    if (
      current.length > 0 &&
      (current.length >= PUT_RECORDS_MAX_ENTRIES || bytes + size > maxBytes)
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

/**
 * The export work for batches of item frames, the same on whichever thread it runs (the export
 * worker, or the host's thread when no worker can be used): turn frames into JSON (fitting the
 * few items that may exceed the wire limits), group them into records, sign and compress the
 * records, put them with PutRecords and retry only the entries that failed (throttling
 * included) with jittered exponential back-off. Batches are exported one after another, in the
 * order given. Nothing here throws: every item ends up sent or dropped and counted.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { randomBytes } from 'node:crypto';
import { WIRE_LIMITS, type ItemInput } from '../contract/index.ts';
import { truncateItem } from '../truncateItem.ts';
import {
  DEFAULT_GZIP_LEVEL,
  MAX_ITEMS_BYTES,
  encodeRecordBytes,
  type EncodedRecord,
  type RecordSigner,
} from './encodeRecords.ts';
import {
  FrameKeys,
  forEachFrame,
  frameToItem,
  frameToJson,
  JsonBytes,
  type FrameBatch,
} from './itemFrames.ts';

/** PutRecords accepts at most 500 entries and 5 MiB per request. */
const PUT_RECORDS_MAX_ENTRIES = 500;
const PUT_RECORDS_MAX_BYTES = 5 * 1_048_576;
/** Records gathered before they are put: bounds the memory one large batch holds at once. */
const ROUND_MAX_BYTES = 1_048_576;

/** The serialisable settings of the export (everything but the client). */
export interface ExportSettings {
  streamName: string;
  signer: RecordSigner;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  gzip: boolean;
  gzipLevel: number;
  /** Bytes of record data per PutRecords request (Kinesis allows 5 MiB). */
  maxRequestBytes: number;
  /** Uncompressed bytes per record. */
  recordTargetBytes: number;
}

export const DEFAULT_EXPORT_SETTINGS: Omit<ExportSettings, 'streamName' | 'signer'> = {
  maxRetries: 8,
  retryBaseMs: 100,
  retryMaxMs: 5_000,
  gzip: true,
  gzipLevel: DEFAULT_GZIP_LEVEL,
  maxRequestBytes: 512 * 1_024,
  recordTargetBytes: 256 * 1_024,
};

export interface ExportPipelineOptions extends ExportSettings {
  client: KinesisClient;
  /**
   * How long one slice of work may hold the thread before yielding to its event loop: short on
   * the host's thread, `Infinity` in the export worker (nothing else runs there).
   */
  sliceMs: number;
  /** Compress on this thread (`sync`, in the worker) or on libuv's pool (`async`, on the host's). */
  compression: 'sync' | 'async';
  onError: (error: unknown) => void;
}

/** What became of a batch's items, and how much work it took. */
export interface BatchOutcome {
  sent: number;
  dropped: number;
  retried: number;
  truncated: number;
}

interface PendingRecord {
  record: EncodedRecord;
  partitionKey: string;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ExportPipeline {
  readonly #options: ExportPipelineOptions;
  /** Turning batches into records, one batch after another. */
  #encoding: Promise<unknown> = Promise.resolve();
  /** Putting records, in the order they were built; the next batch is built meanwhile. */
  #putting: Promise<unknown> = Promise.resolve();
  readonly #keys = new FrameKeys();

  constructor(options: ExportPipelineOptions) {
    this.#options = options;
  }

  /** Exports a batch after the ones given before it; resolves with its outcome, never rejects. */
  exportBatch(batch: FrameBatch): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { sent: 0, dropped: 0, retried: 0, truncated: 0 };
    const puts = this.#encoding.then(() => this.#encodeBatch(batch, outcome));
    this.#encoding = puts.catch(() => undefined);
    return puts
      .then((scheduled) => Promise.all(scheduled))
      .then(
        () => outcome,
        (error: unknown) => {
          // A bug, not a network failure: count what was not accounted for rather than lose it.
          outcome.dropped = Math.max(0, batch.count - outcome.sent - outcome.dropped);
          this.#report(error);
          return outcome;
        },
      );
  }

  /**
   * Builds the batch's records, about 1 MiB at a time, and schedules each round's put after the
   * puts before it; resolves once every record is built, with the scheduled puts.
   */
  async #encodeBatch(batch: FrameBatch, outcome: BatchOutcome): Promise<Promise<void>[]> {
    const frames = Buffer.from(batch.frames.buffer, batch.frames.byteOffset, batch.frames.length);
    const keys = this.#keys.update(batch.keys);
    const puts: Promise<void>[] = [];
    const newRecord = () => new JsonBytes(this.#options.recordTargetBytes + 4_096);
    let record = newRecord();
    let recordItems = 0;
    let round: Promise<EncodedRecord>[] = [];
    let roundBytes = 0;
    const finishRecord = (cutAt = record.length, carryFrom = record.length) => {
      // The record ends at `cutAt`; bytes from `carryFrom` on (an item that did not fit) start
      // the next one.
      const carried = record.buffer.subarray(carryFrom, record.length);
      record.length = cutAt;
      if (recordItems > 0) {
        record.byte(0x5d);
        roundBytes += record.length;
        round.push(this.#encode(record.buffer.subarray(0, record.length), recordItems));
      }
      record = newRecord();
      recordItems = 0;
      if (carried.length > 0) {
        record.byte(0x5b);
        record.ensure(carried.length);
        carried.copy(record.buffer, record.length);
        record.length += carried.length;
        recordItems = 1;
      }
    };
    const schedulePut = async () => {
      const records = await Promise.all(round);
      round = [];
      roundBytes = 0;
      const entries = records.map((encoded) => ({
        record: encoded,
        partitionKey: randomBytes(8).toString('hex'),
      }));
      const put = this.#putting.then(() => this.#put(entries, outcome));
      this.#putting = put;
      puts.push(put);
    };

    const starts: Array<[number, boolean]> = [];
    forEachFrame(frames, (start, _end, mayNeedFitting) => starts.push([start, mayNeedFitting]));
    let sliceStart = performance.now();
    for (const [start, mayNeedFitting] of starts) {
      if (recordItems >= WIRE_LIMITS.maxItemsPerRecord) finishRecord();
      const mark = record.length;
      record.byte(recordItems === 0 ? 0x5b : 0x2c);
      const itemStart = record.length;
      if (!this.#writeItem(frames, start, mayNeedFitting, keys, record, outcome)) {
        record.length = mark;
        continue;
      }
      recordItems += 1;
      if (record.length + 1 > this.#options.recordTargetBytes && recordItems > 1) {
        recordItems -= 1;
        finishRecord(mark, itemStart);
      }
      if (roundBytes >= ROUND_MAX_BYTES) await schedulePut();
      if (performance.now() - sliceStart > this.#options.sliceMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
    finishRecord();
    if (round.length > 0) await schedulePut();
    return puts;
  }

  /** Writes one item's JSON into `out`; false when the item had to be dropped (counted). */
  #writeItem(
    frames: Buffer,
    start: number,
    mayNeedFitting: boolean,
    keys: FrameKeys,
    out: JsonBytes,
    outcome: BatchOutcome,
  ): boolean {
    const itemStart = out.length;
    try {
      if (!mayNeedFitting) {
        frameToJson(frames, start, out, keys);
        if (out.length - itemStart <= MAX_ITEMS_BYTES) return true;
        out.length = itemStart;
      }
      out.text(this.#fit(frameToItem(frames, start, keys) as ItemInput, outcome));
      return true;
    } catch (error) {
      outcome.dropped += 1;
      this.#report(error);
      return false;
    }
  }

  /** Serialises an item, truncating its text until it fits a record. */
  #fit(item: ItemInput, outcome: BatchOutcome): string {
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
    if (tooLarge(json)) throw new Error('item too large even after truncation');
    if (truncated) outcome.truncated += 1;
    return json;
  }

  #encode(itemsBytes: Buffer, itemCount: number): Promise<EncodedRecord> {
    return encodeRecordBytes(itemsBytes, itemCount, this.#options.signer, {
      gzip: this.#options.gzip,
      gzipLevel: this.#options.gzipLevel,
      compression: this.#options.compression,
    });
  }

  #report(error: unknown): void {
    try {
      this.#options.onError(error);
    } catch {
      // A throwing error callback must not break the export.
    }
  }

  async #put(records: PendingRecord[], outcome: BatchOutcome): Promise<void> {
    const options = this.#options;
    let pending = records;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) {
        if (attempt > options.maxRetries) {
          outcome.dropped += pending.reduce((sum, entry) => sum + entry.record.itemCount, 0);
          this.#report(
            new Error(`gave up on ${pending.length} records after ${options.maxRetries} retries`),
          );
          return;
        }
        outcome.retried += pending.length;
        const ceiling = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (attempt - 1));
        await new Promise((resolve) =>
          setTimeout(resolve, ceiling / 2 + (Math.random() * ceiling) / 2),
        );
      }
      const failed: PendingRecord[] = [];
      for (const chunk of chunkForPutRecords(pending, options.maxRequestBytes)) {
        try {
          const response = await options.client.send(
            new PutRecordsCommand({
              StreamName: options.streamName,
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
            else outcome.sent += entry.record.itemCount;
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

/**
 * The export work for batches of item frames, the same on whichever thread it runs (the export
 * worker, or the host's thread when no worker can be used): turn frames into JSON (fitting the
 * few items that may exceed the wire limits), group them into records, sign and compress the
 * records, put them with PutRecords and retry only the entries that failed (throttling
 * included) with jittered exponential back-off. Batches are exported one after another, in the
 * order given. Nothing here throws: every item ends up sent or dropped and counted.
 */
import { randomBytes } from 'node:crypto';
import { WIRE_LIMITS, type ItemInput } from '../contract/index.ts';
import { fitItemWithin } from '../truncateItem.ts';
import {
  DEFAULT_GZIP_LEVEL,
  HEADER_ALLOWANCE,
  MAX_ITEMS_BYTES,
  encodeRecordBytes,
  type EncodedRecord,
  type RecordSigner,
} from './encodeRecords.ts';
import {
  FRAME_TRUNCATED,
  FrameKeys,
  forEachFrame,
  frameToItem,
  frameToJson,
  JsonBytes,
  type FrameBatch,
} from './itemFrames.ts';
import type { PutRecords } from './putRecords.ts';

/** PutRecords accepts at most 500 entries and 5 MiB per request. */
const PUT_RECORDS_MAX_ENTRIES = 500;
const PUT_RECORDS_MAX_BYTES = 5 * 1_048_576;
/** Raw JSON built before its records are queued: bounds what one large batch holds at once. */
const ROUND_MAX_BYTES = 1_048_576;

/** The serialisable settings of the export (everything but the client). */
export interface ExportSettings {
  streamName: string;
  signer: RecordSigner;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /**
   * Longest one PutRecords request may take before it counts as failed, whatever client sends
   * it. The AWS SDK's own `requestTimeout` only logs a warning unless the client sets
   * `throwOnRequestTimeout`, so an endpoint that took a request and never answered held it,
   * every request after it (one is in flight at a time) and every flush waiting, forever.
   */
  requestTimeoutMs: number;
  gzip: boolean;
  gzipLevel: number;
  /** Bytes of record data per PutRecords request (Kinesis allows 5 MiB). */
  maxRequestBytes: number;
  /** Uncompressed bytes per record. */
  recordTargetBytes: number;
  /** Longest a built record waits for more to share its PutRecords request. */
  maxHoldMs: number;
}

export const DEFAULT_EXPORT_SETTINGS: Omit<ExportSettings, 'streamName' | 'signer'> = {
  maxRetries: 8,
  retryBaseMs: 100,
  retryMaxMs: 5_000,
  requestTimeoutMs: 10_000,
  gzip: true,
  gzipLevel: DEFAULT_GZIP_LEVEL,
  maxRequestBytes: 512 * 1_024,
  recordTargetBytes: 256 * 1_024,
  maxHoldMs: 1_000,
};

export interface ExportPipelineOptions extends ExportSettings {
  /** Sends one PutRecords request (see `putRecords.ts`). */
  putRecords: PutRecords;
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

/** A batch being exported: resolved once it is built and each of its records settled. */
interface BatchState {
  outcome: BatchOutcome;
  /** Records not settled yet, plus one while the batch is still being built. */
  open: number;
  /** Items in built records or dropped while building. */
  accounted: number;
  resolve: (outcome: BatchOutcome) => void;
  /** Told of each retry as it is scheduled (the export worker relays it; see `exportBatch`). */
  onRetry: (() => void) | undefined;
}

interface PendingRecord {
  record: EncodedRecord;
  partitionKey: string;
  batch: BatchState;
  attempts: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ExportPipeline {
  readonly #options: ExportPipelineOptions;
  readonly #keys = new FrameKeys();
  /** Turning batches into records, one batch after another. */
  #encoding: Promise<unknown> = Promise.resolve();
  /**
   * Built records waiting for a PutRecords request. Records of several batches share one
   * request (requests go one at a time, and each costs a round trip and the signing of its
   * body): a request goes when a flush asks, when a request's worth is ready, or after
   * `maxHoldMs`.
   */
  #ready: PendingRecord[] = [];
  #readyBytes = 0;
  #urgent = false;
  #holdExpired = false;
  #holdTimer: NodeJS.Timeout | undefined;
  #sending = false;

  constructor(options: ExportPipelineOptions) {
    this.#options = options;
  }

  /**
   * Exports a batch; `urgent` (a flush) puts it, and everything built before it, at once.
   * Resolves with the batch's outcome once every item is sent or given up; never rejects.
   * `onRetry` is told of each record retry as it is scheduled, before the outcome: a thread that
   * dies before the batch settles has still made those requests.
   */
  exportBatch(batch: FrameBatch, urgent = false, onRetry?: () => void): Promise<BatchOutcome> {
    return new Promise((resolve) => {
      const state: BatchState = {
        outcome: { sent: 0, dropped: 0, retried: 0, truncated: 0 },
        open: 1,
        accounted: 0,
        resolve,
        onRetry,
      };
      this.#encoding = this.#encoding
        .then(() => this.#encodeBatch(batch, state))
        .catch((error: unknown) => {
          // A bug, not a network failure: count what was not accounted for rather than lose it.
          state.outcome.dropped += Math.max(0, batch.count - state.accounted);
          this.#report(error);
        })
        .then(() => {
          if (urgent) this.#urgent = true;
          this.#release(state);
          this.#pump();
        });
    });
  }

  /** Puts everything built so far, and everything being built now, without waiting. */
  flush(): void {
    this.#encoding = this.#encoding.then(() => {
      this.#urgent = true;
      this.#pump();
    });
  }

  /** Builds the batch's records and queues them for putting, about 1 MiB of JSON at a time. */
  async #encodeBatch(batch: FrameBatch, state: BatchState): Promise<void> {
    const frames = Buffer.from(batch.frames.buffer, batch.frames.byteOffset, batch.frames.length);
    const keys = this.#keys.update(batch.keys, batch.keysFrom);
    const outcome = state.outcome;
    // Items go after room for the record's header, which is written in front of them when they
    // are sent uncompressed (compressed items are framed anew behind it). With synchronous gzip
    // a record's bytes are consumed before `#encode` returns, so one buffer serves every record.
    const reuse = this.#options.gzip && this.#options.compression === 'sync';
    const newRecord = () => {
      const bytes = new JsonBytes(HEADER_ALLOWANCE + this.#options.recordTargetBytes + 4_096);
      bytes.length = HEADER_ALLOWANCE;
      return bytes;
    };
    let record = newRecord();
    let recordItems = 0;
    let round: Promise<EncodedRecord>[] = [];
    let roundBytes = 0;
    const finishRecord = (cutAt = record.length, carryFrom = record.length) => {
      // The record ends at `cutAt`; bytes from `carryFrom` on (an item that did not fit) start
      // the next one.
      const carriedEnd = record.length;
      record.length = cutAt;
      if (recordItems > 0) {
        record.byte(0x5d);
        roundBytes += record.length - HEADER_ALLOWANCE;
        round.push(
          this.#encode(record.buffer.subarray(HEADER_ALLOWANCE, record.length), recordItems),
        );
      }
      const previous = record.buffer;
      if (!reuse) record = newRecord();
      record.length = HEADER_ALLOWANCE;
      recordItems = 0;
      if (carriedEnd > carryFrom) {
        record.byte(0x5b);
        record.ensure(carriedEnd - carryFrom);
        previous.copy(record.buffer, record.length, carryFrom, carriedEnd);
        record.length += carriedEnd - carryFrom;
        recordItems = 1;
      }
    };
    const queueRound = async () => {
      const records = await Promise.all(round);
      round = [];
      roundBytes = 0;
      this.#queue(records, state);
    };

    const starts: Array<[number, boolean, boolean]> = [];
    forEachFrame(frames, (start, _end, mayNeedFitting, flags) =>
      starts.push([start, mayNeedFitting, (flags & FRAME_TRUNCATED) !== 0]),
    );
    let sliceStart = performance.now();
    for (const [start, mayNeedFitting, cutBefore] of starts) {
      if (recordItems >= WIRE_LIMITS.maxItemsPerRecord) finishRecord();
      const mark = record.length;
      record.byte(recordItems === 0 ? 0x5b : 0x2c);
      const itemStart = record.length;
      if (!this.#writeItem(frames, start, mayNeedFitting, cutBefore, keys, record, outcome)) {
        record.length = mark;
        state.accounted += 1;
        continue;
      }
      recordItems += 1;
      if (record.length + 1 > this.#options.recordTargetBytes && recordItems > 1) {
        recordItems -= 1;
        finishRecord(mark, itemStart);
      }
      if (roundBytes >= ROUND_MAX_BYTES) await queueRound();
      if (performance.now() - sliceStart > this.#options.sliceMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
    finishRecord();
    if (round.length > 0) await queueRound();
  }

  /**
   * Writes one item's JSON into `out`; false when the item had to be dropped (counted), which
   * only a corrupt frame causes. `cutBefore`: a value was cut when the frame was written.
   */
  #writeItem(
    frames: Buffer,
    start: number,
    mayNeedFitting: boolean,
    cutBefore: boolean,
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
      out.text(this.#fit(frameToItem(frames, start, keys) as ItemInput, cutBefore, outcome));
      return true;
    } catch (error) {
      outcome.dropped += 1;
      this.#report(error);
      return false;
    }
  }

  /** Serialises an item, cutting its values until it fits a record (see `fitItemWithin`). */
  #fit(item: ItemInput, cutBefore: boolean, outcome: BatchOutcome): string {
    if (cutBefore && item.type === 'span') item.truncated = true;
    // A UTF-16 unit is at most 3 UTF-8 bytes: short JSON needs no byte count.
    const fits = (text: string) =>
      text.length * 3 <= MAX_ITEMS_BYTES || Buffer.byteLength(text) <= MAX_ITEMS_BYTES;
    let json = '';
    const truncated = fitItemWithin(item, (candidate) => fits((json = JSON.stringify(candidate))));
    if (truncated || cutBefore) outcome.truncated += 1;
    return json;
  }

  #encode(itemsBytes: Buffer, itemCount: number): Promise<EncodedRecord> {
    return encodeRecordBytes(itemsBytes, itemCount, this.#options.signer, {
      gzip: this.#options.gzip,
      gzipLevel: this.#options.gzipLevel,
      compression: this.#options.compression,
      roomBefore: HEADER_ALLOWANCE,
    });
  }

  #report(error: unknown): void {
    try {
      this.#options.onError(error);
    } catch {
      // A throwing error callback must not break the export.
    }
  }

  #queue(records: EncodedRecord[], state: BatchState): void {
    for (const record of records) {
      state.open += 1;
      state.accounted += record.itemCount;
      this.#ready.push({
        record,
        partitionKey: randomBytes(8).toString('hex'),
        batch: state,
        attempts: 0,
      });
      this.#readyBytes += record.data.length;
    }
    this.#pump();
  }

  #release(state: BatchState): void {
    state.open -= 1;
    if (state.open === 0) state.resolve(state.outcome);
  }

  /** Sends one request when one is due and none is in flight; goes on until nothing is due. */
  #pump(): void {
    if (this.#sending) return;
    if (this.#ready.length === 0) {
      this.#urgent = false;
      return;
    }
    const due =
      this.#urgent ||
      this.#holdExpired ||
      this.#readyBytes >= this.#options.maxRequestBytes ||
      this.#ready.length >= PUT_RECORDS_MAX_ENTRIES;
    if (!due) {
      this.#holdTimer ??= setTimeout(() => {
        this.#holdTimer = undefined;
        this.#holdExpired = true;
        this.#pump();
      }, this.#options.maxHoldMs);
      return;
    }
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    this.#holdExpired = false;
    const request = takeRequest(this.#ready, this.#options.maxRequestBytes);
    for (const entry of request) this.#readyBytes -= entry.record.data.length;
    this.#sending = true;
    void this.#send(request).finally(() => {
      this.#sending = false;
      this.#pump();
    });
  }

  async #send(request: PendingRecord[]): Promise<void> {
    const failed: PendingRecord[] = [];
    try {
      const accepted = await this.#options.putRecords(
        this.#options.streamName,
        request.map((entry) => ({ data: entry.record.data, partitionKey: entry.partitionKey })),
        AbortSignal.timeout(this.#options.requestTimeoutMs),
      );
      request.forEach((entry, index) => {
        if (!accepted[index]) failed.push(entry);
        else {
          entry.batch.outcome.sent += entry.record.itemCount;
          this.#release(entry.batch);
        }
      });
    } catch (error) {
      this.#report(error);
      failed.push(...request);
    }
    if (failed.length > 0) this.#retryLater(failed);
  }

  /** Failed entries go back after a jittered exponential back-off, or are given up (counted). */
  #retryLater(failed: PendingRecord[]): void {
    const { maxRetries, retryBaseMs, retryMaxMs } = this.#options;
    const again: PendingRecord[] = [];
    let givenUp = 0;
    for (const entry of failed) {
      entry.attempts += 1;
      if (entry.attempts > maxRetries) {
        entry.batch.outcome.dropped += entry.record.itemCount;
        givenUp += 1;
        this.#release(entry.batch);
      } else {
        entry.batch.outcome.retried += 1;
        entry.batch.onRetry?.();
        again.push(entry);
      }
    }
    if (givenUp > 0)
      this.#report(new Error(`gave up on ${givenUp} records after ${maxRetries} retries`));
    if (again.length === 0) return;
    const attempts = Math.max(...again.map((entry) => entry.attempts));
    const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** (attempts - 1));
    setTimeout(
      () => {
        this.#ready.unshift(...again);
        for (const entry of again) this.#readyBytes += entry.record.data.length;
        this.#urgent = true;
        this.#pump();
      },
      ceiling / 2 + (Math.random() * ceiling) / 2,
    );
  }
}

/** Takes the oldest entries that fit one PutRecords request (500 entries, the byte limit). */
function takeRequest(ready: PendingRecord[], maxRequestBytes: number): PendingRecord[] {
  const maxBytes = Math.min(maxRequestBytes, PUT_RECORDS_MAX_BYTES);
  let count = 0;
  let bytes = 0;
  for (const entry of ready) {
    const size = entry.record.data.length + entry.partitionKey.length;
    if (count > 0 && (count >= PUT_RECORDS_MAX_ENTRIES || bytes + size > maxBytes)) break;
    count += 1;
    bytes += size;
  }
  return ready.splice(0, count);
}

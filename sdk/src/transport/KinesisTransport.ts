/**
 * Sends items to a Kinesis stream. The host's thread does only what must happen there: it
 * buffers each finished item (bounded by count and by bytes, overflow dropped by policy and
 * counted), and once per event-loop turn builds the turn's items (deferred attributes, the mask
 * hook), makes each one the wire contract accepts (`conformItem`: values normalised, or the item
 * refused and counted as dropped) and writes them as compact binary frames; a span the contract
 * takes as it is, the usual case, is checked as it is written (`ItemFrameWriter.writeSpan`). Batches of frames go to the export pipeline,
 * which by default runs in a worker thread: JSON, fitting to the wire limits, grouping into
 * records, signing, gzip, PutRecords and its retries all happen off the host's event loop.
 *
 * Items count against the bounds until they are sent or given up, wherever they are: waiting,
 * written as frames, or in flight in the exporter. Only items not yet in flight can be dropped;
 * when everything buffered is in flight, a new item is the one dropped (and counted).
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { ResourceLimits } from 'node:worker_threads';
import { WIRE_LIMITS, type ItemInput } from '../contract/index.ts';
import { createSdkKinesisClient, SightlineConfigError, type KinesisConnection } from '../config.ts';
import { conformItem, fitItemWithin } from '../truncateItem.ts';
import { InThreadBatchExporter, type BatchExporter, type ExportThread } from './BatchExporter.ts';
import {
  DEFAULT_EXPORT_SETTINGS,
  type BatchOutcome,
  type ExportSettings,
} from './ExportPipeline.ts';
import { MAX_ITEMS_BYTES, type RecordSigner } from './encodeRecords.ts';
import { ItemsDroppedError } from './errors.ts';
import { ItemFrameWriter, type FrameBatch } from './itemFrames.ts';
import type { QueuedItem, Transport, TransportStats } from './types.ts';
import { WorkerBatchExporter } from './WorkerBatchExporter.ts';

/** What a deferred item is assumed to weigh until it is built. */
const DEFERRED_ITEM_BYTES = 2_048;
/** Items built per slice of the end-of-turn work before the time is checked. */
const BUILD_CHECK_EVERY = 32;
/**
 * The most one item's frame may weigh: a larger one is cut (on the drain, not the caller's
 * path) until it fits, so one huge value can neither take the buffer for itself nor make the
 * byte bound evict other items.
 */
export const MAX_ITEM_FRAME_BYTES = MAX_ITEMS_BYTES;
/** Values of free-form data the size estimate looks at before assuming the most an item weighs. */
const ESTIMATE_NODES = 1_024;

export type OverflowPolicy = 'drop-oldest' | 'drop-newest';

export interface KinesisTransportOptions {
  streamName: string;
  signer: RecordSigner;
  /**
   * Region and endpoint the export worker builds its Kinesis client with (credentials come from
   * the AWS SDK's usual chain in the worker).
   */
  kinesis?: KinesisConnection;
  /**
   * A ready client instead. A client object cannot move to another thread, so export then runs
   * on this thread, in slices.
   */
  client?: KinesisClient;
  /** Where export work runs: `worker` (default, unless a client is given) or `main`. */
  exportThread?: ExportThread;
  /** Caps the export worker's memory (Node's `resourceLimits`). */
  workerResourceLimits?: ResourceLimits;
  /** Hand a batch to the exporter when this many items are buffered. */
  maxBatchItems?: number;
  /**
   * …or when the buffered items' frames reach this many bytes. Default three quarters of
   * `recordTargetBytes` (192 KiB): about one record's worth of JSON (see `batchBytesFor`).
   */
  maxBatchBytes?: number;
  flushIntervalMs?: number;
  /** Items buffered at most; beyond it items are dropped by `overflow` and counted. */
  maxQueueItems?: number;
  /** Estimated bytes buffered at most. */
  maxQueueBytes?: number;
  overflow?: OverflowPolicy;
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Longest one PutRecords request may take before it fails (and is retried). Default 10 s. */
  requestTimeoutMs?: number;
  gzip?: boolean;
  /** gzip level (1 fastest … 9 smallest). Default 1. */
  gzipLevel?: number;
  /** Bytes of record data per PutRecords request (Kinesis allows 5 MiB). Default 512 KiB. */
  maxRequestBytes?: number;
  /** Uncompressed bytes per record. */
  recordTargetBytes?: number;
  /** How long one slice of work on the host's thread may hold its event loop. */
  sliceMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * The frame bytes a batch is handed over at by default: about one record's worth of JSON. A
 * batch's items start a record of their own, so a batch of a record and a half became a full
 * record and a small one, and at a flush the exporter first had a whole batch to build. Frames
 * weigh less than the JSON they become (keys are 3-byte references, numbers binary: a typical
 * LLM span's frame is ~85% of its JSON), so three quarters of a record's target fills one
 * record. Measured with the SDK benchmark's spans, together with 8 spare frame buffers
 * (itemFrames.ts): 20% fewer records and ~1 µs less added time per traced call than batches of
 * 512 KiB.
 */
const batchBytesFor = (recordTargetBytes: number): number =>
  Math.floor((recordTargetBytes * 3) / 4);

/** The longest delay a Node.js timer takes (2^31 − 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/** A string's weight in the buffer: no more than the longest a value is kept (see `write`). */
const textBytes = (text: unknown): number =>
  typeof text === 'string' ? Math.min(text.length, WIRE_LIMITS.maxTextChars) : 0;

/**
 * The weight of free-form data (metadata, tool arguments and results), looking at no more than
 * `budget.nodes` values: an array counts as its length times its first entries' average.
 * Infinity when the budget runs out.
 */
function valueBytes(value: unknown, budget: { nodes: number }): number {
  if (typeof value === 'string') return 2 + textBytes(value);
  if (value === null || typeof value !== 'object') return 8;
  if ((budget.nodes -= 1) < 0) return Infinity;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return 32;
  if (Array.isArray(value)) {
    const sampled = Math.min(value.length, 8);
    let bytes = 0;
    for (let index = 0; index < sampled; index += 1) bytes += valueBytes(value[index], budget);
    return 2 + (sampled === 0 ? 0 : (bytes / sampled) * value.length);
  }
  let bytes = 2;
  for (const key in value) {
    if ((budget.nodes -= 1) < 0) return Infinity;
    bytes += 4 + textBytes(key) + valueBytes((value as Record<string, unknown>)[key], budget);
  }
  return bytes;
}

/**
 * A cheap upper-bound guess of an item's size in the buffer, without serialising it: every
 * field that can be large counts (message parts and tool data, metadata, prompt variables, the
 * status message, a score's comment), each string no more than the most that is kept, and the
 * whole no more than an item's frame may weigh. It reads a bounded number of values, so its
 * cost does not grow with a payload's size beyond the messages' parts.
 */
export function estimateItemBytes(item: QueuedItem): number {
  if (typeof item === 'function') return DEFERRED_ITEM_BYTES;
  try {
    let bytes = 400;
    if (item.type !== 'span') return bytes + textBytes(item.comment) + textBytes(item.value);
    const budget = { nodes: ESTIMATE_NODES };
    const partBytes = (part: Record<string, unknown>) =>
      typeof part.content === 'string'
        ? 32 + textBytes(part.content)
        : 64 + valueBytes(part.arguments ?? part.response, budget);
    for (const messages of [item.inputMessages, item.outputMessages]) {
      if (!messages) continue;
      for (const message of messages) {
        bytes += 32;
        for (const part of message.parts) bytes += partBytes(part);
      }
    }
    for (const part of item.systemInstructions ?? []) bytes += partBytes(part);
    if (item.metadata) bytes += valueBytes(item.metadata, budget);
    if (item.prompt?.variables) bytes += valueBytes(item.prompt.variables, budget);
    bytes += textBytes(item.status?.message);
    return Math.min(bytes, MAX_ITEM_FRAME_BYTES);
  } catch {
    // Unreadable attributes (a revoked proxy): the build will find out; assume the most.
    return MAX_ITEM_FRAME_BYTES;
  }
}

export class KinesisTransport implements Transport {
  readonly #limits: {
    maxBatchItems: number;
    maxBatchBytes: number;
    maxQueueItems: number;
    maxQueueBytes: number;
    overflow: OverflowPolicy;
    sliceMs: number;
  };
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #exporter: BatchExporter;
  /** Items not built yet (ended this turn), oldest first from `#head`, with estimated sizes. */
  #pending: QueuedItem[] = [];
  #pendingSizes: number[] = [];
  #head = 0;
  #pendingBytes = 0;
  /** Built items, as frames, not yet handed to the exporter. */
  readonly #frames = new ItemFrameWriter();
  #inFlightItems = 0;
  #inFlightBytes = 0;
  readonly #inFlight = new Set<Promise<void>>();
  #buildScheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Drops not reported yet, by reason; reported together once per turn. */
  readonly #unreportedDrops = new Map<string, number>();
  #dropReportScheduled = false;
  readonly #stats: Omit<TransportStats, 'queued' | 'queuedBytes'> = {
    sent: 0,
    dropped: 0,
    retried: 0,
    truncated: 0,
  };
  readonly #buildSoon = (): void => {
    this.#buildScheduled = false;
    this.#build(true);
    if (
      this.#frames.count >= this.#limits.maxBatchItems ||
      this.#frames.bytes >= this.#limits.maxBatchBytes
    )
      this.#handOffFrames(false);
  };

  constructor(options: KinesisTransportOptions) {
    this.#limits = {
      maxBatchItems: options.maxBatchItems ?? 200,
      maxBatchBytes:
        options.maxBatchBytes ??
        batchBytesFor(options.recordTargetBytes ?? DEFAULT_EXPORT_SETTINGS.recordTargetBytes),
      maxQueueItems: options.maxQueueItems ?? 10_000,
      maxQueueBytes: options.maxQueueBytes ?? 32 * 1_048_576,
      overflow: options.overflow ?? 'drop-oldest',
      sliceMs: options.sliceMs ?? 0.5,
    };
    this.#onError = options.onError;
    const timeout = options.requestTimeoutMs;
    // Every request's deadline is a timer: anything else would fail every export, not this call.
    if (
      timeout !== undefined &&
      !(Number.isInteger(timeout) && timeout > 0 && timeout <= MAX_TIMER_MS)
    ) {
      throw new SightlineConfigError(
        `Sightline SDK: requestTimeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`,
      );
    }
    const settings: ExportSettings = {
      ...DEFAULT_EXPORT_SETTINGS,
      ...definedOnly({
        maxRetries: options.maxRetries,
        retryBaseMs: options.retryBaseMs,
        retryMaxMs: options.retryMaxMs,
        requestTimeoutMs: options.requestTimeoutMs,
        gzip: options.gzip,
        gzipLevel: options.gzipLevel,
        maxRequestBytes: options.maxRequestBytes,
        recordTargetBytes: options.recordTargetBytes,
        maxHoldMs: options.flushIntervalMs,
      }),
      streamName: options.streamName,
      signer: options.signer,
    };
    const onError = (error: unknown) => this.#report(error);
    const inWorker = !options.client && options.exportThread !== 'main';
    this.#exporter = inWorker
      ? new WorkerBatchExporter({
          settings,
          connection: options.kinesis ?? {},
          sliceMs: this.#limits.sliceMs,
          onError,
          ...(options.workerResourceLimits ? { resourceLimits: options.workerResourceLimits } : {}),
        })
      : new InThreadBatchExporter({
          settings,
          client: options.client ?? createSdkKinesisClient(options.kinesis ?? {}),
          ownsClient: !options.client,
          sliceMs: this.#limits.sliceMs,
          onError,
        });
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  /** Where export work runs now: `worker`, or `main` (a client was given, or no worker). */
  get exportThread(): ExportThread {
    return this.#exporter.thread;
  }

  enqueue(item: QueuedItem): void {
    if (this.#closed) {
      this.#countDropped(1, 'the transport was shut down');
      return;
    }
    const size = estimateItemBytes(item);
    if (!this.#makeRoom(size)) {
      this.#countDropped(1, 'the buffer was full');
      return;
    }
    this.#pending.push(item);
    this.#pendingSizes.push(size);
    this.#pendingBytes += size;
    if (!this.#buildScheduled) {
      this.#buildScheduled = true;
      setImmediate(this.#buildSoon);
      this.#exporter.start();
    }
  }

  stats(): TransportStats {
    return { queued: this.#queuedItems(), queuedBytes: this.#queuedBytes(), ...this.#stats };
  }

  /** Hands everything over and asks for it to be put now; resolves once all of it settled. */
  flush(): Promise<void> {
    this.#build(false);
    if (this.#frames.count > 0) this.#handOffFrames(true);
    else if (this.#inFlight.size > 0) this.#exporter.flush();
    return Promise.all(this.#inFlight).then(() => undefined);
  }

  async shutdown(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
    this.#closed = true;
    // Items that ended while the first flush waited are sent too (later ones are now dropped and
    // counted): the exporter must not be closed with a batch still in flight, which would
    // never settle.
    await this.flush();
    await this.#exporter.close();
  }

  #queuedItems(): number {
    return this.#pending.length - this.#head + this.#frames.count + this.#inFlightItems;
  }

  #queuedBytes(): number {
    return this.#pendingBytes + this.#frames.bytes + this.#inFlightBytes;
  }

  #isFull(size: number): boolean {
    const items = this.#queuedItems();
    return (
      items >= this.#limits.maxQueueItems ||
      (items > 0 && this.#queuedBytes() + size > this.#limits.maxQueueBytes)
    );
  }

  /** Frees room for an item of `size` by the overflow policy; false when the item must go. */
  #makeRoom(size: number): boolean {
    if (!this.#isFull(size)) return true;
    if (this.#limits.overflow === 'drop-newest') return false;
    while (this.#isFull(size) && this.#dropOldest()) this.#countDropped(1, 'the buffer was full');
    return !this.#isFull(size);
  }

  /** Drops the oldest item not yet in flight: written frames are older than pending items. */
  #dropOldest(): boolean {
    if (this.#frames.count > 0) {
      this.#frames.dropOldest();
      return true;
    }
    if (this.#head < this.#pending.length) {
      this.#pendingBytes -= this.#pendingSizes[this.#head] ?? 0;
      this.#head += 1;
      if (this.#head >= 1_024 && this.#head * 2 >= this.#pending.length) {
        this.#pending = this.#pending.slice(this.#head);
        this.#pendingSizes = this.#pendingSizes.slice(this.#head);
        this.#head = 0;
      }
      return true;
    }
    return false;
  }

  /**
   * Builds pending items and writes them as frames, oldest first; with `sliced`, yields to the
   * event loop after `sliceMs` and goes on in the next turn.
   */
  #build(sliced: boolean): void {
    const started = sliced ? performance.now() : 0;
    let built = 0;
    while (this.#head < this.#pending.length) {
      const queued = this.#pending[this.#head]!;
      this.#pendingBytes -= this.#pendingSizes[this.#head] ?? 0;
      this.#head += 1;
      try {
        const built: ItemInput = typeof queued === 'function' ? queued() : queued;
        // Most spans are written in one pass, conformed as they are written (see `writeSpan`).
        if (!this.#writeConformingSpan(built)) {
          const conformed = conformItem(built);
          if (conformed.item) this.#writeFrame(conformed.item);
          else this.#countDropped(1, `the wire contract refuses it: ${conformed.refused}`);
        }
      } catch (error) {
        this.#countDropped(1, 'an item could not be built');
        this.#report(error);
      }
      built += 1;
      if (
        sliced &&
        built % BUILD_CHECK_EVERY === 0 &&
        performance.now() - started > this.#limits.sliceMs &&
        this.#head < this.#pending.length
      ) {
        this.#buildScheduled = true;
        setImmediate(this.#buildSoon);
        break;
      }
    }
    if (this.#head >= this.#pending.length) {
      this.#pending = [];
      this.#pendingSizes = [];
      this.#head = 0;
      this.#pendingBytes = 0;
    }
    this.#enforceBytes();
  }

  /**
   * Writes a span the contract takes as it is, in one pass; false, with nothing written, for any
   * other item, and for a span heavier than an item may weigh (the general path cuts it).
   */
  #writeConformingSpan(item: ItemInput): boolean {
    const size = this.#frames.writeSpan(item);
    if (size < 0) return false;
    if (size <= MAX_ITEM_FRAME_BYTES) return true;
    this.#frames.dropNewest();
    return false;
  }

  /**
   * Writes an item's frame; one heavier than an item may weigh is taken back and written again
   * with its values cut (the exporter still fits it to a record exactly).
   */
  #writeFrame(item: ItemInput): void {
    if (this.#frames.write(item) <= MAX_ITEM_FRAME_BYTES) return;
    this.#frames.dropNewest();
    fitItemWithin(item, (candidate) => {
      if (this.#frames.write(candidate, true) <= MAX_ITEM_FRAME_BYTES) return true;
      this.#frames.dropNewest();
      return false;
    });
  }

  /** Built frames may weigh more than estimated: apply the byte bound to the real sizes. */
  #enforceBytes(): void {
    const newest = this.#limits.overflow === 'drop-newest';
    while (this.#frames.count > 0 && this.#queuedBytes() > this.#limits.maxQueueBytes) {
      if (newest) this.#frames.dropNewest();
      else this.#frames.dropOldest();
      this.#countDropped(1, 'the buffer was full');
    }
  }

  /** Counts drops in `stats()` and reports them to `onError`, together, after this turn. */
  #countDropped(count: number, reason: string): void {
    this.#stats.dropped += count;
    this.#unreportedDrops.set(reason, (this.#unreportedDrops.get(reason) ?? 0) + count);
    if (this.#dropReportScheduled) return;
    this.#dropReportScheduled = true;
    setImmediate(() => {
      this.#dropReportScheduled = false;
      let total = 0;
      for (const dropped of this.#unreportedDrops.values()) total += dropped;
      const reasons = [...this.#unreportedDrops].map(([why, dropped]) => `${dropped}: ${why}`);
      this.#unreportedDrops.clear();
      this.#report(new ItemsDroppedError(total, reasons));
    }).unref();
  }

  /** Hands every frame to the exporter as one batch; `urgent` asks for it to be put now. */
  #handOffFrames(urgent: boolean): void {
    if (this.#frames.count === 0) return;
    const batch = this.#frames.takeBatch();
    const bytes = batch.frames.length;
    this.#inFlightItems += batch.count;
    this.#inFlightBytes += bytes;
    const settled = this.#exporter
      .exportBatch(batch, urgent)
      .then((outcome) => this.#settle(batch, bytes, outcome))
      .catch((error: unknown) => this.#report(error))
      .finally(() => this.#inFlight.delete(settled));
    this.#inFlight.add(settled);
  }

  #settle(batch: FrameBatch, bytes: number, outcome: BatchOutcome): void {
    this.#inFlightItems -= batch.count;
    this.#inFlightBytes -= bytes;
    this.#stats.sent += outcome.sent;
    this.#stats.dropped += outcome.dropped;
    this.#stats.retried += outcome.retried;
    this.#stats.truncated += outcome.truncated;
    this.#frames.release(batch);
  }

  #report(error: unknown): void {
    try {
      this.#onError?.(error);
    } catch {
      // A throwing error callback must not break the transport.
    }
  }
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

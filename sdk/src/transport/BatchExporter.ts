/**
 * Where batches of item frames are exported. The transport hands every batch to one of these:
 * the export worker (`WorkerBatchExporter`), or this file's exporter, which runs the same
 * pipeline on the host's thread in slices (a caller-supplied client, or no worker available).
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { ExportPipeline, type BatchOutcome, type ExportSettings } from './ExportPipeline.ts';
import type { FrameBatch } from './itemFrames.ts';
import { clientPutRecords, leanPutRecords } from './putRecords.ts';

export type ExportThread = 'worker' | 'main';

export interface BatchExporter {
  /** Where the work runs now (a failed worker falls back to `main`). */
  readonly thread: ExportThread;
  /** Gets ready ahead of the first batch (the worker starts loading). */
  start(): void;
  /**
   * Exports after every batch given before; `urgent` (a flush) puts it and all before it now.
   * Resolves with the outcome, never rejects.
   */
  exportBatch(batch: FrameBatch, urgent: boolean): Promise<BatchOutcome>;
  /** Puts everything handed over so far without waiting for more (a flush with no new batch). */
  flush(): void;
  /** Releases the thread and connections; call once nothing is in flight. */
  close(): Promise<void>;
}

export interface InThreadExporterOptions {
  settings: ExportSettings;
  client: KinesisClient;
  /**
   * The client was built for this exporter, not given by the caller: it sends through the lean
   * path (`leanPutRecords`) and is destroyed on close. A caller's client sends through its own
   * `send()`, with its middleware.
   */
  ownsClient: boolean;
  sliceMs: number;
  onError: (error: unknown) => void;
}

export class InThreadBatchExporter implements BatchExporter {
  readonly thread = 'main';
  readonly #pipeline: ExportPipeline;
  readonly #client: KinesisClient;
  readonly #ownsClient: boolean;

  constructor(options: InThreadExporterOptions) {
    this.#client = options.client;
    this.#ownsClient = options.ownsClient;
    this.#pipeline = new ExportPipeline({
      ...options.settings,
      putRecords: options.ownsClient
        ? leanPutRecords(options.client)
        : clientPutRecords(options.client),
      sliceMs: options.sliceMs,
      compression: 'async',
      onError: options.onError,
    });
  }

  start(): void {}

  exportBatch(batch: FrameBatch, urgent: boolean): Promise<BatchOutcome> {
    return this.#pipeline.exportBatch(batch, urgent);
  }

  flush(): void {
    this.#pipeline.flush();
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.#client.destroy();
  }
}

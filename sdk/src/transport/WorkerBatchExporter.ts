/**
 * Runs the export pipeline in a `worker_threads` Worker, so serialisation, signing,
 * compression and the AWS SDK's request work use another core instead of the host's event loop.
 * Batches cross as shared memory (no copy); the worker answers each with its outcome.
 *
 * The worker never keeps the process alive on its own: it is ref'd only from a flush until the
 * batches in flight at that flush have settled, so a flush before exit completes; batches
 * waiting in the worker for more to share a request do not hold the process (its `beforeExit`
 * flush sends them). If it cannot start, crashes or exits, the failure goes to `onError` and
 * every batch it had not settled is exported again on the host's thread (the records it may
 * already have put can arrive twice; ingest deduplicates).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits, type WorkerOptions } from 'node:worker_threads';
import { createSdkKinesisClient, type KinesisConnection } from '../config.ts';
import { InThreadBatchExporter, type BatchExporter, type ExportThread } from './BatchExporter.ts';
import { ExportError, ExportWorkerError } from './errors.ts';
import type { BatchOutcome, ExportSettings } from './ExportPipeline.ts';
import type { FrameBatch } from './itemFrames.ts';

/** What the worker is started with (`workerData`). */
export interface ExportWorkerData {
  settings: ExportSettings;
  connection: KinesisConnection;
}

/** Host → worker. */
export type ExportRequest =
  (FrameBatch & { type: 'export'; id: number; urgent: boolean }) | { type: 'flush' };

/** Worker → host. */
export type ExportWorkerMessage =
  | { type: 'settled'; id: number; outcome: BatchOutcome }
  /** A record of the batch is to be retried (its outcome will count it too). */
  | { type: 'retried'; id: number }
  | { type: 'error'; error: { name: string; message: string; code?: string } };

export interface WorkerExporterOptions extends ExportWorkerData {
  onError: (error: unknown) => void;
  /** Slice length for the host-thread fallback. */
  sliceMs: number;
  resourceLimits?: ResourceLimits;
  /** The worker's entry file; defaults to `exportWorker` beside this module. */
  entry?: URL;
}

/**
 * The entry file sits beside this module with the same extension: `exportWorker.ts` next to the
 * sources (run by tsx or vitest), `exportWorker.js`/`.mjs` next to a build or bundle of them.
 */
export function defaultExportWorkerEntry(): URL {
  const here = import.meta.url;
  const extension = /\.[cm]?[jt]s$/.exec(new URL(here).pathname)?.[0] ?? '.js';
  return new URL(`./exportWorker${extension}`, here);
}

/**
 * Starts the worker. A `.ts` entry (the SDK run from its sources) needs a TypeScript loader
 * inside the worker: Node's own type stripping where it has one, else tsx's require hook, as
 * Node 20 does not apply ESM loader hooks (`--import tsx`) to worker threads. Without either,
 * this throws and export stays on the host's thread.
 */
function startWorker(entry: URL, options: WorkerOptions): Worker {
  const nativeTypeScript = Boolean((process.features as { typescript?: unknown }).typescript);
  if (!entry.pathname.endsWith('.ts') || nativeTypeScript) return new Worker(entry, options);
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs');
  const bootstrap = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(fileURLToPath(entry))});`;
  return new Worker(bootstrap, { ...options, eval: true });
}

interface InFlightBatch {
  batch: FrameBatch;
  resolve: (outcome: BatchOutcome) => void;
  /** Retries the worker reported for the batch, kept in case it dies before settling it. */
  retried: number;
}

export class WorkerBatchExporter implements BatchExporter {
  readonly #options: WorkerExporterOptions;
  #worker: Worker | undefined;
  #fallback: InThreadBatchExporter | undefined;
  readonly #inFlight = new Map<number, InFlightBatch>();
  /** Batches a flush waits for: the worker holds the process until they settle. */
  readonly #awaited = new Set<number>();
  /**
   * Key table entries posted to the worker so far: each batch carries only the entries after
   * them. A table of thousands of metadata keys cost ~150 µs to clone for every batch.
   */
  #keysPosted = 0;
  #nextId = 0;
  #closed = false;

  constructor(options: WorkerExporterOptions) {
    this.#options = options;
  }

  get thread(): ExportThread {
    return this.#fallback ? 'main' : 'worker';
  }

  start(): void {
    if (this.#worker || this.#fallback || this.#closed) return;
    const entry = this.#options.entry ?? defaultExportWorkerEntry();
    try {
      if (entry.protocol === 'file:' && !existsSync(fileURLToPath(entry)))
        throw new Error(`no export worker file at ${entry.href}`);
      const workerData: ExportWorkerData = {
        settings: this.#options.settings,
        connection: this.#options.connection,
      };
      const worker = startWorker(entry, {
        workerData,
        // The worker's own copy of the environment. The AWS client warns once per thread
        // that a future release needs a newer Node.js; that is the SDK's dependency talking,
        // and it must not print into the host app's stderr (unless the host set the switch).
        env: {
          ...process.env,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:
            process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true',
        },
        ...(this.#options.resourceLimits ? { resourceLimits: this.#options.resourceLimits } : {}),
      });
      worker.on('message', (message: ExportWorkerMessage) => this.#receive(message));
      worker.on('error', (error) => this.#fail(error));
      worker.on('messageerror', (error) => this.#fail(error));
      worker.on('exit', (code) => {
        if (!this.#closed) this.#fail(new Error(`the export worker exited with code ${code}`));
      });
      // After the listeners: adding a 'message' listener refs the worker's port again.
      worker.unref();
      this.#worker = worker;
    } catch (error) {
      this.#fail(error);
    }
  }

  exportBatch(batch: FrameBatch, urgent: boolean): Promise<BatchOutcome> {
    if (this.#closed && !this.#fallback) return Promise.resolve(droppedWhole(batch));
    this.start();
    if (this.#fallback || !this.#worker) return this.#fallbackExporter().exportBatch(batch, urgent);
    const worker = this.#worker;
    const id = (this.#nextId += 1);
    return new Promise((resolve) => {
      this.#inFlight.set(id, { batch, resolve, retried: 0 });
      if (urgent) this.#awaitInFlight();
      const from = batch.keysFrom ?? 0;
      const request: ExportRequest = {
        type: 'export',
        id,
        urgent,
        frames: batch.frames,
        count: batch.count,
        keys: batch.keys.slice(Math.max(0, this.#keysPosted - from)),
        keysFrom: Math.max(from, this.#keysPosted),
      };
      worker.postMessage(request);
      this.#keysPosted = Math.max(this.#keysPosted, from + batch.keys.length);
    });
  }

  flush(): void {
    if (this.#fallback) this.#fallback.flush();
    else if (this.#worker && this.#inFlight.size > 0) {
      this.#awaitInFlight();
      this.#worker.postMessage({ type: 'flush' } satisfies ExportRequest);
    }
  }

  #awaitInFlight(): void {
    for (const id of this.#inFlight.keys()) this.#awaited.add(id);
    this.#worker?.ref();
  }

  /**
   * Stops the worker. Its owner flushes first; a batch still in flight then (or handed over
   * after) is settled as dropped, so nothing waits on it for ever and every item is counted.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate().catch(() => undefined);
    const unsettled = [...this.#inFlight.values()];
    this.#inFlight.clear();
    this.#awaited.clear();
    for (const { batch, resolve, retried } of unsettled)
      resolve({ ...droppedWhole(batch), retried });
    await this.#fallback?.close();
  }

  #receive(message: ExportWorkerMessage): void {
    if (message.type === 'error') {
      this.#report(new ExportError(message.error));
      return;
    }
    const entry = this.#inFlight.get(message.id);
    if (!entry) return;
    if (message.type === 'retried') {
      entry.retried += 1;
      return;
    }
    this.#inFlight.delete(message.id);
    this.#awaited.delete(message.id);
    if (this.#awaited.size === 0) this.#worker?.unref();
    entry.resolve(message.outcome);
  }

  /** Reports the failure once and moves every unsettled batch, in order, to the host's thread. */
  #fail(cause: unknown): void {
    if (this.#fallback || this.#closed) return;
    const worker = this.#worker;
    this.#worker = undefined;
    worker?.removeAllListeners('exit');
    void worker?.terminate().catch(() => undefined);
    this.#report(
      new ExportWorkerError(
        `Sightline: the export worker failed (${describe(cause)}); exporting on the main thread`,
        { cause },
      ),
    );
    const fallback = this.#fallbackExporter();
    const unsettled = [...this.#inFlight.values()];
    this.#inFlight.clear();
    this.#awaited.clear();
    // The retries the worker made still happened: they count with the fallback's own.
    for (const { batch, resolve, retried } of unsettled)
      void fallback
        .exportBatch(batch, true)
        .then((outcome) => resolve({ ...outcome, retried: outcome.retried + retried }));
  }

  #fallbackExporter(): InThreadBatchExporter {
    this.#fallback ??= new InThreadBatchExporter({
      settings: this.#options.settings,
      client: createSdkKinesisClient(this.#options.connection),
      ownsClient: true,
      sliceMs: this.#options.sliceMs,
      onError: this.#options.onError,
    });
    return this.#fallback;
  }

  #report(error: unknown): void {
    try {
      this.#options.onError(error);
    } catch {
      // A throwing error callback must not break the transport.
    }
  }
}

function droppedWhole(batch: FrameBatch): BatchOutcome {
  return { sent: 0, dropped: batch.count, retried: 0, truncated: 0 };
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}

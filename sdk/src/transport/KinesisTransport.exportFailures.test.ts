/**
 * The transport when its export cannot finish normally: a Kinesis endpoint that takes requests
 * and never answers, and a shutdown that items keep arriving during. Each case runs with export
 * on the worker thread and on the host's thread, against a local server speaking PutRecords.
 */
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startScriptedHttpServer } from '../../../test/fakes/scriptedHttpServer.ts';
import { startFakeKinesis } from '../../../test/fixtures/sdk/fakeKinesisServer.ts';
import { buildScore } from '../../../test/helpers/factories.ts';
import { decodeRecordItems } from '../../../test/helpers/sdkRecords.ts';
import type { ExportThread } from './BatchExporter.ts';
import { createSdkKinesisClient } from '../config.ts';
import { DEFAULT_EXPORT_SETTINGS, ExportPipeline } from './ExportPipeline.ts';
import { ItemFrameWriter } from './itemFrames.ts';
import { leanPutRecords } from './putRecords.ts';
import { KinesisTransport } from './KinesisTransport.ts';
import { WorkerBatchExporter } from './WorkerBatchExporter.ts';

const signer = {
  projectId: 'failures',
  keyId: 'ik_fail',
  secret: 'f'.repeat(43),
  sdk: { name: 'test', version: '1' },
};

/** How the stand-in answers each PutRecords request. */
type Answer = { mode: 'never' } | { mode: 'after'; delayMs: number };

/** A PutRecords stand-in that accepts every record, late or never; counts the items taken. */
async function startKinesisStandIn(answer: Answer) {
  const accepted = { items: 0 };
  const server = await startScriptedHttpServer<never>(async (request, _reply, response) => {
    if (answer.mode === 'never') return;
    await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    const records = (request.body?.Records as Array<{ Data: string }> | undefined) ?? [];
    for (const record of records)
      accepted.items += decodeRecordItems(Buffer.from(record.Data, 'base64')).length;
    acceptAll(response, records.length);
  });
  return { endpoint: server.url, accepted, close: () => server.close() };
}

function acceptAll(response: ServerResponse, count: number): void {
  response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(
    JSON.stringify({
      FailedRecordCount: 0,
      Records: Array.from({ length: count }, (_, index) => ({
        SequenceNumber: String(index + 1),
        ShardId: 'shardId-000000000000',
      })),
    }),
  );
}

/** Resolves with what `work` settled to, or `'did not settle'` after `ms`. */
function settlesWithin<T>(work: Promise<T>, ms: number): Promise<T | 'did not settle'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'did not settle'>((resolve) => {
    timer = setTimeout(() => resolve('did not settle'), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

describe.each<ExportThread>(['worker', 'main'])(
  'KinesisTransport export failures (export on the %s thread)',
  (exportThread) => {
    it('gives up on a request the endpoint never answers, counted, instead of hanging the flush', async () => {
      // Prepare: the endpoint takes the request and never answers.
      const kinesis = await startKinesisStandIn({ mode: 'never' });
      const errors: unknown[] = [];
      const transport = new KinesisTransport({
        kinesis: { endpoint: kinesis.endpoint },
        exportThread,
        streamName: 'hangs',
        signer,
        maxRetries: 0,
        requestTimeoutMs: 500,
        onError: (error) => errors.push(error),
      });
      try {
        // Act
        transport.enqueue(buildScore());
        const flushed = await settlesWithin(transport.flush(), 10_000);
        // Assess: the request's deadline was half a second.
        expect(flushed).toBeUndefined();
        expect(transport.stats()).toMatchObject({ queued: 0, sent: 0, dropped: 1 });
        expect(errors.length).toBeGreaterThan(0);
      } finally {
        await kinesis.close();
        await settlesWithin(transport.shutdown(), 10_000);
      }
    });

    it('sends what arrives while shutdown flushes, and a flush after shutdown settles', async () => {
      // Prepare: answers come late, so items arrive while the shutdown's flush waits.
      const kinesis = await startKinesisStandIn({ mode: 'after', delayMs: 300 });
      const transport = new KinesisTransport({
        kinesis: { endpoint: kinesis.endpoint },
        exportThread,
        streamName: 'late',
        signer,
        maxBatchItems: 10,
      });
      try {
        // Act
        transport.enqueue(buildScore());
        const shutdown = transport.shutdown();
        await new Promise((resolve) => setTimeout(resolve, 100));
        for (let index = 0; index < 20; index += 1) transport.enqueue(buildScore());
        await shutdown;
        const afterShutdown = transport.stats();
        const laterFlush = await settlesWithin(transport.flush(), 5_000);
        // Assess: every item is sent or counted as dropped once shutdown resolves.
        expect(afterShutdown.queued).toBe(0);
        expect(afterShutdown.sent + afterShutdown.dropped).toBe(21);
        expect(afterShutdown.sent).toBe(kinesis.accepted.items);
        expect(laterFlush).toBeUndefined();
      } finally {
        await kinesis.close();
      }
    });
  },
);

describe('KinesisTransport requestTimeoutMs', () => {
  it.each([0, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])(
    'refuses %s at construction instead of failing every export',
    (requestTimeoutMs) => {
      expect(
        () =>
          new KinesisTransport({
            kinesis: { endpoint: 'http://127.0.0.1:9' },
            streamName: 'invalid',
            signer,
            requestTimeoutMs,
          }),
      ).toThrow(expect.objectContaining({ code: 'SIGHTLINE_CONFIG_ERROR' }));
    },
  );
});

describe('WorkerBatchExporter.close', () => {
  it('settles a batch still in flight as dropped, and one handed over after it', async () => {
    // Prepare: the endpoint never answers, so the batch is still in the worker at close().
    const kinesis = await startKinesisStandIn({ mode: 'never' });
    const exporter = new WorkerBatchExporter({
      settings: { ...DEFAULT_EXPORT_SETTINGS, streamName: 'closing', signer },
      connection: { endpoint: kinesis.endpoint },
      sliceMs: 0.5,
      onError: () => {},
    });
    const frames = new ItemFrameWriter();
    frames.write(buildScore());
    frames.write(buildScore());
    try {
      // Act
      const inFlight = exporter.exportBatch(frames.takeBatch(), true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await exporter.close();
      frames.write(buildScore());
      const afterClose = exporter.exportBatch(frames.takeBatch(), false);

      // Assess
      expect(await settlesWithin(inFlight, 2_000)).toEqual({
        sent: 0,
        dropped: 2,
        retried: 0,
        truncated: 0,
      });
      expect(await settlesWithin(afterClose, 2_000)).toMatchObject({ sent: 0, dropped: 1 });
    } finally {
      await kinesis.close();
    }
  });
});

describe('WorkerBatchExporter key table', () => {
  it('posts each key table entry to the worker once, each batch only the entries after them', async () => {
    // Prepare: a stand-in worker that settles every batch and relays which entries it was sent.
    const recordingWorker = `
      import { parentPort } from 'node:worker_threads';
      parentPort.on('message', (request) => {
        if (request.type !== 'export') return;
        const keys = { from: request.keysFrom, keys: request.keys };
        parentPort.postMessage({ type: 'error', error: { name: 'Keys', message: JSON.stringify(keys) } });
        parentPort.postMessage({
          type: 'settled',
          id: request.id,
          outcome: { sent: request.count, dropped: 0, retried: 0, truncated: 0 },
        });
      });`;
    const received: unknown[] = [];
    const exporter = new WorkerBatchExporter({
      settings: { ...DEFAULT_EXPORT_SETTINGS, streamName: 'keys', signer },
      connection: {},
      sliceMs: 0.5,
      entry: new URL(`data:text/javascript,${encodeURIComponent(recordingWorker)}`),
      onError: (error) => received.push(JSON.parse((error as Error).message)),
    });
    const frames = new ItemFrameWriter();
    const batchWith = (metadata: Record<string, number>) => {
      frames.write({ ...buildScore(), metadata });
      return frames.takeBatch();
    };
    try {
      // Act
      for (const batch of [batchWith({ a: 1 }), batchWith({ a: 2 }), batchWith({ b: 3, c: 4 })])
        await exporter.exportBatch(batch, false);
      // Assess: the first batch brings the score's own keys and "a"; the second nothing new.
      expect(received).toHaveLength(3);
      const [first, second, third] = received as Array<{ from: number; keys: string[] }>;
      expect(first?.from).toBe(0);
      expect(first?.keys).toContain('a');
      expect(second).toEqual({ from: first!.keys.length, keys: [] });
      expect(third).toEqual({ from: first!.keys.length, keys: ['b', 'c'] });
    } finally {
      await exporter.close();
    }
  });
});

describe('retries counted when the export worker dies', () => {
  it('tells each retry as it is scheduled, before the batch settles', async () => {
    // Prepare: every entry fails its first two attempts.
    const kinesis = await startFakeKinesis({ refuseRequests: 0, failEntryAttempts: 2 });
    const client = createSdkKinesisClient({ endpoint: kinesis.endpoint });
    const pipeline = new ExportPipeline({
      ...DEFAULT_EXPORT_SETTINGS,
      streamName: 'retries',
      signer,
      retryBaseMs: 5,
      putRecords: leanPutRecords(client),
      sliceMs: Number.POSITIVE_INFINITY,
      compression: 'sync',
      onError: () => {},
    });
    const frames = new ItemFrameWriter();
    frames.write(buildScore());
    const told: number[] = [];
    try {
      // Act
      const outcome = await pipeline.exportBatch(frames.takeBatch(), true, () =>
        told.push(told.length + 1),
      );
      // Assess
      expect(outcome).toMatchObject({ sent: 1, dropped: 0, retried: 2 });
      expect(told).toEqual([1, 2]);
    } finally {
      client.destroy();
      await kinesis.close();
    }
  });

  it('keeps the retries a worker reported for a batch it died before settling', async () => {
    // Prepare: a stand-in worker that reports two retries of each batch, then dies.
    const dyingWorker = `
      import { parentPort } from 'node:worker_threads';
      parentPort.on('message', (request) => {
        if (request.type !== 'export') return;
        parentPort.postMessage({ type: 'retried', id: request.id });
        parentPort.postMessage({ type: 'retried', id: request.id });
        setTimeout(() => process.exit(1), 50);
      });`;
    const kinesis = await startKinesisStandIn({ mode: 'after', delayMs: 0 });
    const exporter = new WorkerBatchExporter({
      settings: { ...DEFAULT_EXPORT_SETTINGS, streamName: 'dying', signer },
      connection: { endpoint: kinesis.endpoint },
      sliceMs: 0.5,
      entry: new URL(`data:text/javascript,${encodeURIComponent(dyingWorker)}`),
      onError: () => {},
    });
    const frames = new ItemFrameWriter();
    frames.write(buildScore());
    frames.write(buildScore());
    try {
      // Act
      const outcome = await settlesWithin(exporter.exportBatch(frames.takeBatch(), true), 5_000);
      // Assess: the main thread exported the batch again; the worker's retries still count.
      expect(outcome).toEqual({ sent: 2, dropped: 0, retried: 2, truncated: 0 });
      expect(exporter.thread).toBe('main');
      expect(kinesis.accepted.items).toBe(2);
    } finally {
      await exporter.close();
      await kinesis.close();
    }
  });
});

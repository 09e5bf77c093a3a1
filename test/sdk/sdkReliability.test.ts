/**
 * The SDK when things go wrong around it: throttling (a protocol-level Kinesis stand-in), an
 * unreachable stream (bounded memory, counted drops, the host unaffected), a host process that
 * exits right after a call, and a Lambda-style freeze after the handler returns (real kinesalite,
 * real child processes).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  ExportWorkerError,
  KinesisTransport,
  Sightline,
  type ExportThread,
  type OverflowPolicy,
} from '../../sdk/src/index.ts';
import { startFakeKinesis } from '../fixtures/sdk/fakeKinesisServer.ts';
import {
  createStreamAndWait,
  createTestKinesisClient,
  readStreamRecords,
  startKinesalite,
  uniqueStreamName,
  type KinesaliteServer,
} from '../helpers/kinesalite.ts';
import { REPOSITORY_ROOT, waitFor } from '../helpers/localStackProcess.ts';
import { decodeRecordItems } from '../helpers/sdkRecords.ts';

const signer = {
  projectId: 'reliability',
  keyId: 'ik_rel',
  secret: 'r'.repeat(43),
  sdk: { name: 'test', version: '1' },
};

const EXPORT_THREADS: ExportThread[] = ['worker', 'main'];

function transportFor(
  endpoint: string,
  exportThread: ExportThread,
  options: Partial<ConstructorParameters<typeof KinesisTransport>[0]> = {},
) {
  return new KinesisTransport({
    kinesis: { endpoint },
    exportThread,
    streamName: 'reliability',
    signer,
    retryBaseMs: 5,
    retryMaxMs: 50,
    ...options,
  });
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(EXPORT_THREADS)('throttling (export on the %s thread)', (exportThread) => {
  it('retries refused requests and failed entries until every item is delivered', async () => {
    const kinesis = await startFakeKinesis({ refuseRequests: 2, failEntryAttempts: 2 });
    const transport = transportFor(kinesis.endpoint, exportThread, { recordTargetBytes: 4_096 });
    const sightline = new Sightline({ transport, flushOnExit: false });
    try {
      for (let index = 0; index < 300; index += 1)
        sightline.trace(`call-${index}`, { metadata: { pad: 'p'.repeat(200) } }, () => index);

      await sightline.flush();

      const names = kinesis.accepted
        .flatMap((data) => decodeRecordItems(data))
        .map((item) => (item.type === 'span' ? item.name : ''));
      expect(new Set(names).size).toBe(300);
      expect(names).toHaveLength(300);
      expect(sightline.stats()).toMatchObject({ sent: 300, dropped: 0, queued: 0 });
      expect(sightline.stats().retried).toBeGreaterThan(kinesis.accepted.length);
      expect(transport.exportThread).toBe(exportThread);
    } finally {
      await sightline.shutdown();
      await kinesis.close();
    }
  });
});

describe.each(EXPORT_THREADS)('buffer overflow (export on the %s thread)', (exportThread) => {
  it.each<[OverflowPolicy, string, string]>([
    ['drop-oldest', 'call-4500', 'call-4999'],
    ['drop-newest', 'call-0', 'call-499'],
  ])('keeps 500 of 5,000 by policy %s and counts the rest', async (overflow, first, last) => {
    const kinesis = await startFakeKinesis({ refuseRequests: 0, failEntryAttempts: 0 });
    const transport = transportFor(kinesis.endpoint, exportThread, {
      maxQueueItems: 500,
      overflow,
      flushIntervalMs: 3_600_000,
      maxBatchItems: 1_000_000,
    });
    const sightline = new Sightline({ transport, flushOnExit: false });
    try {
      for (let index = 0; index < 5_000; index += 1) sightline.trace(`call-${index}`, () => index);

      expect(transport.stats()).toMatchObject({ queued: 500, dropped: 4_500 });
      await sightline.flush();

      const names = kinesis.accepted
        .flatMap((data) => decodeRecordItems(data))
        .map((item) => (item.type === 'span' ? item.name : ''));
      expect(names).toHaveLength(500);
      expect(names[0]).toBe(first);
      expect(names.at(-1)).toBe(last);
      expect(transport.stats()).toMatchObject({ sent: 500, dropped: 4_500, queued: 0 });
    } finally {
      await sightline.shutdown();
      await kinesis.close();
    }
  });
});

describe.each(EXPORT_THREADS)('unreachable stream (export on the %s thread)', (exportThread) => {
  it('leaves the host unaffected, stays bounded and counts every item it gave up', async () => {
    const endpoint = `http://127.0.0.1:${await unusedPort()}`;
    const errors: unknown[] = [];
    const transport = transportFor(endpoint, exportThread, {
      maxQueueItems: 500,
      maxRetries: 1,
      onError: (error) => errors.push(error),
    });
    const sightline = new Sightline({ transport, flushOnExit: false });
    try {
      let total = 0;
      for (let index = 0; index < 5_000; index += 1) {
        total += sightline.trace(`call-${index}`, () => index);
        expect(transport.stats().queued).toBeLessThanOrEqual(500);
      }

      expect(total).toBe((4_999 * 5_000) / 2);
      await sightline.flush();

      expect(transport.stats()).toMatchObject({ queued: 0, sent: 0, dropped: 5_000 });
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await sightline.shutdown();
    }
  });

  it('bounds the buffer by bytes as well as by count', async () => {
    const endpoint = `http://127.0.0.1:${await unusedPort()}`;
    const transport = transportFor(endpoint, exportThread, {
      maxQueueBytes: 200_000,
      flushIntervalMs: 3_600_000,
      maxBatchItems: 1_000_000,
      maxRetries: 0,
    });
    const sightline = new Sightline({ transport, flushOnExit: false });
    try {
      const big = 'x'.repeat(10_000);
      for (let index = 0; index < 200; index += 1)
        sightline.trace(
          'big',
          { inputMessages: [{ role: 'user', parts: [{ type: 'text', content: big }] }] },
          () => undefined,
        );

      const stats = transport.stats();
      expect(stats.queuedBytes).toBeLessThanOrEqual(200_000);
      expect(stats.queued).toBeLessThan(20);
      expect(stats.queued + stats.dropped).toBe(200);
    } finally {
      await sightline.shutdown();
    }
  });
});

describe('the export worker', () => {
  it('reports a crash and exports every batch it had not settled on the main thread', async () => {
    // Prepare: a heap far too small for the worker to load the AWS SDK, so it dies at once.
    const kinesis = await startFakeKinesis({ refuseRequests: 0, failEntryAttempts: 0 });
    const errors: unknown[] = [];
    const transport = transportFor(kinesis.endpoint, 'worker', {
      workerResourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 },
      maxBatchItems: 100,
      onError: (error) => errors.push(error),
    });
    const sightline = new Sightline({ transport, flushOnExit: false });
    try {
      // Act
      for (let index = 0; index < 300; index += 1) sightline.trace(`call-${index}`, () => index);
      await sightline.flush();
      // Assess
      const names = kinesis.accepted
        .flatMap((data) => decodeRecordItems(data))
        .map((item) => (item.type === 'span' ? item.name : ''));
      expect(new Set(names).size).toBe(300);
      expect(transport.stats()).toMatchObject({ queued: 0, queuedBytes: 0, sent: 300 });
      expect(transport.exportThread).toBe('main');
      expect(errors.filter((error) => error instanceof ExportWorkerError)).toHaveLength(1);
    } finally {
      await sightline.shutdown();
      await kinesis.close();
    }
  });

  it('counts what is in flight in the worker against the bound', async () => {
    // Prepare: nothing listens, so the worker holds its batches while it retries.
    const endpoint = `http://127.0.0.1:${await unusedPort()}`;
    const transport = transportFor(endpoint, 'worker', {
      maxQueueItems: 300,
      maxBatchItems: 100,
      maxRetries: 2,
      retryBaseMs: 200,
      retryMaxMs: 200,
    });
    const sightline = new Sightline({ transport, flushOnExit: false });
    try {
      // Act: three full batches go to the worker, then more calls arrive while it retries.
      for (let index = 0; index < 300; index += 1) sightline.trace(`call-${index}`, () => index);
      const flushed = sightline.flush();
      const inFlight = transport.stats();
      for (let index = 0; index < 50; index += 1) sightline.trace(`late-${index}`, () => index);
      const afterLate = transport.stats();
      await flushed;
      // Assess
      expect(inFlight).toMatchObject({ queued: 300, dropped: 0 });
      expect(afterLate).toMatchObject({ queued: 300, dropped: 50 });
      expect(transport.stats()).toMatchObject({ queued: 0, sent: 0, dropped: 350 });
    } finally {
      await sightline.shutdown();
    }
  });
});

describe('host processes (real kinesalite)', () => {
  let kinesalite: KinesaliteServer;
  let reader: KinesisClient;

  beforeAll(async () => {
    kinesalite = await startKinesalite();
    reader = createTestKinesisClient(kinesalite.endpoint);
  });

  afterAll(async () => {
    reader?.destroy();
    await kinesalite?.close();
  });

  async function spanNames(streamName: string): Promise<string[]> {
    const records = await readStreamRecords(reader, streamName);
    return records
      .flatMap((record) => decodeRecordItems(record.Data!))
      .map((item) => (item.type === 'span' ? item.name : item.name));
  }

  function startFixture(file: string, args: string[]): ChildProcessWithoutNullStreams {
    return spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'test/fixtures/sdk', file), ...args],
      { cwd: REPOSITORY_ROOT, env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '' } },
    );
  }

  it('delivers a call made right before the process ends on its own', async () => {
    const streamName = uniqueStreamName('exit');
    await createStreamAndWait(reader, streamName, 1);
    const child = startFixture('exitAfterCall.ts', [kinesalite.endpoint, streamName, 'last-call']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code, stderr).toBe(0);
    expect(await spanNames(streamName)).toEqual(['last-call']);
  });

  it.each([
    ['one call, handed over by the exit flush', 1],
    ['five calls, four of them waiting in the worker for a shared request', 5],
  ])('delivers from the worker thread %s, and lets the host end', async (_case, calls) => {
    const streamName = uniqueStreamName('worker');
    await createStreamAndWait(reader, streamName, 1);
    const child = startFixture('workerHost.ts', [
      kinesalite.endpoint,
      streamName,
      'worker-call',
      String(calls),
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code, stderr).toBe(0);
    // The worker's AWS client warns about the host's Node.js version (below 22); that notice
    // is the SDK's own business and must not reach the host's stderr.
    expect(stderr).not.toContain('NodeVersionSupportWarning');
    expect(stdout).toContain('exporting on worker');
    expect(await spanNames(streamName)).toEqual(Array.from({ length: calls }, () => 'worker-call'));
  });

  it.each(EXPORT_THREADS)(
    'delivers a span that ends after the first beforeExit, exporting on the %s thread, and lets the host end',
    async (exportThread) => {
      const streamName = uniqueStreamName('late');
      await createStreamAndWait(reader, streamName, 1);
      const child = startFixture('lateSpanHost.ts', [
        kinesalite.endpoint,
        streamName,
        exportThread,
      ]);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

      expect(code, stderr).toBe(0);
      expect((await spanNames(streamName)).sort()).toEqual(['first', 'late']);
    },
  );

  it('loses nothing when the environment is frozen right after each invocation returns', async () => {
    const streamName = uniqueStreamName('lambda');
    await createStreamAndWait(reader, streamName, 1);
    const child = startFixture('lambdaFreeze.ts', [kinesalite.endpoint, streamName]);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      for (const invocation of [1, 2]) {
        child.stdin.write(`${invocation}\n`);
        await waitFor(
          async () => stdout,
          (text) => text.includes(`returned ${invocation}`),
          { timeoutMs: 30_000, intervalMs: 20, what: `invocation ${invocation} to return` },
        );
        child.kill('SIGSTOP');

        const names = await spanNames(streamName);

        expect(names.filter((name) => name === 'freeze-test')).toHaveLength(invocation);
        expect(names.filter((name) => name === 'work')).toHaveLength(invocation);
        child.kill('SIGCONT');
      }
    } finally {
      child.kill('SIGCONT');
      child.stdin.end();
      await new Promise((resolve) => child.on('exit', resolve));
    }
  });
});

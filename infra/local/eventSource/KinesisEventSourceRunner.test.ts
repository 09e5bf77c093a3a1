import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createStreamAndWait,
  createTestKinesisClient,
  startKinesalite,
  uniqueStreamName,
  type KinesaliteServer,
} from '../../../test/helpers/kinesalite.ts';
import { FAILURE_CONDITION } from './constants.ts';
import { createJsonLinesFailureDestination } from './jsonLinesFailureDestination.ts';
import { KinesisEventSourceRunner } from './KinesisEventSourceRunner.ts';
import { compareSequenceNumbers } from './sequenceNumbers.ts';
import {
  buildSettings,
  createRecordingHandler,
  createTemporaryDirectory,
  createTestLogger,
  decodePayload,
  FAST_TIMINGS,
  payloadsFor,
  putPayloads,
} from './testing/factories.ts';
import type {
  EventSourceSettings,
  KinesisEventSourceHandler,
  KinesisOnFailureRecord,
} from './types.ts';

let kinesalite: KinesaliteServer;
let kinesis: KinesisClient;
let workDirectory: Awaited<ReturnType<typeof createTemporaryDirectory>>;
const runners: KinesisEventSourceRunner[] = [];

beforeAll(async () => {
  kinesalite = await startKinesalite();
  kinesis = createTestKinesisClient(kinesalite.endpoint);
  workDirectory = await createTemporaryDirectory();
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
});

afterAll(async () => {
  kinesis?.destroy();
  await kinesalite?.close();
  await workDirectory?.remove();
});

async function createStream(shardCount: number) {
  const streamName = uniqueStreamName('runner');
  const { streamArn } = await createStreamAndWait(kinesis, streamName, shardCount);
  return { streamName, streamArn, checkpointPath: join(workDirectory.path, `${streamName}.json`) };
}

function createRunner(input: {
  streamName: string;
  checkpointPath: string;
  handler: KinesisEventSourceHandler;
  settings?: Partial<EventSourceSettings>;
  onFailure?: (record: KinesisOnFailureRecord) => Promise<void> | void;
  client?: KinesisClient;
  retryBackoff?: { baseMs: number; maxMs: number };
}) {
  const runner = new KinesisEventSourceRunner({
    kinesis: input.client ?? kinesis,
    streamName: input.streamName,
    handler: input.handler,
    settings: buildSettings(input.settings),
    checkpointPath: input.checkpointPath,
    logger: createTestLogger().logger,
    ...FAST_TIMINGS,
    ...(input.retryBackoff ? { retryBackoff: input.retryBackoff } : {}),
    ...(input.onFailure ? { onFailure: input.onFailure } : {}),
  });
  runners.push(runner);
  return runner;
}

describe('KinesisEventSourceRunner', () => {
  it('delivers every record of every shard exactly once, in shard order, as Lambda events', async () => {
    // Prepare
    const { streamName, streamArn, checkpointPath } = await createStream(2);
    const putOnShard0 = await putPayloads(kinesis, streamName, payloadsFor('a', 15), 0);
    const putOnShard1 = await putPayloads(kinesis, streamName, payloadsFor('b', 15), 1);
    const recording = createRecordingHandler();
    const runner = createRunner({
      streamName,
      checkpointPath,
      handler: recording.handler,
      settings: { batchSize: 4 },
    });

    // Act
    await runner.start();
    await runner.waitForIdle();

    // Assess
    const records = recording.invocations.flatMap((event) => event.Records);
    for (const put of [putOnShard0, putOnShard1]) {
      const shardId = put[0]?.shardId;
      const delivered = records.filter((record) => record.eventID.startsWith(`${shardId}:`));
      expect(delivered.map(decodePayload)).toEqual(put.map((entry) => entry.payload));
      expect(delivered.map((record) => record.kinesis.sequenceNumber)).toEqual(
        put.map((entry) => entry.sequenceNumber),
      );
    }
    const first = records[0];
    expect(first).toMatchObject({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventName: 'aws:kinesis:record',
      eventSourceARN: streamArn,
      awsRegion: 'us-east-1',
      eventID: `${putOnShard0[0]?.shardId}:${putOnShard0[0]?.sequenceNumber}`,
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'key-0' },
    });
    expect(first?.invokeIdentityArn).toMatch(/^arn:aws:iam::/);
    expect(first?.kinesis.approximateArrivalTimestamp).toBeCloseTo(Date.now() / 1000, -2);
    expect(recording.contexts[0]?.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(recording.contexts[0]?.functionName).toBe('sightline-ingest');
    expect(runner.getStats()).toMatchObject({ recordsSucceeded: 30, retries: 0, activeShards: 2 });
  });

  it('respects the batch size', async () => {
    // Prepare
    const { streamName, checkpointPath } = await createStream(1);
    await putPayloads(kinesis, streamName, payloadsFor('r', 10));
    const recording = createRecordingHandler();
    const runner = createRunner({
      streamName,
      checkpointPath,
      handler: recording.handler,
      settings: { batchSize: 3 },
    });

    // Act
    await runner.start();
    await runner.waitForIdle();

    // Assess
    expect(recording.invocations.map((event) => event.Records.length)).toEqual([3, 3, 3, 1]);
  });

  it('groups records that arrive within the batching window into one invocation', async () => {
    // Prepare
    const { streamName, checkpointPath } = await createStream(1);
    const recording = createRecordingHandler();
    const runner = createRunner({
      streamName,
      checkpointPath,
      handler: recording.handler,
      settings: { batchSize: 100, maxBatchingWindowMs: 600 },
    });
    await runner.start();

    // Act
    for (const payload of payloadsFor('w', 3)) {
      await putPayloads(kinesis, streamName, [payload]);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await vi.waitFor(() => expect(recording.processed).toHaveLength(3), { timeout: 5_000 });

    // Assess
    expect(recording.invocations).toHaveLength(1);
  });

  it('retries from the lowest reported item failure without redelivering the records before it', async () => {
    // Prepare
    const { streamName, checkpointPath } = await createStream(1);
    const put = await putPayloads(kinesis, streamName, payloadsFor('p', 10));
    const failedItem = put[6]?.sequenceNumber ?? '';
    const recording = createRecordingHandler((_event, index) =>
      index === 0
        ? {
            batchItemFailures: [
              { itemIdentifier: failedItem },
              { itemIdentifier: put[8]?.sequenceNumber ?? '' },
            ],
          }
        : undefined,
    );
    const runner = createRunner({ streamName, checkpointPath, handler: recording.handler });

    // Act
    await runner.start();
    await runner.waitForIdle();

    // Assess
    const retried = recording.invocations[1]?.Records ?? [];
    expect(retried[0]?.kinesis.sequenceNumber).toBe(failedItem);
    expect(retried.map(decodePayload)).toEqual(payloadsFor('p', 10).slice(6));
    expect(recording.processedPayloads()).toEqual(payloadsFor('p', 10));
    expect(runner.getStats()).toMatchObject({ retries: 1, recordsSucceeded: 10 });
  });

  it('isolates a poison record by bisection and sends its coordinates to the destination', async () => {
    // Prepare
    const { streamName, streamArn, checkpointPath } = await createStream(1);
    const payloads = payloadsFor('q', 8);
    const put = await putPayloads(kinesis, streamName, [
      ...payloads.slice(0, 3),
      'poison',
      ...payloads.slice(3),
    ]);
    const poison = put[3];
    const recording = createRecordingHandler((event) => {
      if (event.Records.some((record) => decodePayload(record) === 'poison')) {
        throw new Error('cannot decode poison');
      }
    });
    const failuresPath = join(workDirectory.path, `${streamName}-failures.jsonl`);
    const runner = createRunner({
      streamName,
      checkpointPath,
      handler: recording.handler,
      settings: { retryAttempts: 2 },
      onFailure: createJsonLinesFailureDestination(failuresPath),
    });

    // Act
    await runner.start();
    await runner.waitForIdle();
    await putPayloads(kinesis, streamName, ['after-poison']);
    await runner.waitForIdle();

    // Assess
    expect(recording.processedPayloads()).toEqual([...payloads, 'after-poison']);
    const lines = (await readFile(failuresPath, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const failure = JSON.parse(lines[0] ?? '') as KinesisOnFailureRecord;
    expect(failure).toMatchObject({
      requestContext: { condition: FAILURE_CONDITION.retryAttemptsExhausted },
      responseContext: { functionError: 'Unhandled' },
      KinesisBatchInfo: {
        shardId: poison?.shardId,
        startSequenceNumber: poison?.sequenceNumber,
        endSequenceNumber: poison?.sequenceNumber,
        batchSize: 1,
        streamArn,
      },
      errorContext: { errorMessage: 'cannot decode poison' },
    });
    expect(failure.requestContext.functionArn).toMatch(/^arn:aws:lambda:us-east-1:\d*:function:/);
    // One invocation per halving level above the poison record, then 1 + retryAttempts alone.
    expect(failure.requestContext.approximateInvokeCount).toBeGreaterThanOrEqual(3);
    expect(runner.getStats()).toMatchObject({
      failuresSentToDestination: 1,
      recordsSentToDestination: 1,
    });
  });

  describe.each([{ bisectBatchOnFunctionError: true }, { bisectBatchOnFunctionError: false }])(
    'when the handler fails transiently (bisect: $bisectBatchOnFunctionError)',
    (settings) => {
      it('retries until the records are processed, each exactly once', async () => {
        // Prepare
        const { streamName, checkpointPath } = await createStream(1);
        const payloads = payloadsFor('t', 6);
        await putPayloads(kinesis, streamName, payloads);
        const onFailure = vi.fn();
        const recording = createRecordingHandler((_event, index) => {
          if (index < 3) throw new Error('ClickHouse is unreachable');
        });
        const runner = createRunner({
          streamName,
          checkpointPath,
          handler: recording.handler,
          settings: { ...settings, retryAttempts: 5 },
          onFailure,
        });

        // Act
        await runner.start();
        await runner.waitForIdle();

        // Assess
        expect(recording.processedPayloads()).toEqual(payloads);
        expect(onFailure).not.toHaveBeenCalled();
        expect(runner.getStats().invocations).toBeGreaterThan(3);
      });
    },
  );

  it('sends records older than the maximum record age to the destination without invoking', async () => {
    // Prepare
    const { streamName, checkpointPath } = await createStream(1);
    const stale = await putPayloads(kinesis, streamName, payloadsFor('old', 3));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const failures: KinesisOnFailureRecord[] = [];
    const recording = createRecordingHandler();
    const runner = createRunner({
      streamName,
      checkpointPath,
      handler: recording.handler,
      settings: { maxRecordAgeSeconds: 0.3 },
      onFailure: (record) => {
        failures.push(record);
      },
    });

    // Act
    await runner.start();
    await runner.waitForIdle();
    await putPayloads(kinesis, streamName, ['fresh']);
    await runner.waitForIdle();

    // Assess
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      requestContext: { condition: FAILURE_CONDITION.recordAgeExceeded, approximateInvokeCount: 0 },
      KinesisBatchInfo: {
        startSequenceNumber: stale[0]?.sequenceNumber,
        endSequenceNumber: stale[2]?.sequenceNumber,
        batchSize: 3,
      },
    });
    expect(recording.processedPayloads()).toEqual(['fresh']);
  });

  it('resumes from the checkpoint file after a restart: nothing replayed, nothing skipped', async () => {
    // Prepare
    const { streamName, checkpointPath } = await createStream(2);
    const firstRun = createRecordingHandler();
    const firstRunner = createRunner({ streamName, checkpointPath, handler: firstRun.handler });
    await firstRunner.start();
    await putPayloads(kinesis, streamName, payloadsFor('first-0', 4), 0);
    const lastOnShard1 = (await putPayloads(kinesis, streamName, payloadsFor('first-1', 4), 1)).at(
      -1,
    );
    await firstRunner.waitForIdle();
    await firstRunner.stop();
    await putPayloads(kinesis, streamName, payloadsFor('second-0', 3), 0);
    await putPayloads(kinesis, streamName, payloadsFor('second-1', 3), 1);
    const secondRun = createRecordingHandler();
    const secondRunner = createRunner({ streamName, checkpointPath, handler: secondRun.handler });

    // Act
    await secondRunner.start();
    await secondRunner.waitForIdle();

    // Assess
    expect(firstRun.processedPayloads().sort()).toEqual(
      [...payloadsFor('first-0', 4), ...payloadsFor('first-1', 4)].sort(),
    );
    expect(secondRun.processedPayloads().sort()).toEqual(
      [...payloadsFor('second-0', 3), ...payloadsFor('second-1', 3)].sort(),
    );
    const file = JSON.parse(await readFile(checkpointPath, 'utf8')) as {
      shards: Record<string, { sequenceNumber: string }>;
    };
    const shard1Checkpoint = file.shards[lastOnShard1?.shardId ?? '']?.sequenceNumber ?? '0';
    expect(
      compareSequenceNumbers(shard1Checkpoint, lastOnShard1?.sequenceNumber ?? ''),
    ).toBeGreaterThan(0);
  });

  it('stops during retry back-off at once, and the next run redelivers the unfinished records', async () => {
    // Prepare
    const { streamName, checkpointPath } = await createStream(1);
    await putPayloads(kinesis, streamName, payloadsFor('s', 3));
    const failing = createRecordingHandler(() => {
      throw new Error('down');
    });
    const firstRunner = createRunner({
      streamName,
      checkpointPath,
      handler: failing.handler,
      settings: { retryAttempts: -1, bisectBatchOnFunctionError: false },
      retryBackoff: { baseMs: 60_000, maxMs: 60_000 },
    });
    await firstRunner.start();
    await vi.waitFor(() => expect(failing.invocations).toHaveLength(1));

    // Act
    await firstRunner.stop();
    const recovered = createRecordingHandler();
    const secondRunner = createRunner({ streamName, checkpointPath, handler: recovered.handler });
    await secondRunner.start();
    await secondRunner.waitForIdle();

    // Assess
    expect(recovered.processedPayloads()).toEqual(payloadsFor('s', 3));
  }, 10_000);

  it('counts an invocation that outlives handlerTimeoutMs as a function error and retries', async () => {
    // Prepare
    const { streamName, checkpointPath } = await createStream(1);
    await putPayloads(kinesis, streamName, payloadsFor('h', 2));
    const recording = createRecordingHandler((_event, index) =>
      index === 0 ? new Promise<void>(() => undefined) : undefined,
    );
    const runner = new KinesisEventSourceRunner({
      kinesis,
      streamName,
      handler: recording.handler,
      settings: buildSettings({ bisectBatchOnFunctionError: false }),
      checkpointPath,
      logger: createTestLogger().logger,
      handlerTimeoutMs: 50,
      ...FAST_TIMINGS,
    });
    runners.push(runner);

    // Act
    await runner.start();
    await runner.waitForIdle();

    // Assess
    expect(recording.processedPayloads()).toEqual(payloadsFor('h', 2));
    expect(runner.getStats()).toMatchObject({ invocations: 2, retries: 1 });
  });

  it('lets the in-flight invocation finish on stop and checkpoints it', async () => {
    // Prepare
    const { streamName, checkpointPath } = await createStream(1);
    const put = await putPayloads(kinesis, streamName, payloadsFor('f', 2));
    let finished = false;
    const slow = createRecordingHandler(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      finished = true;
    });
    const runner = createRunner({ streamName, checkpointPath, handler: slow.handler });
    await runner.start();
    await vi.waitFor(() => expect(slow.invocations).toHaveLength(1));

    // Act
    await runner.stop();

    // Assess
    expect(finished).toBe(true);
    const file = JSON.parse(await readFile(checkpointPath, 'utf8')) as {
      shards: Record<string, { sequenceNumber: string }>;
    };
    expect(file.shards[put[1]?.shardId ?? '']?.sequenceNumber).toBe(put[1]?.sequenceNumber);
  });
});

describe('KinesisEventSourceRunner across resharding', () => {
  it('reads a split parent shard to its end before its children, losing nothing', async () => {
    // Prepare
    const { streamName, checkpointPath } = await createStream(1);
    await putPayloads(kinesis, streamName, payloadsFor('parent', 3));
    const recording = createRecordingHandler();
    const runner = createRunner({ streamName, checkpointPath, handler: recording.handler });
    await runner.start();
    await runner.waitForIdle();

    // Act
    await splitOnlyShard(streamName);
    await putPayloads(kinesis, streamName, payloadsFor('child-low', 2), 1);
    await putPayloads(kinesis, streamName, payloadsFor('child-high', 2), 2);
    await runner.waitForIdle();

    // Assess
    const payloads = recording.processedPayloads();
    expect(payloads.slice(0, 3)).toEqual(payloadsFor('parent', 3));
    expect(payloads.slice(3).sort()).toEqual(
      [...payloadsFor('child-high', 2), ...payloadsFor('child-low', 2)].sort(),
    );
    expect(runner.getStats().activeShards).toBe(2);
  });
});

async function splitOnlyShard(streamName: string): Promise<void> {
  await kinesis.send(
    new SplitShardCommand({
      StreamName: streamName,
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: String(2n ** 127n),
    }),
  );
  await createStreamAndWait(kinesis, streamName, 1);
}

describe('KinesisEventSourceRunner with a persisted kinesalite', () => {
  it('resumes after kinesalite and the runner restart, reading only new records', async () => {
    // Prepare
    const directory = await createTemporaryDirectory();
    const streamName = uniqueStreamName('persisted');
    const checkpointPath = join(directory.path, 'checkpoints.json');
    let server = await startKinesalite({ path: join(directory.path, 'kinesis') });
    let client = createTestKinesisClient(server.endpoint);
    try {
      await createStreamAndWait(client, streamName, 1);
      await putPayloads(client, streamName, payloadsFor('before', 3));
      const firstRun = createRecordingHandler();
      const firstRunner = createRunner({
        streamName,
        checkpointPath,
        handler: firstRun.handler,
        client,
      });
      await firstRunner.start();
      await firstRunner.waitForIdle();
      await firstRunner.stop();
      client.destroy();
      await server.close();

      // Act
      server = await startKinesalite({ path: join(directory.path, 'kinesis') });
      client = createTestKinesisClient(server.endpoint);
      const { created } = await createStreamAndWait(client, streamName, 1);
      await putPayloads(client, streamName, payloadsFor('after', 2));
      const secondRun = createRecordingHandler();
      const secondRunner = createRunner({
        streamName,
        checkpointPath,
        handler: secondRun.handler,
        client,
      });
      await secondRunner.start();
      await secondRunner.waitForIdle();
      await secondRunner.stop();

      // Assess
      expect(created).toBe(false);
      expect(firstRun.processedPayloads()).toEqual(payloadsFor('before', 3));
      expect(secondRun.processedPayloads()).toEqual(payloadsFor('after', 2));
    } finally {
      client.destroy();
      await server.close();
      await directory.remove();
    }
  });
});

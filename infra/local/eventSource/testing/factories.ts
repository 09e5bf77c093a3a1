/**
 * Factories for the event-source runner's tests: settings, event records, records put on a
 * chosen shard, recording handlers and loggers, temporary directories.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import type { EventSourceLogger, EventSourceSettings } from '../types.ts';

export function buildSettings(overrides: Partial<EventSourceSettings> = {}): EventSourceSettings {
  return {
    batchSize: 10,
    maxBatchingWindowMs: 0,
    bisectBatchOnFunctionError: true,
    reportBatchItemFailures: true,
    retryAttempts: 2,
    maxRecordAgeSeconds: -1,
    startingPosition: 'TRIM_HORIZON',
    ...overrides,
  };
}

/** Timings small enough for tests: retries and idle polls in milliseconds. */
export const FAST_TIMINGS = {
  retryBackoff: { baseMs: 5, maxMs: 20 },
  idlePollBackoff: { minMs: 10, maxMs: 40 },
  kinesisErrorBackoff: { baseMs: 10, maxMs: 50 },
  shardDiscoveryIntervalMs: 1_000,
} as const;

export function buildEventRecord(
  overrides: {
    sequenceNumber?: string;
    shardId?: string;
    arrivalSeconds?: number;
    data?: string;
  } = {},
): KinesisStreamRecord {
  const shardId = overrides.shardId ?? 'shardId-000000000000';
  const sequenceNumber =
    overrides.sequenceNumber ?? '49590338271490256608559692538361571095921575989136588898';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'key',
      sequenceNumber,
      data: Buffer.from(overrides.data ?? 'payload').toString('base64'),
      approximateArrivalTimestamp: overrides.arrivalSeconds ?? Date.now() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/test',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/test',
  };
}

/** Builds records with ascending sequence numbers that differ beyond Number precision. */
export function buildEventRecords(count: number): KinesisStreamRecord[] {
  const base = 49590338271490256608559692538361571095921575989136588898n;
  return Array.from({ length: count }, (_, index) =>
    buildEventRecord({ sequenceNumber: String(base + BigInt(index)), data: `record-${index}` }),
  );
}

export interface PutRecord {
  payload: string;
  shardId: string;
  sequenceNumber: string;
}

/** Puts payloads in order on the shard with index `shardIndex` (by explicit hash key). */
export async function putPayloads(
  kinesis: KinesisClient,
  streamName: string,
  payloads: readonly string[],
  shardIndex = 0,
): Promise<PutRecord[]> {
  const { Shards: shards = [] } = await kinesis.send(
    new ListShardsCommand({ StreamName: streamName }),
  );
  const shard = shards[shardIndex];
  if (!shard?.ShardId || !shard.HashKeyRange?.StartingHashKey) {
    throw new Error(`Stream ${streamName} has no shard ${shardIndex}`);
  }
  const output = await kinesis.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: payloads.map((payload) => ({
        Data: Buffer.from(payload),
        PartitionKey: `key-${shardIndex}`,
        ExplicitHashKey: shard.HashKeyRange?.StartingHashKey,
      })),
    }),
  );
  if (output.FailedRecordCount) throw new Error(`${output.FailedRecordCount} records failed`);
  return (output.Records ?? []).map((entry, index) => ({
    payload: payloads[index] ?? '',
    shardId: entry.ShardId ?? '',
    sequenceNumber: entry.SequenceNumber ?? '',
  }));
}

export function payloadsFor(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
}

export function decodePayload(record: KinesisStreamRecord): string {
  return Buffer.from(record.kinesis.data, 'base64').toString('utf8');
}

type Behaviour = (
  event: KinesisStreamEvent,
  invocationIndex: number,
) => KinesisStreamBatchResponse | void | Promise<KinesisStreamBatchResponse | void>;

/**
 * A handler that records every invocation and, separately, the records of invocations that
 * succeeded in full or in part — what a real consumer would have stored.
 */
export function createRecordingHandler(behaviour: Behaviour = () => undefined) {
  const invocations: KinesisStreamEvent[] = [];
  const contexts: Context[] = [];
  const processed: KinesisStreamRecord[] = [];
  const handler = async (event: KinesisStreamEvent, context: Context) => {
    invocations.push(event);
    contexts.push(context);
    const response = await behaviour(event, invocations.length - 1);
    const failed = new Set(response?.batchItemFailures.map((item) => item.itemIdentifier));
    const firstFailed = event.Records.findIndex((record) =>
      failed.has(record.kinesis.sequenceNumber),
    );
    processed.push(...(firstFailed === -1 ? event.Records : event.Records.slice(0, firstFailed)));
    return response;
  };
  return {
    handler,
    invocations,
    contexts,
    processed,
    processedPayloads: () => processed.map(decodePayload),
  };
}

export function createTestLogger() {
  const entries: { level: string; message: string; attributes: Record<string, unknown>[] }[] = [];
  const at =
    (level: string) =>
    (message: string, ...attributes: Record<string, unknown>[]) => {
      entries.push({ level, message, attributes });
    };
  const logger: EventSourceLogger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, entries };
}

export async function createTemporaryDirectory(): Promise<{
  path: string;
  remove(): Promise<void>;
}> {
  const path = await mkdtemp(join(tmpdir(), 'sightline-event-source-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

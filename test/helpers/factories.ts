/**
 * Factories for test inputs: spans, scores, signed records and Kinesis events, each with
 * realistic defaults that a test overrides where it matters.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  WIRE_CONTRACT_VERSION,
  frameRecord,
  signItems,
  type EnvelopeHeader,
  type ItemInput,
  type ScoreItem,
  type SpanItemInput,
} from '@sightline/sdk/contract';

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export function buildSpan(overrides: Partial<SpanItemInput> = {}): SpanItemInput {
  const start = Date.now() - 1_500;
  return {
    type: 'span',
    traceId: hex(16),
    spanId: hex(8),
    name: 'chat gpt-4o-mini',
    kind: 'llm',
    startTime: start,
    endTime: start + 1_234.5,
    status: { code: 'ok' },
    operationName: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    usage: { inputTokens: 120, outputTokens: 48 },
    finishReasons: ['stop'],
    inputMessages: [
      { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
    ],
    outputMessages: [
      { role: 'assistant', finishReason: 'stop', parts: [{ type: 'text', content: 'Paris.' }] },
    ],
    userId: 'user_001',
    sessionId: 'session_1',
    environment: 'test',
    ...overrides,
  };
}

export function buildScore(overrides: Partial<ScoreItem> = {}): ScoreItem {
  return {
    type: 'score',
    scoreId: randomUUID(),
    traceId: hex(16),
    name: 'user-feedback',
    value: 1,
    timestamp: Date.now(),
    ...overrides,
  };
}

export interface RecordKey {
  projectId: string;
  keyId: string;
  secret: string;
}

/** A signed record body exactly as the SDK frames it; `gzip` compresses it. */
export function buildRecordData(
  items: readonly (ItemInput | Record<string, unknown>)[],
  key: RecordKey,
  options: { gzip?: boolean; itemsText?: string; header?: Partial<EnvelopeHeader> } = {},
): Buffer {
  const itemsBytes = Buffer.from(options.itemsText ?? JSON.stringify(items));
  const header: EnvelopeHeader = {
    v: WIRE_CONTRACT_VERSION,
    sdk: { name: 'test-sdk', version: '0.0.0' },
    projectId: key.projectId,
    keyId: key.keyId,
    sig: signItems(key.secret, key.projectId, key.keyId, itemsBytes),
    ...options.header,
  };
  const body = frameRecord(header, itemsBytes);
  return options.gzip ? gzipSync(body) : body;
}

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/sightline-spans';
let sequence = 10n ** 20n;

export function buildKinesisRecord(
  data: Buffer,
  overrides: { sequenceNumber?: string; shardId?: string } = {},
): KinesisStreamRecord {
  sequence += 1n;
  const sequenceNumber = overrides.sequenceNumber ?? `4959${sequence}`;
  const shardId = overrides.shardId ?? 'shardId-000000000000';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: hex(4),
      sequenceNumber,
      data: data.toString('base64'),
      approximateArrivalTimestamp: Date.now() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/sightline-ingest',
    awsRegion: 'us-east-1',
    eventSourceARN: STREAM_ARN,
  };
}

export function buildKinesisEvent(records: KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: records };
}

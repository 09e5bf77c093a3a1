/**
 * Factories for test inputs: spans, scores, signed records, Kinesis events and stored span
 * rows, each with realistic defaults that a test overrides where it matters.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  SpanItemSchema,
  WIRE_CONTRACT_VERSION,
  frameRecord,
  signItems,
  type ContractVersion,
  type EnvelopeHeader,
  type ItemInput,
  type ScoreItem,
  type SpanItemInput,
} from '@sightline/sdk/contract';
import { toSpanRow } from '../../functions/store/spanRows.ts';

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

/**
 * A signed record exactly as the SDK frames it (wire contract v2): `gzip` compresses the items
 * and the signature covers them as compressed. `version: 1` builds a record of the previous
 * contract, which ingest still accepts: signed over the uncompressed items, and with `gzip`
 * compressed as a whole.
 */
export function buildRecordData(
  items: readonly (ItemInput | Record<string, unknown>)[],
  key: RecordKey,
  options: {
    gzip?: boolean;
    itemsText?: string;
    header?: Partial<EnvelopeHeader>;
    version?: ContractVersion;
  } = {},
): Buffer {
  const version = options.version ?? WIRE_CONTRACT_VERSION;
  const itemsBytes = Buffer.from(options.itemsText ?? JSON.stringify(items));
  const payload = options.gzip && version !== 1 ? gzipSync(itemsBytes) : itemsBytes;
  const header: EnvelopeHeader = {
    v: version,
    sdk: { name: 'test-sdk', version: '0.0.0' },
    projectId: key.projectId,
    keyId: key.keyId,
    sig: signItems(key.secret, key.projectId, key.keyId, payload, version),
    ...options.header,
  };
  const data = frameRecord(header, payload);
  return options.gzip && version === 1 ? gzipSync(data) : data;
}

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/sightline-spans';
let sequence = 10n ** 20n;

export function buildKinesisRecord(
  data: Buffer,
  overrides: { sequenceNumber?: string; shardId?: string; partitionKey?: string } = {},
): KinesisStreamRecord {
  sequence += 1n;
  const sequenceNumber = overrides.sequenceNumber ?? `4959${sequence}`;
  const shardId = overrides.shardId ?? 'shardId-000000000000';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: overrides.partitionKey ?? hex(4),
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

/**
 * Span attributes as a careless or hostile caller (or a provider's odd response) might give
 * them, one row per kind of value the wire contract refuses: wrong types, empty or null
 * values, numbers that are not finite or not whole, values outside an enumeration. The SDK
 * normalises each on its drain, so every one still leaves it as a span the contract accepts.
 */
export function hostileSpanValues(): Array<[label: string, attributes: Record<string, unknown>]> {
  const part = (fields: Record<string, unknown>) => [{ role: 'user', parts: [fields] }];
  return [
    ['an unknown kind', { kind: 'banana' }],
    ['a kind that is not text', { kind: 42 }],
    ['a status given as text', { status: 'error' }],
    ['an unknown status code', { status: { code: 'failed', message: 42 } }],
    ['a null status', { status: null }],
    ['text fields given numbers and null', { errorType: 404, requestModel: null, provider: 7 }],
    ['text fields given objects', { responseModel: {}, serverAddress: ['a'], release: true }],
    ['empty and numeric ids', { userId: '', sessionId: 42 }],
    [
      'request parameters that are not finite or whole',
      {
        request: {
          temperature: NaN,
          topP: Infinity,
          topK: '5',
          maxTokens: -1,
          frequencyPenalty: null,
          presencePenalty: {},
          seed: 2 ** 60,
          choiceCount: 0,
          outputType: 5,
          stream: 'yes',
        },
      },
    ],
    [
      'a fractional max tokens and a text stop',
      { request: { maxTokens: 1.5, stopSequences: 'END' } },
    ],
    ['stop sequences with null', { request: { stopSequences: [null, 4, 'END'] } }],
    ['request parameters that are not an object', { request: 'fast' }],
    [
      'usage counts that are negative, fractional, NaN or text',
      {
        usage: { inputTokens: -5, outputTokens: 1.5, cachedInputTokens: NaN, reasoningTokens: '7' },
      },
    ],
    ['usage given as a number', { usage: 12 }],
    ['finish reasons given as text', { finishReasons: 'stop' }],
    ['finish reasons with null and numbers', { finishReasons: [null, 42, 'stop'] }],
    ['a negative time to first token', { timeToFirstTokenMs: -1 }],
    ['a NaN time to first token', { timeToFirstTokenMs: NaN }],
    ['system instructions given as text', { systemInstructions: 'be terse' }],
    [
      'system instructions with null content',
      { systemInstructions: [{ type: 'text', content: null }] },
    ],
    [
      'system instructions with a part of an unknown type',
      { systemInstructions: [{ type: 'image' }] },
    ],
    ['system instructions with null parts', { systemInstructions: [null, 7] }],
    [
      'messages with unknown roles',
      {
        inputMessages: [
          { role: 'developer', parts: [{ type: 'text', content: 'rules' }] },
          { role: 'robot', parts: 'beep' },
          { role: 'human', content: 'hi' },
        ],
        outputMessages: [{ role: 'model', parts: [{ type: 'text', content: 'hello' }] }],
      },
    ],
    [
      'messages that are text, null or without parts',
      { inputMessages: ['hi', null, { role: 'user' }] },
    ],
    ['messages given as text', { outputMessages: 'hello' }],
    [
      'a message with a numeric name and finish reason',
      { outputMessages: [{ role: 'assistant', parts: [], name: 5, finishReason: 7 }] },
    ],
    [
      'a text part with an object as content',
      { inputMessages: part({ type: 'text', content: { a: 1 } }) },
    ],
    ['a part without a type', { inputMessages: part({ content: 'no type' }) }],
    [
      'a tool call with an empty name and id',
      { outputMessages: part({ type: 'tool_call', name: '', id: '' }) },
    ],
    ['a tool call without a name', { outputMessages: part({ type: 'tool_call', id: 7 }) }],
    [
      'a tool result without a response',
      { inputMessages: part({ type: 'tool_call_response', id: 5 }) },
    ],
    [
      'a media part with hostile fields',
      { inputMessages: part({ type: 'media', bytes: -1, mimeType: 5, uri: null }) },
    ],
    ['a tool with an empty name', { tool: { name: '', callId: '', type: 9 } }],
    ['a tool given as text', { tool: 'search' }],
    ['a tool without a name', { tool: { callId: 'c1' } }],
    ['a prompt with an empty name', { prompt: { name: '', version: 1 } }],
    ['a prompt with a negative version', { prompt: { name: 'p', version: -1 } }],
    ['a prompt with a fractional version', { prompt: { name: 'p', version: 1.5 } }],
    ['a prompt with an empty version', { prompt: { name: 'p', version: '' } }],
    ['a prompt without a version', { prompt: { name: 'p' } }],
    [
      'prompt variables that are not text',
      { prompt: { name: 'p', version: 2, variables: { a: null, b: 5, c: { d: 1 } } } },
    ],
    ['a prompt given as text', { prompt: 'support' }],
    ['tags given as text', { tags: 'beta' }],
    ['tags that are empty, null or numbers', { tags: ['', null, 42, 'ok'] }],
    ['a null metadata value', { metadata: { orgId: null, plan: 'pro' } }],
    [
      'metadata values that are not finite',
      { metadata: { ratio: NaN, limit: Infinity, floor: -Infinity } },
    ],
    ['a metadata entry with an empty key', { metadata: { '': 'empty key', kept: 1 } }],
    ['metadata given as text', { metadata: 'plan=pro' }],
    ['metadata given as an array', { metadata: [1, 2] }],
    ['a truncated flag that is not a boolean', { truncated: 'yes' }],
    ['a parent span id given as an attribute', { parentSpanId: 'not-a-span-id' }],
  ];
}

/**
 * Values beyond the contract's lengths and counts, or that JSON must carry as text: the SDK's
 * exporter cuts or encodes each, so these too leave it as spans the contract accepts.
 */
export function oversizeSpanValues(): Array<[label: string, attributes: Record<string, unknown>]> {
  const long = (length: number) => 'x'.repeat(length);
  const many = <T>(count: number, entry: (index: number) => T) =>
    Array.from({ length: count }, (_, index) => entry(index));
  return [
    [
      'long text fields',
      {
        errorType: long(500),
        operationName: long(100),
        provider: long(100),
        responseId: long(500),
      },
    ],
    ['long ids', { userId: long(1_000), sessionId: long(1_000) }],
    ['long and many finish reasons', { finishReasons: [long(100), ...many(100, (i) => `r${i}`)] }],
    [
      'long and many stop sequences',
      {
        request: {
          stopSequences: [long(2_000), ...many(100, (i) => `s${i}`)],
          outputType: long(100),
        },
      },
    ],
    [
      'a long tool name and type',
      { tool: { name: long(500), callId: long(500), type: long(100) } },
    ],
    [
      'a message with a long name and finish reason',
      {
        outputMessages: [
          { role: 'assistant', name: long(500), finishReason: long(100), parts: [] },
        ],
      },
    ],
    ['long tags', { tags: [long(500), ...many(100, (i) => `t${i}`)] }],
    ['many metadata entries', { metadata: Object.fromEntries(many(200, (i) => [`k${i}`, i])) }],
    ['a long metadata key and value', { metadata: { [long(300)]: long(10_000) } }],
    [
      'metadata values that are objects, BigInts and functions',
      { metadata: { nested: { a: [1, null] }, big: 10n, fn: () => 1 } },
    ],
    [
      'a long prompt version and variable name',
      { prompt: { name: long(300), version: long(100), variables: { [long(300)]: 'v' } } },
    ],
  ];
}

/** Span names the contract refuses as they are: empty, too long, not text. */
export const HOSTILE_SPAN_NAMES: readonly unknown[] = ['', 'x'.repeat(1_000), 42, undefined, null];

/**
 * Score values with no honest stand-in: the SDK refuses such a score at the call, reports it
 * and counts it as dropped.
 */
export const REFUSED_SCORE_VALUES: readonly unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  null,
  {},
  [1],
  10n,
];

/** The enrichment columns of a stored span (what ingest's detectors and pricing fill). */
export interface StoredSpanEnrichment {
  cost_usd?: number | null;
  pii_types?: string[];
  pii_count?: number;
}

/**
 * A `spans` row for `span` of `projectId` as ingest stores it (ingested at `ingestedAt`, 90
 * days' retention), with the enrichment columns given or empty: for tests that insert rows
 * directly.
 */
export function storedSpanRow(
  span: SpanItemInput,
  projectId: string,
  ingestedAt: number,
  enrichment: StoredSpanEnrichment = {},
) {
  return {
    ...toSpanRow(SpanItemSchema.parse(span), {
      projectId,
      ingestKeyId: 'ik_test',
      sdkName: 'test',
      sdkVersion: '0',
      shardId: 'shard-0',
      sequenceNumber: '1',
      ingestedAt,
      retentionDays: 90,
    }),
    cost_usd: enrichment.cost_usd ?? null,
    pii_types: enrichment.pii_types ?? [],
    pii_count: enrichment.pii_count ?? 0,
  };
}

/**
 * Types of the local Kinesis event-source runner: its options, the handler it calls, the
 * on-failure record it emits (shaped like Lambda's on-failure record for Kinesis), its stats.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { ServerEnv } from '../../../functions/config/env.ts';
import type { FAILURE_CONDITION } from './constants.ts';
import type { EventSourceSettings } from './eventSourceSettings.ts';

export type { EventSourceSettings };

/** A promise-style Lambda handler for Kinesis events; callback-style handlers are not supported. */
export type KinesisEventSourceHandler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse | void> | KinesisStreamBatchResponse | void;

export type FailureCondition = (typeof FAILURE_CONDITION)[keyof typeof FAILURE_CONDITION];

/** What Lambda sends to a Kinesis event source mapping's on-failure destination. */
export interface KinesisOnFailureRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: FailureCondition;
    approximateInvokeCount: number;
  };
  /** Present when the function was invoked at least once for these records. */
  responseContext?: {
    statusCode: number;
    executedVersion: string;
    functionError?: 'Unhandled';
  };
  version: '1.0';
  timestamp: string;
  KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
  /** Not in Lambda's record: the last error, so local debugging needs no log search. */
  errorContext?: { errorType: string; errorMessage: string };
}

export type OnFailureDestination = (record: KinesisOnFailureRecord) => Promise<void> | void;

/** The subset of Powertools' Logger the runner uses; any compatible logger works. */
export interface EventSourceLogger {
  debug(message: string, ...attributes: Record<string, unknown>[]): void;
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

export interface BackoffRange {
  baseMs: number;
  maxMs: number;
}

export interface KinesisEventSourceRunnerOptions {
  /** Preferred; when absent a client is built by `createKinesisClient(env)` and destroyed on stop. */
  kinesis?: KinesisClient;
  env?: ServerEnv;
  streamName: string;
  handler: KinesisEventSourceHandler;
  /** Same shape as `INGEST_EVENT_SOURCE`; validated at construction. */
  settings: EventSourceSettings;
  /** JSON file holding the per-shard checkpoints; created on first write. */
  checkpointPath: string;
  /** Without a destination, exhausted batches are logged, counted and skipped, as Lambda does. */
  onFailure?: OnFailureDestination;
  logger?: EventSourceLogger;
  /** `awsRegion` of event records; defaults to the stream ARN's region. */
  region?: string;
  functionName?: string;
  invokeIdentityArn?: string;
  /** When set, an invocation that has not settled by then counts as a function error. */
  handlerTimeoutMs?: number;
  retryBackoff?: BackoffRange;
  idlePollBackoff?: { minMs: number; maxMs: number };
  kinesisErrorBackoff?: BackoffRange;
  shardDiscoveryIntervalMs?: number;
}

export interface EventSourceStats {
  invocations: number;
  /** Records handed to the handler, retries included. */
  recordsDelivered: number;
  /** Records whose invocation succeeded (each counted once). */
  recordsSucceeded: number;
  retries: number;
  bisections: number;
  failuresSentToDestination: number;
  recordsSentToDestination: number;
  /** Records given up on while no on-failure destination was configured (logged each time). */
  recordsDiscarded: number;
  /** Kinesis calls that failed (throttling, expired iterators, network); all retried. */
  kinesisErrors: number;
  activeShards: number;
}

export interface ShardCheckpoint {
  /** The last sequence number fully processed: succeeded or sent to the destination. */
  sequenceNumber?: string;
  /** The shard is closed and read to its end; its children may be read. */
  shardEnded?: boolean;
}

/** Identifies one incarnation of a stream, so a checkpoint never outlives a recreated stream. */
export interface StreamIdentity {
  streamArn: string;
  streamCreationTimestamp: string;
}

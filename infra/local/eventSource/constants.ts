/**
 * Fixed values of the local Kinesis event-source runner: the record and event field values
 * Lambda uses, the on-failure conditions, and the default timings of polling and retries.
 */

/** Field values of a Lambda `KinesisStreamEvent` record, as the real event source sends them. */
export const KINESIS_EVENT_RECORD = {
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventName: 'aws:kinesis:record',
  kinesisSchemaVersion: '1.0',
} as const;

/** Why a batch went to the on-failure destination (Lambda's `requestContext.condition`). */
export const FAILURE_CONDITION = {
  retryAttemptsExhausted: 'RetryAttemptsExhausted',
  recordAgeExceeded: 'RecordAgeExceeded',
} as const;

export const STARTING_POSITION = {
  trimHorizon: 'TRIM_HORIZON',
  latest: 'LATEST',
} as const;

/** `retryAttempts` / `maxRecordAgeSeconds` value meaning "no limit", as in the Lambda API. */
export const UNLIMITED = -1;

/** Lambda caps a synchronous invocation payload at 6 MB; the event source cuts batches there. */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** GetRecords accepts at most 10,000 records per call. */
export const MAX_GET_RECORDS_LIMIT = 10_000;

export const DEFAULT_TIMINGS = {
  /** Exponential back-off with full jitter between retries of a failed batch. */
  retryBackoff: { baseMs: 100, maxMs: 10_000 },
  /** Polling delay while a shard returns nothing; doubles up to the maximum. */
  idlePollBackoff: { minMs: 200, maxMs: 1_000 },
  /** Back-off after throttling or a failed Kinesis call (ListShards, GetShardIterator, …). */
  kinesisErrorBackoff: { baseMs: 250, maxMs: 5_000 },
  /** How often the shard list is read again to pick up shards created by resharding. */
  shardDiscoveryIntervalMs: 10_000,
  /** What `context.getRemainingTimeInMillis()` counts down from when no timeout is set. */
  nominalFunctionTimeoutMs: 900_000,
} as const;

export const DEFAULT_FUNCTION_NAME = 'sightline-ingest';

export const CHECKPOINT_FILE_VERSION = 1;

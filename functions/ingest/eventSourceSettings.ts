/**
 * The Kinesis event source settings of the ingest function, shared by the CDK stack (the
 * real event source mapping) and the local event-source runner, so both behave alike.
 */
export const INGEST_EVENT_SOURCE = {
  batchSize: 500,
  maxBatchingWindowMs: 1_000,
  bisectBatchOnFunctionError: true,
  reportBatchItemFailures: true,
  /**
   * Retries of one batch before its coordinates go to the on-failure destination: the
   * maximum the event source mapping allows, so that during a long ClickHouse outage the
   * record age below, not a retry count, decides when records are given up. A record that can
   * never be stored does not block its shard: the handler dead-letters it.
   */
  retryAttempts: 10_000,
  /** Records older than this are sent to the on-failure destination instead of processed. */
  maxRecordAgeSeconds: 86_400,
  parallelizationFactor: 1,
  startingPosition: 'TRIM_HORIZON',
} as const;

export type IngestEventSourceSettings = typeof INGEST_EVENT_SOURCE;

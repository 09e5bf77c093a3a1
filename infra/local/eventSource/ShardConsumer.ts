/**
 * Reads one shard the way the Lambda event source mapping does and hands its batches to the
 * handler strictly in order: a batch — with all its retries, bisections and on-failure
 * deliveries — is finished and checkpointed before the next one is formed.
 *
 * Reading: one iterator per shard, starting AFTER_SEQUENCE_NUMBER the checkpoint, else at the
 * configured starting position. GetRecords asks for `batchSize` records; a batch closes when it
 * holds `batchSize` records, when Lambda's 6 MB payload limit would be passed, or when
 * `maxBatchingWindowMs` has passed since its first record (0: invoke with what one read gave).
 * Empty reads back off from `idlePollBackoff.minMs` to `maxMs`; throttling and other Kinesis
 * errors back off exponentially; an expired or invalid iterator is renewed after the last
 * record read, so nothing is read twice or skipped.
 *
 * Processing follows the mapping's rules; see `processBatch`.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { computeBackoffMs, sleepUnlessAborted } from './backoff.ts';
import { interpretBatchResponse, type BatchResult } from './batchResponse.ts';
import type { CheckpointStore } from './checkpointStore.ts';
import {
  DEFAULT_TIMINGS,
  FAILURE_CONDITION,
  MAX_INVOCATION_PAYLOAD_BYTES,
  STARTING_POSITION,
  UNLIMITED,
} from './constants.ts';
import { BatchItemFailuresError, EventSourceError, HandlerTimeoutError } from './errors.ts';
import {
  eventRecordSizeBytes,
  recordAgeMs,
  toKinesisStreamRecord,
  type EventRecordSource,
} from './kinesisStreamEvent.ts';
import { createLambdaContext } from './lambdaContext.ts';
import { buildOnFailureRecord } from './onFailureRecord.ts';
import type {
  BackoffRange,
  EventSourceLogger,
  EventSourceSettings,
  EventSourceStats,
  FailureCondition,
  KinesisEventSourceHandler,
  OnFailureDestination,
} from './types.ts';

export type StartingPosition = (typeof STARTING_POSITION)[keyof typeof STARTING_POSITION];

export interface ShardConsumerContext {
  kinesis: KinesisClient;
  streamName: string;
  recordSource: Omit<EventRecordSource, 'shardId'>;
  functionName: string;
  functionArn: string;
  settings: EventSourceSettings;
  handler: KinesisEventSourceHandler;
  onFailure: OnFailureDestination | undefined;
  logger: EventSourceLogger;
  checkpoints: CheckpointStore;
  /** Shared with the runner and mutated in place. */
  stats: EventSourceStats;
  /** Aborted by `stop()`: ends sleeps and Kinesis calls at once, the handler call is awaited. */
  signal: AbortSignal;
  handlerTimeoutMs: number | undefined;
  retryBackoff: BackoffRange;
  idlePollBackoff: { minMs: number; maxMs: number };
  kinesisErrorBackoff: BackoffRange;
}

/** Records of one batch that still need processing, with their retry accounting. */
interface PendingRecords {
  records: KinesisStreamRecord[];
  /** Retries used from this (sub-)batch's own budget; a bisected half starts again at 0. */
  retries: number;
  /** Invocations that included these records, inherited across bisection. */
  invokeCount: number;
  lastError?: Error;
  lastErrorWasFunctionError: boolean;
}

const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
]);

export class ShardConsumer {
  readonly shardId: string;
  /** `performance.now()` when the last read that found the shard drained (and nothing held) began. */
  lastDrainedPollStartedAt = Number.NEGATIVE_INFINITY;
  ended = false;

  private readonly context: ShardConsumerContext;
  private readonly initialPosition: StartingPosition;
  private readonly recordSource: EventRecordSource;
  private iterator: string | undefined;
  private lastReadSequenceNumber: string | undefined;
  private readonly readAhead: KinesisStreamRecord[] = [];
  private reachedShardEnd = false;
  private emptyReads = 0;
  private failedKinesisCalls = 0;

  constructor(context: ShardConsumerContext, shardId: string, initialPosition: StartingPosition) {
    this.context = context;
    this.shardId = shardId;
    this.initialPosition = initialPosition;
    this.recordSource = { ...context.recordSource, shardId };
  }

  /** Runs until stopped or the (closed) shard is read to its end; never rejects. */
  async run(): Promise<void> {
    const { signal, logger } = this.context;
    while (!signal.aborted && !this.ended) {
      try {
        const batch = await this.nextBatch();
        if (batch.length > 0) await this.processBatch(batch);
        else if (this.reachedShardEnd && this.readAhead.length === 0) await this.finishShard();
      } catch (error) {
        // Not expected (Kinesis and handler errors are handled where they occur); starting
        // over from the checkpoint may replay a batch but never skips one.
        logger.error('Shard loop error; resuming from the checkpoint', {
          shardId: this.shardId,
          error: describeError(error),
        });
        this.iterator = undefined;
        this.lastReadSequenceNumber = undefined;
        this.readAhead.length = 0;
        await sleepUnlessAborted(this.context.kinesisErrorBackoff.maxMs, signal);
      }
    }
  }

  private async nextBatch(): Promise<KinesisStreamRecord[]> {
    const { settings, signal } = this.context;
    const batch: KinesisStreamRecord[] = [];
    let batchBytes = 0;
    let windowEndsAt = Number.POSITIVE_INFINITY;
    while (!signal.aborted) {
      while (batch.length < settings.batchSize && this.readAhead.length > 0) {
        const next = this.readAhead[0] as KinesisStreamRecord;
        const size = eventRecordSizeBytes(next);
        if (batch.length > 0 && batchBytes + size > MAX_INVOCATION_PAYLOAD_BYTES) return batch;
        this.readAhead.shift();
        batch.push(next);
        batchBytes += size;
        if (batch.length === 1) windowEndsAt = Date.now() + settings.maxBatchingWindowMs;
      }
      if (batch.length >= settings.batchSize) return batch;
      if (batch.length > 0 && Date.now() >= windowEndsAt) return batch;
      if (this.reachedShardEnd) return batch;

      const readStartedAt = performance.now();
      const read = await this.readRecords();
      if (!read) continue;
      this.readAhead.push(...read.records);
      // Real Kinesis may return an empty page while records lie further on; read on at once.
      if (read.records.length > 0 || read.millisBehindLatest > 0) {
        this.emptyReads = 0;
        continue;
      }
      // A closed shard is not "drained" but ended; the runner tracks that once its children start.
      if (this.reachedShardEnd) continue;
      if (batch.length === 0) this.lastDrainedPollStartedAt = readStartedAt;
      const idleDelay = Math.min(
        this.context.idlePollBackoff.maxMs,
        this.context.idlePollBackoff.minMs * 2 ** Math.min(this.emptyReads, 20),
      );
      this.emptyReads += 1;
      await sleepUnlessAborted(
        batch.length > 0 ? Math.min(idleDelay, windowEndsAt - Date.now()) : idleDelay,
        signal,
      );
    }
    // Stopped while forming a batch: drop it unprocessed; the checkpoint has not moved past
    // it, so the next run reads it again.
    return [];
  }

  /** One GetRecords call; undefined when it failed (already logged and backed off). */
  private async readRecords(): Promise<
    { records: KinesisStreamRecord[]; millisBehindLatest: number } | undefined
  > {
    const { kinesis, settings, signal, stats, logger } = this.context;
    try {
      this.iterator ??= await this.acquireIterator();
      const output = await kinesis.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: settings.batchSize }),
        { abortSignal: signal },
      );
      this.failedKinesisCalls = 0;
      this.iterator = output.NextShardIterator;
      // No next iterator: the shard is closed (resharded) and everything in it has been read.
      if (!output.NextShardIterator) this.reachedShardEnd = true;
      const records = (output.Records ?? []).map((record) =>
        toKinesisStreamRecord(record, this.recordSource),
      );
      const last = records.at(-1);
      if (last) this.lastReadSequenceNumber = last.kinesis.sequenceNumber;
      return { records, millisBehindLatest: output.MillisBehindLatest ?? 0 };
    } catch (error) {
      if (signal.aborted) return undefined;
      stats.kinesisErrors += 1;
      this.failedKinesisCalls += 1;
      const name = error instanceof Error ? error.name : '';
      // A throttled iterator stays valid; any other failure (expired after a long handler
      // call, invalid, network) gets a fresh iterator placed after the last record read.
      if (!THROTTLING_ERRORS.has(name)) this.iterator = undefined;
      const delayMs = computeBackoffMs(this.failedKinesisCalls, this.context.kinesisErrorBackoff);
      const log = name === 'ExpiredIteratorException' ? logger.debug : logger.warn;
      log.call(logger, 'Reading the shard failed; retrying', {
        shardId: this.shardId,
        error: describeError(error),
        delayMs,
      });
      await sleepUnlessAborted(delayMs, signal);
      return undefined;
    }
  }

  private async acquireIterator(): Promise<string> {
    const { kinesis, streamName, checkpoints, signal } = this.context;
    const after = this.lastReadSequenceNumber ?? checkpoints.get(this.shardId)?.sequenceNumber;
    const position: Partial<GetShardIteratorCommandInput> = after
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
      : { ShardIteratorType: this.initialPosition };
    const output = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: this.shardId,
        ShardIteratorType: 'TRIM_HORIZON',
        ...position,
      }),
      { abortSignal: signal },
    );
    if (!output.ShardIterator) {
      throw new EventSourceError(`GetShardIterator returned no iterator for ${this.shardId}`);
    }
    return output.ShardIterator;
  }

  /**
   * Lambda's rules, applied to one batch until every record in it is done (succeeded, or
   * given to the on-failure destination) or the runner stops:
   * - records older than `maxRecordAgeSeconds` go to the destination (RecordAgeExceeded)
   *   without an invocation — checked before every attempt, so retries age out too;
   * - a reported item failure marks the records before the lowest failed sequence number as
   *   done; the rest is retried (with bisection on, Lambda "splits at the returned sequence
   *   number", which is the same thing);
   * - a function error (or an invalid batch response, which Lambda treats as a complete
   *   failure) splits a batch of more than one record into halves when bisection is on; the
   *   halves run first then second, each with a fresh retry budget, and a split is not a
   *   retry; otherwise the same records are retried;
   * - after `retryAttempts` retries (-1: unlimited) the records go to the destination
   *   (RetryAttemptsExhausted).
   * Retries wait an exponential, jittered back-off. The checkpoint advances after every step
   * that completes records, so a stop between steps replays nothing that was done.
   */
  private async processBatch(records: KinesisStreamRecord[]): Promise<void> {
    const { settings, signal, stats, logger } = this.context;
    // The head is always the next records in shard order; bisection replaces it by its halves.
    const queue: PendingRecords[] = [
      { records, retries: 0, invokeCount: 0, lastErrorWasFunctionError: false },
    ];
    while (queue.length > 0 && !signal.aborted) {
      const pending = queue[0] as PendingRecords;

      const expiredCount = this.countExpired(pending.records);
      if (expiredCount > 0) {
        const expired = pending.records.slice(0, expiredCount);
        const delivered = await this.giveUp(expired, pending, FAILURE_CONDITION.recordAgeExceeded);
        if (!delivered) return;
        pending.records = pending.records.slice(expiredCount);
        if (pending.records.length === 0) queue.shift();
        continue;
      }

      if (pending.invokeCount > 0) {
        await sleepUnlessAborted(
          computeBackoffMs(pending.invokeCount, this.context.retryBackoff),
          signal,
        );
        // Stopping between attempts leaves these records unprocessed and un-checkpointed.
        if (signal.aborted) return;
      }

      const result = await this.invoke(pending.records);
      pending.invokeCount += 1;

      if (result.outcome === 'succeeded') {
        stats.recordsSucceeded += pending.records.length;
        await this.checkpointThrough(pending.records);
        queue.shift();
        continue;
      }

      if (result.outcome === 'partiallyFailed') {
        const done = pending.records.slice(0, result.firstFailedIndex);
        stats.recordsSucceeded += done.length;
        await this.checkpointThrough(done);
        pending.records = pending.records.slice(result.firstFailedIndex);
        pending.lastError = new BatchItemFailuresError(result.failedSequenceNumber);
        pending.lastErrorWasFunctionError = false;
      } else {
        pending.lastError = result.error;
        pending.lastErrorWasFunctionError = result.functionError;
        logger.warn('Batch failed', {
          shardId: this.shardId,
          records: pending.records.length,
          invokeCount: pending.invokeCount,
          error: describeError(result.error),
        });
        if (settings.bisectBatchOnFunctionError && pending.records.length > 1) {
          const middle = Math.ceil(pending.records.length / 2);
          const half = (part: KinesisStreamRecord[]): PendingRecords => ({
            ...pending,
            records: part,
            retries: 0,
          });
          queue.splice(
            0,
            1,
            half(pending.records.slice(0, middle)),
            half(pending.records.slice(middle)),
          );
          stats.bisections += 1;
          continue;
        }
      }

      if (settings.retryAttempts !== UNLIMITED && pending.retries >= settings.retryAttempts) {
        const delivered = await this.giveUp(
          pending.records,
          pending,
          FAILURE_CONDITION.retryAttemptsExhausted,
        );
        if (!delivered) return;
        queue.shift();
        continue;
      }
      pending.retries += 1;
      stats.retries += 1;
    }
  }

  private async invoke(records: KinesisStreamRecord[]): Promise<BatchResult> {
    const { handler, settings, stats, functionName, functionArn, handlerTimeoutMs } = this.context;
    // A fresh copy per invocation, as Lambda deserialises a fresh event each time: a handler
    // that mutates its event must not change what a retry receives.
    const event: KinesisStreamEvent = { Records: structuredClone(records) };
    const lambdaContext = createLambdaContext({
      functionName,
      functionArn,
      timeoutMs: handlerTimeoutMs ?? DEFAULT_TIMINGS.nominalFunctionTimeoutMs,
    });
    stats.invocations += 1;
    stats.recordsDelivered += records.length;
    try {
      const invocation = Promise.resolve().then(() => handler(event, lambdaContext));
      const response = await withTimeout(invocation, handlerTimeoutMs);
      return interpretBatchResponse(response, records, settings.reportBatchItemFailures);
    } catch (error) {
      return { outcome: 'failed', error: toError(error), functionError: true };
    }
  }

  /** Records at the head of the batch older than the maximum age (arrival order = shard order). */
  private countExpired(records: readonly KinesisStreamRecord[]): number {
    const { maxRecordAgeSeconds } = this.context.settings;
    if (maxRecordAgeSeconds === UNLIMITED) return 0;
    const now = Date.now();
    const firstFresh = records.findIndex(
      (record) => recordAgeMs(record, now) <= maxRecordAgeSeconds * 1000,
    );
    return firstFresh === -1 ? records.length : firstFresh;
  }

  /**
   * Sends the records' coordinates to the destination, then checkpoints past them. A failing
   * destination is retried until it accepts (skipping without a record would lose data
   * silently); false when the runner stopped first.
   */
  private async giveUp(
    records: KinesisStreamRecord[],
    pending: PendingRecords,
    condition: FailureCondition,
  ): Promise<boolean> {
    const { onFailure, signal, stats, logger } = this.context;
    const failureRecord = buildOnFailureRecord({
      records,
      shardId: this.shardId,
      streamArn: this.recordSource.streamArn,
      functionArn: this.context.functionArn,
      condition,
      approximateInvokeCount: pending.invokeCount,
      ...(pending.lastError ? { lastError: pending.lastError } : {}),
      functionError: pending.lastErrorWasFunctionError,
    });
    if (onFailure) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await onFailure(failureRecord);
          break;
        } catch (error) {
          logger.error('On-failure destination failed; retrying', {
            shardId: this.shardId,
            error: describeError(error),
          });
          await sleepUnlessAborted(computeBackoffMs(attempt, this.context.retryBackoff), signal);
          if (signal.aborted) return false;
        }
      }
      stats.failuresSentToDestination += 1;
      stats.recordsSentToDestination += records.length;
      logger.warn('Records sent to the on-failure destination', { ...failureRecord });
    } else {
      stats.recordsDiscarded += records.length;
      logger.error('Records discarded: no on-failure destination', { ...failureRecord });
    }
    await this.checkpointThrough(records);
    return true;
  }

  private async checkpointThrough(records: readonly KinesisStreamRecord[]): Promise<void> {
    const last = records.at(-1);
    if (!last) return;
    try {
      await this.context.checkpoints.advance(this.shardId, last.kinesis.sequenceNumber);
    } catch (error) {
      // The checkpoint stays advanced in memory; the next write (at the latest on stop) saves it.
      this.context.logger.error('Could not persist the checkpoint', {
        shardId: this.shardId,
        error: describeError(error),
      });
    }
  }

  private async finishShard(): Promise<void> {
    this.ended = true;
    try {
      await this.context.checkpoints.markShardEnded(this.shardId);
    } catch (error) {
      this.context.logger.error('Could not persist the end of the shard', {
        shardId: this.shardId,
        error: describeError(error),
      });
    }
    this.context.logger.info('Shard read to its end', { shardId: this.shardId });
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeoutError(timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function describeError(error: unknown): { name: string; message: string } {
  const { name, message } = toError(error);
  return { name, message };
}

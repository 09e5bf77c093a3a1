/**
 * The local stand-in for Lambda's Kinesis event source mapping: reads every shard of a stream
 * and calls the same handler with real `KinesisStreamEvent`s, under the mapping's semantics.
 *
 * - Shards: one loop per shard from ListShards, read again every `shardDiscoveryIntervalMs`
 *   and whenever a shard ends. A closed parent shard is read to its end before its children
 *   start (from TRIM_HORIZON), as Lambda does, so a key's records stay in order across
 *   resharding. `parallelizationFactor` is not emulated: one batch per shard at a time.
 * - Order: a shard's next batch is never formed before the previous one is done.
 * - Start position: AFTER_SEQUENCE_NUMBER the shard's checkpoint, else `startingPosition`
 *   (a shard without a checkpoint that is read from LATEST skips records put while stopped,
 *   as a new mapping at LATEST would).
 * - Batching: GetRecords with Limit = batchSize; a batch closes at batchSize records, at
 *   Lambda's 6 MB payload limit, or maxBatchingWindowMs after its first record. Empty reads
 *   back off (idlePollBackoff); throttling and errors back off; expired iterators are renewed.
 * - Outcomes (details in `ShardConsumer.processBatch`): a ReportBatchItemFailures response
 *   completes the records before the lowest failed sequence number and retries the rest; an
 *   item identifier that is empty, null or not in the batch fails the whole batch; a thrown
 *   error bisects the batch (bisectBatchOnFunctionError, each half with a fresh retry
 *   budget) or retries it; retries back off exponentially with jitter. After retryAttempts
 *   retries (-1: unlimited), or once records are older than maxRecordAgeSeconds, the batch's
 *   coordinates go to `onFailure` as Lambda's on-failure record and the shard moves on.
 * - Checkpoints: per shard, the last sequence number succeeded or sent to the destination,
 *   persisted atomically after each step to `checkpointPath`; a stop and restart neither
 *   replays nor skips. Delivery is at-least-once, like Lambda's: records of an invocation that
 *   failed may be delivered again, and a stop between retries leaves them to the next run.
 * - `stop()` lets an in-flight handler call finish and checkpoints it, abandons back-offs,
 *   batching windows and Kinesis calls at once, and leaves no timer behind.
 * - The loops never throw: errors are logged (Powertools Logger unless one is given),
 *   counted in `getStats()`, and retried with back-off.
 */
import {
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  type KinesisClient,
  type ListShardsCommandInput,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { Logger } from '@aws-lambda-powertools/logger';
import { createKinesisClient } from '../../../functions/aws/awsClients.ts';
import { serverEnv } from '../../../functions/config/env.ts';
import { CheckpointStore } from './checkpointStore.ts';
import { DEFAULT_FUNCTION_NAME, DEFAULT_TIMINGS, STARTING_POSITION } from './constants.ts';
import { EventSourceError, IdleTimeoutError, RunnerStateError } from './errors.ts';
import { parseEventSourceSettings } from './eventSourceSettings.ts';
import { parseArn } from './kinesisStreamEvent.ts';
import {
  describeError,
  ShardConsumer,
  type ShardConsumerContext,
  type StartingPosition,
} from './ShardConsumer.ts';
import type {
  EventSourceLogger,
  EventSourceSettings,
  EventSourceStats,
  KinesisEventSourceRunnerOptions,
} from './types.ts';

type RunnerState = 'created' | 'running' | 'stopping' | 'stopped';

interface RunningShard {
  consumer: ShardConsumer;
  done: Promise<void>;
  /** The loop has ended (shard read to its end) and discovery of its children has begun. */
  finished: boolean;
}

const IDLE_CHECK_INTERVAL_MS = 10;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export class KinesisEventSourceRunner {
  private readonly options: KinesisEventSourceRunnerOptions;
  private readonly settings: EventSourceSettings;
  private readonly logger: EventSourceLogger;
  private readonly kinesis: KinesisClient;
  private readonly ownsKinesisClient: boolean;
  private readonly checkpoints: CheckpointStore;
  private readonly abortController = new AbortController();
  private readonly shards = new Map<string, RunningShard>();
  private readonly stats: EventSourceStats = {
    invocations: 0,
    recordsDelivered: 0,
    recordsSucceeded: 0,
    retries: 0,
    bisections: 0,
    failuresSentToDestination: 0,
    recordsSentToDestination: 0,
    recordsDiscarded: 0,
    kinesisErrors: 0,
    activeShards: 0,
  };
  private state: RunnerState = 'created';
  private checkpointsLoaded = false;
  private consumerContext: ShardConsumerContext | undefined;
  private discoveryTimer: NodeJS.Timeout | undefined;
  private discovery: Promise<void> | undefined;
  private rediscoverRequested = false;
  private stopping: Promise<void> | undefined;

  constructor(options: KinesisEventSourceRunnerOptions) {
    if (!options.streamName) throw new EventSourceError('streamName is required');
    this.options = options;
    this.settings = parseEventSourceSettings(options.settings);
    this.logger =
      options.logger ??
      new Logger({
        serviceName: 'sightline-event-source',
        persistentKeys: { streamName: options.streamName },
      });
    this.ownsKinesisClient = options.kinesis === undefined;
    this.kinesis = options.kinesis ?? createKinesisClient(options.env ?? serverEnv());
    this.checkpoints = new CheckpointStore(options.checkpointPath);
  }

  /**
   * Reads the stream's description and the checkpoints, then starts one loop per shard.
   * Rejects (and releases everything) when the stream cannot be read or the checkpoint file
   * is unusable — the only errors that surface; after start, errors are logged and retried.
   */
  async start(): Promise<void> {
    if (this.state !== 'created') {
      throw new RunnerStateError(`start() called on a ${this.state} runner; create a new one`);
    }
    this.state = 'running';
    try {
      this.consumerContext = await this.prepare();
      await this.discoverShards();
      this.scheduleDiscovery(this.discoveryIntervalMs);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops polling, lets the in-flight invocation finish, persists checkpoints. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  /**
   * Resolves once every shard has been read empty by a read that began after this call,
   * with all records before it processed — "caught up with what was put before the call".
   */
  async waitForIdle(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const since = performance.now();
    for (;;) {
      if (this.state !== 'running') {
        throw new RunnerStateError(`waitForIdle() called on a ${this.state} runner`);
      }
      const shards = [...this.shards.values()];
      const caughtUp = shards.every(
        (shard) => shard.finished || shard.consumer.lastDrainedPollStartedAt >= since,
      );
      if (shards.length > 0 && caughtUp && !this.discovery) return;
      if (performance.now() - since > timeoutMs) throw new IdleTimeoutError(timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, IDLE_CHECK_INTERVAL_MS));
    }
  }

  getStats(): EventSourceStats {
    const activeShards = [...this.shards.values()].filter((shard) => !shard.consumer.ended).length;
    return { ...this.stats, activeShards };
  }

  private get discoveryIntervalMs(): number {
    return this.options.shardDiscoveryIntervalMs ?? DEFAULT_TIMINGS.shardDiscoveryIntervalMs;
  }

  private async prepare(): Promise<ShardConsumerContext> {
    const { streamName } = this.options;
    let summary;
    try {
      const output = await this.kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
        { abortSignal: this.abortController.signal },
      );
      summary = output.StreamDescriptionSummary;
    } catch (error) {
      throw new EventSourceError(
        `Cannot read stream ${streamName}: ${describeError(error).message}`,
        {
          cause: error,
        },
      );
    }
    if (!summary?.StreamARN) {
      throw new EventSourceError(`DescribeStreamSummary returned no ARN for ${streamName}`);
    }
    const streamArn = summary.StreamARN;
    const { discardedStaleCheckpoints } = await this.checkpoints.load({
      streamArn,
      streamCreationTimestamp: summary.StreamCreationTimestamp?.toISOString() ?? '',
    });
    this.checkpointsLoaded = true;
    if (discardedStaleCheckpoints) {
      this.logger.warn(
        'Checkpoints belong to an earlier stream of the same name; starting afresh',
        {
          checkpointPath: this.options.checkpointPath,
        },
      );
    }

    const arn = parseArn(streamArn);
    const region = this.options.region ?? arn.region;
    const functionName = this.options.functionName ?? DEFAULT_FUNCTION_NAME;
    return {
      kinesis: this.kinesis,
      streamName,
      recordSource: {
        streamArn,
        awsRegion: region,
        invokeIdentityArn:
          this.options.invokeIdentityArn ??
          `arn:aws:iam::${arn.accountId}:role/${functionName}-role`,
      },
      functionName,
      functionArn: `arn:aws:lambda:${region}:${arn.accountId}:function:${functionName}`,
      settings: this.settings,
      handler: this.options.handler,
      onFailure: this.options.onFailure,
      logger: this.logger,
      checkpoints: this.checkpoints,
      stats: this.stats,
      signal: this.abortController.signal,
      handlerTimeoutMs: this.options.handlerTimeoutMs,
      retryBackoff: this.options.retryBackoff ?? DEFAULT_TIMINGS.retryBackoff,
      idlePollBackoff: this.options.idlePollBackoff ?? DEFAULT_TIMINGS.idlePollBackoff,
      kinesisErrorBackoff: this.options.kinesisErrorBackoff ?? DEFAULT_TIMINGS.kinesisErrorBackoff,
    };
  }

  private async discoverShards(): Promise<void> {
    const shards = await this.listShards();
    if (this.state !== 'running' || !this.consumerContext) return;
    const listed = new Set(shards.map((shard) => shard.ShardId));
    for (const shard of shards) {
      const shardId = shard.ShardId;
      if (!shardId || this.shards.has(shardId)) continue;
      if (this.checkpoints.get(shardId)?.shardEnded) continue;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (parent): parent is string => parent !== undefined && listed.has(parent),
      );
      // A child waits until its parents are read to the end (a parent trimmed away is done).
      if (!parents.every((parent) => this.checkpoints.get(parent)?.shardEnded)) continue;
      const continuesParent = parents.some(
        (parent) => this.checkpoints.get(parent)?.sequenceNumber !== undefined,
      );
      const position: StartingPosition = continuesParent
        ? STARTING_POSITION.trimHorizon
        : this.settings.startingPosition;
      this.startShard(this.consumerContext, shardId, position);
    }
  }

  private startShard(
    context: ShardConsumerContext,
    shardId: string,
    position: StartingPosition,
  ): void {
    const consumer = new ShardConsumer(context, shardId, position);
    const shard: RunningShard = { consumer, done: Promise.resolve(), finished: false };
    shard.done = consumer.run().then(() => {
      // A shard that ended may have children that can start now.
      if (consumer.ended) this.runDiscovery();
      shard.finished = consumer.ended;
    });
    this.shards.set(shardId, shard);
    this.logger.debug('Reading shard', { shardId, position });
  }

  private async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      // ListShards refuses StreamName together with NextToken.
      const input: ListShardsCommandInput = nextToken
        ? { NextToken: nextToken }
        : { StreamName: this.options.streamName };
      const output = await this.kinesis.send(new ListShardsCommand(input), {
        abortSignal: this.abortController.signal,
      });
      shards.push(...(output.Shards ?? []));
      nextToken = output.NextToken;
    } while (nextToken);
    return shards;
  }

  private runDiscovery(): void {
    if (this.state !== 'running') return;
    if (this.discovery) {
      this.rediscoverRequested = true;
      return;
    }
    this.discovery = this.discoverShards()
      .catch((error: unknown) => {
        if (this.abortController.signal.aborted) return;
        this.stats.kinesisErrors += 1;
        this.logger.warn('Listing shards failed; will retry', { error: describeError(error) });
      })
      .finally(() => {
        this.discovery = undefined;
        // Started synchronously, so `waitForIdle` never sees a gap between two discoveries.
        if (this.rediscoverRequested) {
          this.rediscoverRequested = false;
          this.runDiscovery();
        } else {
          this.scheduleDiscovery(this.discoveryIntervalMs);
        }
      });
  }

  private scheduleDiscovery(delayMs: number): void {
    if (this.state !== 'running') return;
    clearTimeout(this.discoveryTimer);
    this.discoveryTimer = setTimeout(() => {
      this.discoveryTimer = undefined;
      this.runDiscovery();
    }, delayMs);
  }

  private async shutDown(): Promise<void> {
    this.state = 'stopping';
    clearTimeout(this.discoveryTimer);
    this.discoveryTimer = undefined;
    this.abortController.abort();
    await this.discovery;
    await Promise.all([...this.shards.values()].map((shard) => shard.done));
    // Each step already persisted its checkpoint; this retries any write that failed.
    if (this.checkpointsLoaded) {
      try {
        await this.checkpoints.persist();
      } catch (error) {
        this.logger.error('Could not persist checkpoints on stop', {
          checkpointPath: this.options.checkpointPath,
          error: describeError(error),
        });
      }
    }
    if (this.ownsKinesisClient) this.kinesis.destroy();
    this.state = 'stopped';
  }
}

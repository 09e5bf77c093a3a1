/**
 * The local stand-in for Lambda's SQS event source mapping over the local judge queue: it
 * receives up to `batchSize` messages, calls the handler with a real `SQSEvent`, deletes the
 * messages the handler did not report in `batchItemFailures`, and leaves the rest to come
 * back after the queue's visibility timeout (a thrown error, or a failure identifier that is
 * empty or names no message of the batch, leaves the whole batch, as Lambda does). The
 * queue moves a message to its dead-letter list after maxReceiveCount deliveries.
 *
 * `stop()` lets an in-flight batch finish and leaves no timer behind; the loop never throws
 * (errors are logged and counted in `stats`).
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalJudgeQueue, ReceivedMessage } from '../../../functions/judge/LocalJudgeQueue.ts';
import { createLambdaContext } from '../eventSource/lambdaContext.ts';

export interface LocalQueueRunnerOptions {
  queue: LocalJudgeQueue;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;
  batchSize: number;
  functionTimeoutMs: number;
  /** How long to wait when the queue is empty. */
  idlePollMs?: number;
  queueArn?: string;
  region?: string;
  logger?: { error(message: string, ...extra: unknown[]): void };
}

export interface LocalQueueRunnerStats {
  batches: number;
  deleted: number;
  failed: number;
  handlerErrors: number;
}

const DEFAULT_IDLE_POLL_MS = 200;

export function toSqsRecord(message: ReceivedMessage, queueArn: string, region: string): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(message.sentAt),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export class LocalQueueRunner {
  readonly stats: LocalQueueRunnerStats = { batches: 0, deleted: 0, failed: 0, handlerErrors: 0 };
  readonly #options: LocalQueueRunnerOptions;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: LocalQueueRunnerOptions) {
    this.#options = options;
  }

  /** Receives and handles one batch; the number of messages received. */
  async pollOnce(): Promise<number> {
    const { queue, handler, batchSize, functionTimeoutMs } = this.#options;
    const messages = queue.receive(batchSize);
    if (messages.length === 0) return 0;
    const queueArn = this.#options.queueArn ?? 'arn:aws:sqs:us-east-1:000000000000:sightline-judge';
    const region = this.#options.region ?? 'us-east-1';
    const event: SQSEvent = {
      Records: messages.map((message) => toSqsRecord(message, queueArn, region)),
    };
    this.stats.batches += 1;
    let failedIds: Set<string>;
    try {
      const response = await handler(
        event,
        createLambdaContext({
          functionName: 'sightline-judge',
          functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:sightline-judge',
          timeoutMs: functionTimeoutMs,
        }),
      );
      failedIds = new Set((response?.batchItemFailures ?? []).map((item) => item.itemIdentifier));
      const inBatch = new Set(messages.map((message) => message.messageId));
      // Like Lambda: an identifier that is empty or names no message of the batch fails it all.
      if ([...failedIds].some((id) => !id || !inBatch.has(id))) failedIds = inBatch;
    } catch (error) {
      this.stats.handlerErrors += 1;
      this.#options.logger?.error('judge handler threw; the batch will be retried', {
        error: (error as Error)?.name,
      });
      failedIds = new Set(messages.map((message) => message.messageId));
    }
    const succeeded = messages.filter((message) => !failedIds.has(message.messageId));
    this.stats.failed += messages.length - succeeded.length;
    this.stats.deleted += queue.deleteBatch(succeeded.map((message) => message.receiptHandle));
    return messages.length;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const idlePollMs = this.#options.idlePollMs ?? DEFAULT_IDLE_POLL_MS;
    while (this.#running) {
      let received = 0;
      try {
        received = await this.pollOnce();
      } catch (error) {
        this.#options.logger?.error('local judge queue poll failed', {
          error: (error as Error)?.name,
        });
      }
      if (received > 0 || !this.#running) continue;
      const wait = Math.min(idlePollMs, this.#options.queue.nextVisibleInMs() ?? idlePollMs);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, Math.max(wait, 10));
      });
      this.#timer = undefined;
      this.#wake = undefined;
    }
  }
}

/**
 * The judge queue in AWS: SendMessageBatch, ten jobs per call (SQS's limit), each message
 * body a JSON judge job (identifiers only).
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EnqueueResult, JudgeQueue } from './JudgeQueue.ts';
import type { JudgeJob } from './types.ts';

const SQS_BATCH_LIMIT = 10;

export class SqsJudgeQueue implements JudgeQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async enqueue(jobs: readonly JudgeJob[]): Promise<EnqueueResult> {
    const result: EnqueueResult = { sent: 0, failed: 0 };
    for (let start = 0; start < jobs.length; start += SQS_BATCH_LIMIT) {
      const chunk = jobs.slice(start, start + SQS_BATCH_LIMIT);
      try {
        const response = await this.#client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.#queueUrl,
            Entries: chunk.map((job, index) => ({
              Id: String(index),
              MessageBody: JSON.stringify(job),
            })),
          }),
        );
        const failed = response.Failed?.length ?? 0;
        result.failed += failed;
        result.sent += chunk.length - failed;
      } catch {
        result.failed += chunk.length;
      }
    }
    return result;
  }
}

import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { LocalJudgeQueue } from '../../../functions/judge/LocalJudgeQueue.ts';
import type { JudgeJob } from '../../../functions/judge/types.ts';
import { hex } from '../../../test/helpers/factories.ts';
import { LocalQueueRunner } from './LocalQueueRunner.ts';

const buildJob = (): JudgeJob => ({
  projectId: 'p-runner',
  traceId: hex(16),
  spanId: hex(8),
  rubric: 'helpfulness',
});

function queueWithClock() {
  const clock = { now: 5_000_000 };
  const queue = new LocalJudgeQueue({
    visibilityTimeoutMs: 10_000,
    maxReceiveCount: 2,
    now: () => clock.now,
  });
  return { queue, clock };
}

describe('LocalQueueRunner', () => {
  it('hands the handler SQS records and deletes all but the reported failures', async () => {
    // Prepare
    const { queue, clock } = queueWithClock();
    await queue.enqueue([buildJob(), buildJob(), buildJob()]);
    const events: SQSEvent[] = [];
    const runner = new LocalQueueRunner({
      queue,
      batchSize: 10,
      functionTimeoutMs: 1_000,
      handler: async (event) => {
        events.push(event);
        // The second message of the first batch fails every time.
        return { batchItemFailures: [{ itemIdentifier: events[0]?.Records[1]?.messageId ?? '' }] };
      },
    });

    // Act
    await runner.pollOnce();
    clock.now += 10_000;
    await runner.pollOnce();

    // Assess
    expect(events[0]?.Records.map((record) => record.attributes.ApproximateReceiveCount)).toEqual([
      '1',
      '1',
      '1',
    ]);
    expect(events[0]?.Records[0]).toMatchObject({ eventSource: 'aws:sqs' });
    expect(events[1]?.Records.map((record) => record.messageId)).toEqual([
      events[0]?.Records[1]?.messageId,
    ]);
    expect(runner.stats).toMatchObject({ batches: 2, deleted: 2, failed: 2 });
  });

  it.each([
    ['an empty identifier', ''],
    ['an identifier not in the batch', 'not-a-message-of-this-batch'],
  ])('fails the whole batch for %s, as Lambda does', async (_name, itemIdentifier) => {
    // Prepare
    const { queue } = queueWithClock();
    await queue.enqueue([buildJob(), buildJob()]);
    const runner = new LocalQueueRunner({
      queue,
      batchSize: 10,
      functionTimeoutMs: 1_000,
      handler: async () => ({ batchItemFailures: [{ itemIdentifier }] }),
    });

    // Act
    await runner.pollOnce();

    // Assess
    expect(runner.stats).toMatchObject({ deleted: 0, failed: 2 });
    expect(queue.depth).toBe(2);
  });

  it('keeps the whole batch when the handler throws, until it is dead-lettered', async () => {
    // Prepare
    const { queue, clock } = queueWithClock();
    await queue.enqueue([buildJob(), buildJob()]);
    const runner = new LocalQueueRunner({
      queue,
      batchSize: 10,
      functionTimeoutMs: 1_000,
      handler: () => Promise.reject(new Error('ClickHouse down')),
    });

    // Act
    for (let round = 0; round < 3; round += 1) {
      await runner.pollOnce();
      clock.now += 10_000;
    }
    queue.receive(10);

    // Assess
    expect(runner.stats.handlerErrors).toBe(2);
    expect(queue.depth).toBe(0);
    expect(queue.deadLetters()).toHaveLength(2);
  });

  it('runs in the background until stopped, leaving nothing behind', async () => {
    // Prepare
    const queue = new LocalJudgeQueue({ visibilityTimeoutMs: 10_000, maxReceiveCount: 3 });
    const handled: string[] = [];
    const runner = new LocalQueueRunner({
      queue,
      batchSize: 10,
      functionTimeoutMs: 1_000,
      idlePollMs: 20,
      handler: async (event) => {
        handled.push(...event.Records.map((record) => record.messageId));
        return { batchItemFailures: [] };
      },
    });

    // Act
    runner.start();
    await queue.enqueue([buildJob(), buildJob()]);
    await vi.waitFor(() => expect(queue.depth).toBe(0));
    await runner.stop();

    // Assess
    expect(handled).toHaveLength(2);
    expect(runner.stats.deleted).toBe(2);
  });
});

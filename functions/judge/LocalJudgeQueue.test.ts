import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hex } from '../../test/helpers/factories.ts';
import { LocalJudgeQueue } from './LocalJudgeQueue.ts';
import type { JudgeJob } from './types.ts';

const VISIBILITY_MS = 1_000;

function buildJob(overrides: Partial<JudgeJob> = {}): JudgeJob {
  return {
    projectId: 'p-queue',
    traceId: hex(16),
    spanId: hex(8),
    rubric: 'relevance',
    ...overrides,
  };
}

function queueWithClock(options: { path?: string; maxReceiveCount?: number } = {}) {
  const clock = { now: 1_000_000 };
  const queue = new LocalJudgeQueue({
    visibilityTimeoutMs: VISIBILITY_MS,
    maxReceiveCount: options.maxReceiveCount ?? 3,
    now: () => clock.now,
    ...(options.path ? { path: options.path } : {}),
  });
  return { queue, clock };
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

describe('LocalJudgeQueue', () => {
  it('hides a received message until the visibility timeout, then delivers it again', async () => {
    // Prepare
    const { queue, clock } = queueWithClock();
    await queue.enqueue([buildJob()]);

    // Act
    const first = queue.receive(10);
    const whileInvisible = queue.receive(10);
    clock.now += VISIBILITY_MS;
    const again = queue.receive(10);

    // Assess
    expect(first).toHaveLength(1);
    expect(whileInvisible).toEqual([]);
    expect(again.map((message) => [message.messageId, message.receiveCount])).toEqual([
      [first[0]?.messageId, 2],
    ]);
  });

  it('deletes by the latest receipt handle only', async () => {
    // Prepare
    const { queue, clock } = queueWithClock();
    await queue.enqueue([buildJob()]);
    const [stale] = queue.receive(1);
    clock.now += VISIBILITY_MS;
    const [current] = queue.receive(1);

    // Act
    const deletedStale = queue.delete(stale?.receiptHandle ?? '');
    const deletedCurrent = queue.delete(current?.receiptHandle ?? '');

    // Assess
    expect([deletedStale, deletedCurrent]).toEqual([false, true]);
    expect(queue.depth).toBe(0);
  });

  it('moves a message to the dead letters after maxReceiveCount deliveries', async () => {
    // Prepare
    const { queue, clock } = queueWithClock({ maxReceiveCount: 2 });
    const job = buildJob();
    await queue.enqueue([job]);

    // Act
    const deliveries: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      deliveries.push(queue.receive(10).length);
      clock.now += VISIBILITY_MS;
    }

    // Assess
    expect(deliveries).toEqual([1, 1, 0, 0]);
    expect(queue.depth).toBe(0);
    expect(queue.deadLetters().map((message) => JSON.parse(message.body))).toEqual([job]);
  });

  it('receives at most the batch size, oldest first', async () => {
    // Prepare
    const { queue } = queueWithClock();
    const jobs = Array.from({ length: 5 }, () => buildJob());
    await queue.enqueue(jobs);

    // Act
    const batch = queue.receive(3);

    // Assess
    expect(batch.map((message) => JSON.parse(message.body))).toEqual(jobs.slice(0, 3));
    expect(queue.nextVisibleInMs()).toBe(0);
  });

  it('keeps waiting, in-flight and dead messages across a restart', async () => {
    // Prepare
    const directory = mkdtempSync(path.join(tmpdir(), 'sightline-judge-queue-'));
    directories.push(directory);
    const file = path.join(directory, 'judge-queue.json');
    const { queue, clock } = queueWithClock({ path: file, maxReceiveCount: 1 });
    const [dead, inFlight, waiting] = [buildJob(), buildJob(), buildJob()];
    await queue.enqueue([dead]);
    queue.receive(1);
    clock.now += VISIBILITY_MS;
    queue.receive(1);
    await queue.enqueue([inFlight, waiting]);
    queue.receive(1);

    // Act
    const reopened = new LocalJudgeQueue({
      path: file,
      visibilityTimeoutMs: VISIBILITY_MS,
      maxReceiveCount: 1,
      now: () => clock.now,
    });
    const visibleNow = reopened.receive(10);

    // Assess
    expect(reopened.depth).toBe(2);
    expect(visibleNow.map((message) => JSON.parse(message.body))).toEqual([waiting]);
    expect(reopened.deadLetters().map((message) => JSON.parse(message.body))).toEqual([dead]);
  });
});

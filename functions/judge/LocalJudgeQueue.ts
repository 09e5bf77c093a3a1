/**
 * The judge queue of the local stack, with the SQS semantics the judge function relies on:
 * a received message stays invisible for the visibility timeout and comes back if not
 * deleted, each delivery counts, and a message received more than `maxReceiveCount` times
 * moves to a dead-letter list instead of being delivered again. State is kept in one JSON
 * file written atomically after every change, so a restart neither loses nor replays jobs
 * beyond what SQS would (at-least-once). Without a path it lives in memory.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { EnqueueResult, JudgeQueue } from './JudgeQueue.ts';
import type { JudgeJob } from './types.ts';

const StoredMessageSchema = z.object({
  messageId: z.string(),
  body: z.string(),
  sentAt: z.number(),
  receiveCount: z.number().int().min(0),
  visibleAt: z.number(),
  receiptHandle: z.string().optional(),
});

const QueueFileSchema = z.object({
  messages: z.array(StoredMessageSchema),
  deadLetters: z.array(StoredMessageSchema),
});

export type StoredMessage = z.infer<typeof StoredMessageSchema>;

export interface ReceivedMessage {
  messageId: string;
  body: string;
  receiptHandle: string;
  receiveCount: number;
  sentAt: number;
}

export interface LocalJudgeQueueOptions {
  /** The JSON file holding the queue; in memory when omitted. */
  path?: string;
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
  now?: () => number;
}

export class LocalJudgeQueue implements JudgeQueue {
  readonly #options: LocalJudgeQueueOptions;
  readonly #now: () => number;
  #messages: StoredMessage[] = [];
  #deadLetters: StoredMessage[] = [];

  constructor(options: LocalJudgeQueueOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    if (options.path && existsSync(options.path)) {
      const stored = QueueFileSchema.parse(JSON.parse(readFileSync(options.path, 'utf8')));
      this.#messages = stored.messages;
      this.#deadLetters = stored.deadLetters;
    }
  }

  async enqueue(jobs: readonly JudgeJob[]): Promise<EnqueueResult> {
    const now = this.#now();
    for (const job of jobs) {
      this.#messages.push({
        messageId: randomUUID(),
        body: JSON.stringify(job),
        sentAt: now,
        receiveCount: 0,
        visibleAt: now,
      });
    }
    this.#persist();
    return { sent: jobs.length, failed: 0 };
  }

  /** Up to `max` visible messages, now invisible for the visibility timeout. */
  receive(max: number): ReceivedMessage[] {
    const now = this.#now();
    const received: ReceivedMessage[] = [];
    const kept: StoredMessage[] = [];
    for (const message of this.#messages) {
      if (received.length >= max || message.visibleAt > now) {
        kept.push(message);
      } else if (message.receiveCount >= this.#options.maxReceiveCount) {
        // Like SQS's redrive policy: moved when a receive would exceed maxReceiveCount.
        const { receiptHandle: _handle, ...deadLetter } = message;
        this.#deadLetters.push(deadLetter);
      } else {
        message.receiveCount += 1;
        message.visibleAt = now + this.#options.visibilityTimeoutMs;
        message.receiptHandle = randomUUID();
        kept.push(message);
        received.push({
          messageId: message.messageId,
          body: message.body,
          receiptHandle: message.receiptHandle,
          receiveCount: message.receiveCount,
          sentAt: message.sentAt,
        });
      }
    }
    this.#messages = kept;
    this.#persist();
    return received;
  }

  /** Deletes a received message; false when the handle is stale (it was received again). */
  delete(receiptHandle: string): boolean {
    return this.deleteBatch([receiptHandle]) === 1;
  }

  /** Deletes received messages in one write; how many handles were current. */
  deleteBatch(receiptHandles: readonly string[]): number {
    const handles = new Set(receiptHandles);
    const before = this.#messages.length;
    this.#messages = this.#messages.filter(
      (message) => message.receiptHandle === undefined || !handles.has(message.receiptHandle),
    );
    const deleted = before - this.#messages.length;
    if (deleted > 0) this.#persist();
    return deleted;
  }

  /** Messages waiting or in flight. */
  get depth(): number {
    return this.#messages.length;
  }

  /** Milliseconds until the next message becomes visible (0: one is visible now). */
  nextVisibleInMs(): number | undefined {
    if (this.#messages.length === 0) return undefined;
    let next = Infinity;
    for (const message of this.#messages) next = Math.min(next, message.visibleAt);
    return Math.max(0, next - this.#now());
  }

  deadLetters(): readonly StoredMessage[] {
    return this.#deadLetters;
  }

  #persist(): void {
    const path = this.#options.path;
    if (!path) return;
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(
      temporary,
      JSON.stringify({ messages: this.#messages, deadLetters: this.#deadLetters }),
    );
    renameSync(temporary, path);
  }
}

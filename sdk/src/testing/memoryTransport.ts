/**
 * A transport that keeps items in memory, for tests: `items()` builds deferred items exactly as
 * KinesisTransport does on its drain (by calling the queued function), and `spans()` returns the
 * spans, each checked against the wire contract so a mapping that breaks the contract fails the
 * test that produced it.
 */
import { SpanItemSchema, type ItemInput, type SpanItemInput } from '../contract/index.ts';
import { Sightline, type SightlineOptions } from '../Sightline.ts';
import type { QueuedItem, Transport, TransportStats } from '../transport/types.ts';

export class ContractViolationError extends Error {
  readonly code = 'CONTRACT_VIOLATION';
  constructor(
    message: string,
    readonly item: unknown,
  ) {
    super(message);
    this.name = 'ContractViolationError';
  }
}

export class MemoryTransport implements Transport {
  #queued: QueuedItem[] = [];
  #flushes = 0;
  #closed = false;

  enqueue(item: QueuedItem): void {
    if (!this.#closed) this.#queued.push(item);
  }

  /** Every item enqueued so far, deferred ones built now. */
  items(): ItemInput[] {
    return this.#queued.map((queued) => (typeof queued === 'function' ? queued() : queued));
  }

  /** The spans enqueued so far, in the order they ended; throws if one breaks the contract. */
  spans(): SpanItemInput[] {
    const spans = this.items().filter((item): item is SpanItemInput => item.type === 'span');
    for (const span of spans) {
      const parsed = SpanItemSchema.safeParse(span);
      if (!parsed.success)
        throw new ContractViolationError(
          `span "${span.name}" breaks the wire contract: ${parsed.error.message}`,
          span,
        );
    }
    return spans;
  }

  clear(): void {
    this.#queued = [];
  }

  /** How many times `flush()` was called. */
  get flushes(): number {
    return this.#flushes;
  }

  flush(): Promise<void> {
    this.#flushes += 1;
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  stats(): TransportStats {
    return {
      queued: this.#queued.length,
      queuedBytes: 0,
      sent: 0,
      dropped: 0,
      retried: 0,
      truncated: 0,
    };
  }
}

/** A client over a fresh MemoryTransport, collecting what it reports through `onError`. */
export function memoryTracer(options: Partial<SightlineOptions> = {}) {
  const transport = new MemoryTransport();
  const errors: unknown[] = [];
  const sightline = new Sightline({
    transport,
    flushOnExit: false,
    onError: (error) => errors.push(error),
    ...options,
  });
  return { sightline, transport, errors };
}

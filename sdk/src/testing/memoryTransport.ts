/**
 * A transport that keeps items in memory, for tests: `items()` builds queued items exactly as
 * KinesisTransport does on its drain (calling a deferred item's function, then `conformItem`,
 * which may refuse one: counted in `stats().dropped`), once each, and `spans()` returns the
 * spans, each checked against the wire contract so a mapping that breaks the contract fails the
 * test that produced it. The exporter's cutting to the contract's lengths is not applied.
 */
import { SpanItemSchema, type ItemInput, type SpanItemInput } from '../contract/index.ts';
import { Sightline, type SightlineOptions } from '../Sightline.ts';
import type { QueuedItem, Transport, TransportStats } from '../transport/types.ts';
import { conformItem } from '../truncateItem.ts';

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
  /** Items built from `#queued`, in order; `#builtUpTo` queued ones were built. */
  #built: ItemInput[] = [];
  #builtUpTo = 0;
  #refused = 0;
  #flushes = 0;
  #closed = false;

  enqueue(item: QueuedItem): void {
    if (!this.#closed) this.#queued.push(item);
  }

  /** Every item enqueued so far and not refused, those not built yet built now. */
  items(): ItemInput[] {
    this.#build();
    return [...this.#built];
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
    this.#built = [];
    this.#builtUpTo = 0;
    this.#refused = 0;
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
    this.#build();
    return {
      queued: this.#built.length,
      queuedBytes: 0,
      sent: 0,
      dropped: this.#refused,
      retried: 0,
      truncated: 0,
    };
  }

  #build(): void {
    while (this.#builtUpTo < this.#queued.length) {
      const queued = this.#queued[this.#builtUpTo]!;
      // A builder that throws is not passed over: the test reading the items sees it throw.
      const conformed = conformItem(typeof queued === 'function' ? queued() : queued);
      this.#builtUpTo += 1;
      if (conformed.item) this.#built.push(conformed.item);
      else this.#refused += 1;
    }
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

/**
 * The tracing client: creates spans, links parents through AsyncLocalStorage, and hands
 * finished spans and scores to the transport. Instrumentation failures are reported to
 * `onError`, never thrown into the host application.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ItemInput, ScoreItem } from './contract/index.ts';
import { newSpanId, newTraceId } from './ids.ts';
import { SpanHandle, type SpanAttributes } from './SpanHandle.ts';
import type { Transport, TransportStats } from './transport/types.ts';

export interface SightlineOptions {
  transport: Transport;
  environment?: string;
  release?: string;
  /** Flush before the process exits (on `beforeExit`). Default true. */
  flushOnExit?: boolean;
  onError?: (error: unknown) => void;
}

export interface StartSpanOptions {
  /** The parent span; defaults to the active one. `null` starts a new trace. */
  parent?: SpanHandle | null;
  startTime?: number;
}

export interface ScoreInput {
  traceId: string;
  spanId?: string;
  name: string;
  value: number | string | boolean;
  comment?: string;
  userId?: string;
}

type Callback<T> = (span: SpanHandle) => T;

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

export class Sightline {
  readonly #transport: Transport;
  readonly #defaults: SpanAttributes;
  readonly #onError: (error: unknown) => void;
  readonly #context = new AsyncLocalStorage<SpanHandle>();
  readonly #flushOnExit: () => void;

  constructor(options: SightlineOptions) {
    this.#transport = options.transport;
    this.#defaults = {
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.release ? { release: options.release } : {}),
    };
    this.#onError = options.onError ?? (() => {});
    this.#flushOnExit = () => void this.flush();
    if (options.flushOnExit !== false) process.once('beforeExit', this.#flushOnExit);
  }

  /** The span whose callback is running, if any. */
  activeSpan(): SpanHandle | undefined {
    return this.#context.getStore();
  }

  startSpan(
    name: string,
    attributes: SpanAttributes = {},
    options: StartSpanOptions = {},
  ): SpanHandle {
    const parent = options.parent === undefined ? this.activeSpan() : (options.parent ?? undefined);
    return new SpanHandle({
      traceId: parent?.traceId ?? newTraceId(),
      spanId: newSpanId(),
      parentSpanId: parent?.spanId,
      name,
      startTime: options.startTime ?? Date.now(),
      attributes: { ...this.#defaults, ...attributes },
      onEnd: (span) => this.#send(span),
    });
  }

  /** Runs `fn` in a new trace's root span. */
  trace<T>(name: string, fn: Callback<T>): T;
  trace<T>(name: string, attributes: SpanAttributes, fn: Callback<T>): T;
  trace<T>(name: string, attributesOrFn: SpanAttributes | Callback<T>, maybeFn?: Callback<T>): T {
    return this.#run(name, attributesOrFn, maybeFn, null);
  }

  /** Runs `fn` in a child span of the active span (or a new trace if none is active). */
  span<T>(name: string, fn: Callback<T>): T;
  span<T>(name: string, attributes: SpanAttributes, fn: Callback<T>): T;
  span<T>(name: string, attributesOrFn: SpanAttributes | Callback<T>, maybeFn?: Callback<T>): T {
    return this.#run(name, attributesOrFn, maybeFn, undefined);
  }

  score(input: ScoreInput): void {
    try {
      const score: ItemInput = {
        type: 'score',
        scoreId: randomUUID(),
        timestamp: Date.now(),
        ...input,
      } satisfies ScoreItem;
      this.#transport.enqueue(score);
    } catch (error) {
      this.#onError(error);
    }
  }

  stats(): TransportStats {
    return this.#transport.stats();
  }

  flush(): Promise<void> {
    return this.#transport.flush().catch((error: unknown) => this.#onError(error));
  }

  async shutdown(): Promise<void> {
    process.removeListener('beforeExit', this.#flushOnExit);
    await this.#transport.shutdown().catch((error: unknown) => this.#onError(error));
  }

  #run<T>(
    name: string,
    attributesOrFn: SpanAttributes | Callback<T>,
    maybeFn: Callback<T> | undefined,
    parent: null | undefined,
  ): T {
    const fn = (typeof attributesOrFn === 'function' ? attributesOrFn : maybeFn) as Callback<T>;
    const attributes = typeof attributesOrFn === 'function' ? {} : attributesOrFn;
    const span = this.startSpan(name, attributes, { parent });
    let result: T;
    try {
      result = this.#context.run(span, () => fn(span));
    } catch (error) {
      span.recordError(error).end();
      throw error;
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (value) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          span.recordError(error).end();
          throw error;
        },
      ) as T;
    }
    span.end();
    return result;
  }

  #send(span: ItemInput): void {
    try {
      this.#transport.enqueue(span);
    } catch (error) {
      this.#onError(error);
    }
  }
}

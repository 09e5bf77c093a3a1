/**
 * A span being recorded: collects attributes until `end()`, then hands the finished span to
 * the transport. Ending twice is a no-op; nothing here throws into the caller.
 */
import type { SpanItemInput } from './contract/index.ts';

export type SpanAttributes = Partial<
  Omit<
    SpanItemInput,
    'type' | 'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'startTime' | 'endTime'
  >
>;

export class SpanHandle {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly startTime: number;
  #attributes: SpanAttributes;
  #ended = false;
  readonly #onEnd: (span: SpanItemInput) => void;

  constructor(init: {
    traceId: string;
    spanId: string;
    parentSpanId: string | undefined;
    name: string;
    startTime: number;
    attributes: SpanAttributes;
    onEnd: (span: SpanItemInput) => void;
  }) {
    this.traceId = init.traceId;
    this.spanId = init.spanId;
    this.parentSpanId = init.parentSpanId;
    this.name = init.name;
    this.startTime = init.startTime;
    this.#attributes = { ...init.attributes };
    this.#onEnd = init.onEnd;
  }

  get ended(): boolean {
    return this.#ended;
  }

  update(attributes: SpanAttributes): this {
    if (!this.#ended) this.#attributes = { ...this.#attributes, ...attributes };
    return this;
  }

  /** Marks the span failed with the error's type and message. */
  recordError(error: unknown): this {
    const err = error as { name?: unknown; message?: unknown } | null;
    return this.update({
      status: { code: 'error', message: String(err?.message ?? error) },
      errorType: typeof err?.name === 'string' ? err.name : typeof error,
    });
  }

  end(attributes: SpanAttributes = {}, endTime: number = Date.now()): void {
    if (this.#ended) return;
    this.update(attributes);
    this.#ended = true;
    this.#onEnd({
      ...this.#attributes,
      status: this.#attributes.status ?? { code: 'ok' },
      type: 'span',
      traceId: this.traceId,
      spanId: this.spanId,
      ...(this.parentSpanId ? { parentSpanId: this.parentSpanId } : {}),
      name: this.name,
      startTime: this.startTime,
      endTime: Math.max(endTime, this.startTime),
    });
  }
}

/**
 * A span being recorded: collects attributes until `end()`, then hands the finished span to
 * the client. Ending twice is a no-op; nothing here throws into the caller. A span of an
 * unsampled trace records nothing but still carries ids, so its children stay unsampled.
 */
import { isEpochMillis, type SpanItemInput } from './contract/index.ts';

export type SpanAttributes = Partial<
  Omit<
    SpanItemInput,
    'type' | 'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'startTime' | 'endTime'
  >
>;

/** Attributes computed later, off the caller's path (when the transport serialises the span). */
export type DeferredAttributes = () => SpanAttributes;

/** What an ended span hands to the client: the span, possibly with attributes still to build. */
export interface EndedSpan {
  span: SpanItemInput;
  deferred: DeferredAttributes[];
}

export interface SpanHandleInit {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  startTime: number;
  attributes: SpanAttributes;
  sampled: boolean;
  onEnd: (ended: EndedSpan) => void;
  /** Told when attributes could not be read (a throwing getter, a revoked proxy). */
  onError?: (error: unknown) => void;
}

/** Epoch milliseconds with sub-millisecond precision, cheaply. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/**
 * `Object.assign(target, source)` that never throws: a source that cannot be read whole
 * (throwing getters, a revoked proxy) is copied key by key, without what throws. Returns the
 * error that stopped the plain copy, for the caller to report.
 */
export function assignAttributes(target: SpanAttributes, source: unknown): unknown {
  try {
    Object.assign(target, source);
    return undefined;
  } catch (error) {
    try {
      for (const key of Object.keys(source as object)) {
        try {
          (target as Record<string, unknown>)[key] = (source as Record<string, unknown>)[key];
        } catch {
          // This attribute is unreadable; the others still count.
        }
      }
    } catch {
      // Not even its keys can be read: nothing of it is recorded.
    }
    return error;
  }
}

export class SpanHandle {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly startTime: number;
  /** False when head sampling left this trace out: the span is not sent. */
  readonly sampled: boolean;
  #attributes: SpanAttributes;
  #deferred: DeferredAttributes[] | undefined;
  #ended = false;
  readonly #onEnd: (ended: EndedSpan) => void;
  readonly #onError: ((error: unknown) => void) | undefined;

  constructor(init: SpanHandleInit) {
    this.traceId = init.traceId;
    this.spanId = init.spanId;
    this.parentSpanId = init.parentSpanId;
    this.name = init.name;
    this.startTime = init.startTime;
    this.sampled = init.sampled;
    this.#attributes = init.attributes;
    this.#onEnd = init.onEnd;
    this.#onError = init.onError;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The user and session this span belongs to; children inherit them. */
  get userId(): string | undefined {
    return this.#attributes.userId;
  }

  get sessionId(): string | undefined {
    return this.#attributes.sessionId;
  }

  update(attributes: SpanAttributes | DeferredAttributes): this {
    if (this.#ended || !this.sampled) return this;
    // In place: the handle owns its attribute object, and V8 handles repeated object spreads
    // (a spread of a spread, then new properties) several times slower than Object.assign.
    if (typeof attributes === 'function') (this.#deferred ??= []).push(attributes);
    else {
      const failure = assignAttributes(this.#attributes, attributes);
      if (failure !== undefined) this.#onError?.(failure);
    }
    return this;
  }

  /** Records when the first token of a streamed response arrived (once). */
  markFirstToken(at: number = nowMs()): this {
    if (this.#attributes.timeToFirstTokenMs === undefined && this.sampled && !this.#ended)
      this.#attributes.timeToFirstTokenMs = Math.max(0, at - this.startTime);
    return this;
  }

  /** Marks the span failed with the error's type and message. */
  recordError(error: unknown): this {
    let name: unknown;
    let message: unknown;
    try {
      name = (error as { name?: unknown } | null)?.name;
      message = (error as { message?: unknown } | null)?.message;
    } catch {
      // A hostile error object (throwing getters, revoked proxies) still marks the span failed.
    }
    return this.update({
      status: { code: 'error', message: safeString(message ?? error) },
      errorType: typeof name === 'string' ? name : typeof error,
    });
  }

  end(attributes?: SpanAttributes | DeferredAttributes, endTime: number = nowMs()): void {
    if (this.#ended) return;
    if (attributes) this.update(attributes);
    this.#ended = true;
    if (!this.sampled) return;
    const span = this.#attributes as SpanItemInput;
    span.type = 'span';
    span.traceId = this.traceId;
    span.spanId = this.spanId;
    // The handle's own parent, whatever attributes claimed one.
    if (this.parentSpanId) span.parentSpanId = this.parentSpanId;
    else if ('parentSpanId' in span) delete span.parentSpanId;
    span.name = this.name;
    span.startTime = this.startTime;
    // An end time the contract refuses (NaN, seconds instead of milliseconds…): the span ends now.
    span.endTime = Math.max(isEpochMillis(endTime) ? endTime : nowMs(), this.startTime);
    span.status ??= { code: 'ok' };
    // The attribute object is the transport's now (deferred attributes are merged into it when
    // it is built): the handle keeps what children inherit as it is at the end.
    this.#attributes = { userId: span.userId, sessionId: span.sessionId };
    this.#onEnd({ span, deferred: this.#deferred ?? [] });
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable error]';
  }
}

/**
 * The tracing client: creates spans, links parents through AsyncLocalStorage, samples whole
 * traces, and hands finished spans and scores to the transport. Everything costly runs later,
 * never on the caller's path: building deferred attributes, dropping content and the mask hook
 * (user functions, so on the host's thread) once per event-loop turn; serialisation and the
 * rest of the export in the transport's worker thread. Instrumentation failures go to
 * `onError`; nothing here throws into the host application.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ItemInput, ScoreItem, SpanKind } from './contract/index.ts';
import { chainPromise, isPromiseLike } from './chainPromise.ts';
import { SightlineConfigError } from './config.ts';
import { newSpanId, newTraceId } from './ids.ts';
import { maskScore, prepareSpan, type PrivacyOptions } from './privacy.ts';
import { isTraceSampled } from './sampling.ts';
import { toPlainData } from './toPlainData.ts';
import {
  assignAttributes,
  nowMs,
  SpanHandle,
  type EndedSpan,
  type SpanAttributes,
} from './SpanHandle.ts';
import type { Transport, TransportStats } from './transport/types.ts';

export interface SightlineOptions extends PrivacyOptions {
  transport: Transport;
  environment?: string;
  release?: string;
  /** Share of traces recorded, decided once per trace from its id (0–1). Default 1. */
  sampleRate?: number;
  /** Flush before the process exits (on `beforeExit`). Default true. */
  flushOnExit?: boolean;
  onError?: (error: unknown) => void;
}

export interface StartSpanOptions {
  /** The parent span; defaults to the active one. `null` starts a new trace. */
  parent?: SpanHandle | null;
  startTime?: number;
}

export interface ObserveOptions {
  kind?: SpanKind;
  attributes?: SpanAttributes;
  /** Start a new trace even when a span is active. */
  newTrace?: boolean;
  /** Record the arguments / the result (JSON, cut to the metadata limit). Default false. */
  captureArgs?: boolean;
  captureResult?: boolean;
}

export interface ScoreInput {
  traceId: string;
  spanId?: string;
  name: string;
  value: number | string | boolean;
  comment?: string;
  userId?: string;
}

export type ScoreTarget = string | SpanHandle | { traceId: string; spanId?: string };

type Callback<T> = (span: SpanHandle) => T;
type ParentFields = Pick<SpanHandle, 'traceId' | 'spanId' | 'sampled' | 'userId' | 'sessionId'>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- observe keeps any function's own signature
type AnyFunction = (...args: any[]) => any;

const TRACE_ID = /^[0-9a-f]{32}$/;

/** A probe that throws (a revoked proxy, a throwing getter) means "not an async iterator". */
function isAsyncIterator(value: unknown): value is AsyncGenerator {
  try {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as AsyncGenerator).next === 'function' &&
      typeof (value as AsyncGenerator)[Symbol.asyncIterator] === 'function'
    );
  } catch {
    return false;
  }
}

export class Sightline {
  readonly #transport: Transport;
  readonly #defaults: SpanAttributes;
  readonly #privacy: PrivacyOptions;
  readonly #sampleRate: number;
  readonly #onError: (error: unknown) => void;
  readonly #context = new AsyncLocalStorage<SpanHandle>();
  readonly #flushOnExit: () => void;
  readonly #onSpanEnd = (ended: EndedSpan): void => this.#send(ended);

  constructor(options: SightlineOptions) {
    this.#transport = options.transport;
    this.#defaults = {
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.release ? { release: options.release } : {}),
    };
    this.#privacy = Object.freeze({
      ...(options.captureContent !== undefined ? { captureContent: options.captureContent } : {}),
      ...(options.mask ? { mask: options.mask } : {}),
    });
    this.#onError = (error) => {
      try {
        options.onError?.(error);
      } catch {
        // A throwing error callback must not reach the host either.
      }
    };
    const sampleRate = options.sampleRate ?? 1;
    // NaN would keep no trace at all, silently: a rate that is not a number keeps them all.
    if (typeof sampleRate === 'number' && !Number.isNaN(sampleRate))
      this.#sampleRate = Math.min(1, Math.max(0, sampleRate));
    else {
      this.#sampleRate = 1;
      this.#onError(
        new SightlineConfigError(
          `Sightline SDK: sampleRate must be a number from 0 to 1, got ${String(sampleRate)}; using 1`,
        ),
      );
    }
    // On every beforeExit, not once: work a beforeExit handler schedules may end spans after
    // the first. Flushing only when something is queued lets the process end once all is sent.
    this.#flushOnExit = () => {
      try {
        if (this.#transport.stats().queued > 0) void this.flush();
      } catch (error) {
        this.#onError(error);
      }
    };
    if (options.flushOnExit !== false) process.on('beforeExit', this.#flushOnExit);
  }

  /** The transport this client sends with, for exporters that share it (OpenTelemetry bridge). */
  get transport(): Transport {
    return this.#transport;
  }

  /** The privacy settings this client applies (the OpenTelemetry bridge inherits them). */
  get privacy(): Readonly<PrivacyOptions> {
    return this.#privacy;
  }

  /** The share of traces this client records (the OpenTelemetry bridge inherits it). */
  get sampleRate(): number {
    return this.#sampleRate;
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
    const parent = this.#parentOf(options);
    const traceId = parent?.traceId ?? newTraceId();
    const spanAttributes: SpanAttributes = { ...this.#defaults };
    if (parent?.userId !== undefined) spanAttributes.userId = parent.userId;
    if (parent?.sessionId !== undefined) spanAttributes.sessionId = parent.sessionId;
    const failure = assignAttributes(spanAttributes, attributes);
    if (failure !== undefined) this.#onError(failure);
    let startTime = nowMs();
    try {
      if (Number.isFinite(options.startTime)) startTime = options.startTime!;
    } catch (error) {
      this.#onError(error);
    }
    return new SpanHandle({
      traceId,
      spanId: newSpanId(),
      parentSpanId: parent?.spanId,
      name,
      startTime,
      attributes: spanAttributes,
      sampled: parent ? parent.sampled : isTraceSampled(traceId, this.#sampleRate),
      onEnd: this.#onSpanEnd,
      onError: this.#onError,
    });
  }

  /** Runs `fn` with `span` as the active span (children created inside link to it). */
  withSpan<T>(span: SpanHandle, fn: () => T): T {
    return this.#context.run(span, fn);
  }

  /** Runs `fn` in a new trace's root span. */
  trace<T>(name: string, fn: Callback<T>): T;
  trace<T>(name: string, attributes: SpanAttributes, fn: Callback<T>): T;
  trace<T>(name: string, attributesOrFn: SpanAttributes | Callback<T>, maybeFn?: Callback<T>): T {
    const [attributes, fn] = splitArgs(attributesOrFn, maybeFn);
    return this.#run(this.startSpan(name, attributes, { parent: null }), fn);
  }

  /** Runs `fn` in a child span of the active span (or a new trace if none is active). */
  span<T>(name: string, fn: Callback<T>): T;
  span<T>(name: string, attributes: SpanAttributes, fn: Callback<T>): T;
  span<T>(name: string, attributesOrFn: SpanAttributes | Callback<T>, maybeFn?: Callback<T>): T {
    const [attributes, fn] = splitArgs(attributesOrFn, maybeFn);
    return this.#run(this.startSpan(name, attributes), fn);
  }

  /**
   * Wraps `fn` so every call runs in its own span: sync functions, async functions and async
   * generators (the span ends when the generator finishes). The wrapper keeps `fn`'s type and
   * returns what `fn` returned: a thenable that is not a native promise (an APIPromise, a query
   * builder) comes back with its own class and methods, and its span ends when the caller awaits
   * it (never awaited, the span stays open and is not sent). Errors are recorded and re-thrown
   * unchanged.
   */
  observe<F extends AnyFunction>(name: string, fn: F, options: ObserveOptions = {}): F {
    const startOptions: StartSpanOptions = options.newTrace ? { parent: null } : {};
    const start = (): SpanHandle => this.startSpan(name, { ...attributes }, startOptions);
    const run = <T>(span: SpanHandle, call: () => T): T =>
      this.#run(
        span,
        call,
        options.captureResult ? (value) => span.update(() => captured('output', value)) : undefined,
      );
    const attributes: SpanAttributes = options.kind ? { kind: options.kind } : {};
    const failure = assignAttributes(attributes, options.attributes);
    if (failure !== undefined) this.#onError(failure);
    const observed = function (this: unknown, ...args: unknown[]): unknown {
      const span = start();
      if (options.captureArgs && span.sampled) span.update(() => captured('input', args));
      return run(span, () => fn.apply(this, args) as unknown);
    };
    Object.defineProperty(observed, 'name', { value: fn.name, configurable: true });
    return observed as F;
  }

  /** Feedback on a trace or a span: `score(traceId | span | {traceId, spanId}, name, value, comment?)`. */
  score(
    target: ScoreTarget | ScoreInput,
    name?: string,
    value?: number | string | boolean,
    comment?: string,
  ): void {
    try {
      const input = toScoreInput(target, name, value, comment);
      // A trace head sampling left out is never stored: its score would have nothing to score.
      if (!isTraceSampled(input.traceId, this.#sampleRate)) return;
      const score: ScoreItem = {
        type: 'score',
        scoreId: randomUUID(),
        timestamp: Date.now(),
        ...input,
      };
      const mask = this.#privacy.mask;
      // Comments are the user's own words: masked like span text, off the caller's path.
      if (mask) this.#transport.enqueue(() => maskScore(score, mask) as ItemInput);
      else this.#transport.enqueue(score as ItemInput);
    } catch (error) {
      this.#onError(error);
    }
  }

  /** Reports an instrumentation failure to the `onError` hook (integrations use it). */
  reportError(error: unknown): void {
    this.#onError(error);
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

  /** What a new span takes from its parent, read once; an unreadable parent starts a new trace. */
  #parentOf(options: StartSpanOptions): ParentFields | undefined {
    try {
      const parent =
        options.parent === undefined ? this.activeSpan() : (options.parent ?? undefined);
      if (!parent) return undefined;
      const { traceId, spanId, sampled, userId, sessionId } = parent;
      return { traceId, spanId, sampled, userId, sessionId };
    } catch (error) {
      this.#onError(error);
      return undefined;
    }
  }

  #run<T>(span: SpanHandle, fn: Callback<T>, onResult?: (value: unknown) => void): T {
    let result: T;
    try {
      result = this.#context.run(span, () => fn(span));
    } catch (error) {
      span.recordError(error).end();
      throw error;
    }
    try {
      if (isPromiseLike(result))
        // The caller gets the returned object's own behaviour (an APIPromise's
        // `.withResponse()`, a query builder's methods); only what it awaits is followed.
        return chainPromise(result, {
          settle: (value) => {
            onResult?.(value);
            span.end();
            return value;
          },
          onError: (error) => span.recordError(error).end(),
          onRawResponse: () => span.end({ metadata: { 'sightline.response': 'raw' } }),
          followUnawaited: false,
        }) as T;
      if (isAsyncIterator(result)) return this.#observeGenerator(span, result, onResult) as T;
    } catch (error) {
      // A returned value that cannot be followed (a hostile proxy) goes back untouched.
      this.#onError(error);
      span.end();
      return result;
    }
    onResult?.(result);
    span.end();
    return result;
  }

  async *#observeGenerator(
    span: SpanHandle,
    source: AsyncGenerator,
    onResult?: (value: unknown) => void,
  ): AsyncGenerator {
    const yielded: unknown[] = [];
    let completed = false;
    try {
      let input: unknown;
      for (;;) {
        const step = await this.#context.run(span, () => source.next(input));
        if (step.done) {
          completed = true;
          onResult?.(yielded.length > 0 ? yielded : step.value);
          return step.value as unknown;
        }
        if (yielded.length === 0) span.markFirstToken();
        if (onResult && yielded.length < 1_000) yielded.push(step.value);
        input = yield step.value;
      }
    } catch (error) {
      span.recordError(error);
      throw error;
    } finally {
      if (!completed) await this.#context.run(span, () => source.return(undefined)).catch(() => {});
      span.end();
    }
  }

  #send(ended: EndedSpan): void {
    try {
      const privacy = this.#privacy;
      const needsPreparing =
        ended.deferred.length > 0 || privacy.mask !== undefined || privacy.captureContent === false;
      if (!needsPreparing) this.#transport.enqueue(ended.span as ItemInput);
      else this.#transport.enqueue(() => prepareSpan(ended, privacy) as ItemInput);
    } catch (error) {
      this.#onError(error);
    }
  }
}

function splitArgs<T>(
  attributesOrFn: SpanAttributes | Callback<T>,
  maybeFn: Callback<T> | undefined,
): [SpanAttributes, Callback<T>] {
  return typeof attributesOrFn === 'function'
    ? [{}, attributesOrFn]
    : [attributesOrFn, maybeFn as Callback<T>];
}

function captured(key: 'input' | 'output', value: unknown): SpanAttributes {
  return { metadata: { [key]: safeJson(value) } };
}

/**
 * JSON for anything: BigInts, binary data (by size, never read), cycles, functions and values
 * that throw while read become markers (see `toPlainData`).
 */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(toPlainData(value, { markFunctions: true })) ?? String(value);
  } catch {
    return '[unserialisable]';
  }
}

function toScoreInput(
  target: ScoreTarget | ScoreInput,
  name: string | undefined,
  value: number | string | boolean | undefined,
  comment: string | undefined,
): ScoreInput {
  if (typeof target === 'object' && target !== null && 'name' in target && 'value' in target)
    return target as ScoreInput;
  if (name === undefined || value === undefined)
    throw new TypeError('Sightline score: pass a name and a value');
  let ids: { traceId: string; spanId?: string };
  if (typeof target === 'string') {
    if (!TRACE_ID.test(target))
      throw new TypeError(
        'Sightline score: a string target must be a 32-hex trace id; for a span pass the span handle or { traceId, spanId }',
      );
    ids = { traceId: target };
  } else ids = { traceId: target.traceId, ...(target.spanId ? { spanId: target.spanId } : {}) };
  return { ...ids, name, value, ...(comment !== undefined ? { comment } : {}) };
}

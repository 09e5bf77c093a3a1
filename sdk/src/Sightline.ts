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
import {
  isEpochMillis,
  isSpanId,
  isTraceId,
  type ItemInput,
  type ScoreItem,
  type SpanKind,
} from './contract/index.ts';
import { chainPromise, isPromiseLike } from './chainPromise.ts';
import { SightlineConfigError } from './config.ts';
import { newSpanId, newTraceId } from './ids.ts';
import { followStream } from './integrations/llmCall.ts';
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
import { ItemsDroppedError } from './transport/errors.ts';
import type { Transport, TransportStats } from './transport/types.ts';
import { conformItem } from './truncateItem.ts';

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

/** Values of a followed iteration kept for `captureResult`. */
const MAX_CAPTURED_VALUES = 1_000;

/**
 * An async iterable whose iteration is followed (a client library's stream, a paginator, an
 * async generator). Node and web streams are not: they are piped more often than iterated, so
 * their span ends when they are returned. A probe that throws (a revoked proxy, a throwing
 * getter) means "not one".
 */
function isFollowedIterable(value: unknown): value is AsyncIterable<unknown> & object {
  try {
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as Record<PropertyKey, unknown>;
    return (
      typeof candidate[Symbol.asyncIterator] === 'function' &&
      typeof candidate.pipe !== 'function' &&
      typeof candidate.getReader !== 'function'
    );
  } catch {
    return false;
  }
}

/** `async function*`: calling one runs nothing of its body until the first `next()`. */
function isAsyncGeneratorFunction(fn: unknown): boolean {
  try {
    return Object.prototype.toString.call(fn) === '[object AsyncGeneratorFunction]';
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
  /** Items refused at the call (the contract cannot take them), counted in `stats().dropped`. */
  #refused = 0;

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
      // One the contract refuses (NaN, seconds instead of milliseconds…): the span starts now.
      if (isEpochMillis(options.startTime)) startTime = options.startTime;
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
   * generator functions. The wrapper keeps `fn`'s type and returns what `fn` returned: a thenable
   * that is not a native promise (an APIPromise, a query builder) comes back with its own class
   * and methods, and its span ends when the caller awaits it (never awaited, the span stays open
   * and is not sent). An async iterable returned or resolved (a client's stream, a paginator)
   * keeps its class and members, and its span ends when its iteration ends (see `followStream`).
   * An async generator function's span starts at the generator's first `next()`, as its body
   * does (see `#observeGenerator`). Errors are recorded and re-thrown unchanged.
   */
  observe<F extends AnyFunction>(name: string, fn: F, options: ObserveOptions = {}): F {
    const attributes: SpanAttributes = options.kind ? { kind: options.kind } : {};
    const failure = assignAttributes(attributes, options.attributes);
    if (failure !== undefined) this.#onError(failure);
    const start = (startOptions: StartSpanOptions, args: unknown[]): SpanHandle => {
      const span = this.startSpan(name, { ...attributes }, startOptions);
      if (options.captureArgs && span.sampled) span.update(() => captured('input', args));
      return span;
    };
    const outputOf = (span: SpanHandle) =>
      options.captureResult
        ? (value: unknown) => span.update(() => captured('output', value))
        : undefined;
    const run = <T>(span: SpanHandle, call: () => T): T => this.#run(span, call, outputOf(span));
    const generate = (source: AsyncGenerator, args: unknown[]): AsyncGenerator => {
      // The parent is the span active here, where the generator is made (see #observeGenerator).
      const parent = options.newTrace ? null : (this.activeSpan() ?? null);
      return this.#observeGenerator(() => start({ parent }, args), source, outputOf);
    };
    const observed = isAsyncGeneratorFunction(fn)
      ? function (this: unknown, ...args: unknown[]): unknown {
          return generate(fn.apply(this, args) as AsyncGenerator, args);
        }
      : function (this: unknown, ...args: unknown[]): unknown {
          const span = start(options.newTrace ? { parent: null } : {}, args);
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
      if (typeof input === 'string') return this.#refuse(input);
      // Refused here, at the call, so the report points at the caller.
      const conformed = conformItem(scoreItem(input));
      if (conformed.refused !== undefined) return this.#refuse(conformed.refused);
      // A trace head sampling left out is never stored: its score would have nothing to score.
      if (!isTraceSampled(input.traceId, this.#sampleRate)) return;
      const score = conformed.item as ScoreItem;
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

  /** The transport's counts, with the items refused at the call counted as dropped. */
  stats(): TransportStats {
    const stats = this.#transport.stats();
    return this.#refused === 0 ? stats : { ...stats, dropped: stats.dropped + this.#refused };
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
      if (!isTraceId(traceId) || !isSpanId(spanId)) {
        this.#onError(
          new TypeError(
            'Sightline: a parent span needs a 32-hex trace id and a 16-hex span id; starting a new trace',
          ),
        );
        return undefined;
      }
      return { traceId, spanId, sampled, userId, sessionId };
    } catch (error) {
      this.#onError(error);
      return undefined;
    }
  }

  /** An item refused at the call: reported as dropped, and counted. */
  #refuse(reason: string): void {
    this.#refused += 1;
    this.#onError(new ItemsDroppedError(1, [`1: ${reason}`]));
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
          settle: (value) => this.#settle(span, value, onResult),
          onError: (error) => span.recordError(error).end(),
          onRawResponse: () => span.end({ metadata: { 'sightline.response': 'raw' } }),
          followUnawaited: false,
        }) as T;
      return this.#settle(span, result, onResult);
    } catch (error) {
      // A returned value that cannot be followed (a hostile proxy) goes back untouched.
      this.#onError(error);
      span.end();
      return result;
    }
  }

  /**
   * Ends the span with what the function gave, or, for an async iterable, when its iteration
   * ends: the caller gets the iterable itself behind a proxy (its class, methods and fields kept;
   * see `followStream`), with the first value as time to first token.
   */
  #settle<T>(span: SpanHandle, value: T, onResult?: (value: unknown) => void): T {
    if (isFollowedIterable(value)) {
      const values: unknown[] = [];
      try {
        return followStream(this, span, value, {
          onChunk: (chunk) => {
            if (onResult && values.length < MAX_CAPTURED_VALUES) values.push(chunk);
          },
          onEnd: () => {
            onResult?.(values);
            return {};
          },
        });
      } catch (error) {
        // Settling runs inside the caller's await: a failure here must not become theirs.
        this.#onError(error);
      }
    }
    onResult?.(value);
    span.end();
    return value;
  }

  /**
   * An observed async generator function's generator. Its span starts at the first `next()`,
   * where the body starts (a generator never iterated makes no span), and its parent is the span
   * active where the generator was made, as for any observed call: left to AsyncLocalStorage,
   * the body would see the context of whoever calls `next()`, often a framework's response
   * writer outside any span. Each step of the body runs with the generator's span active, so
   * spans started in it are its children; `throw()` and `return()` reach the source as they
   * would unobserved.
   */
  async *#observeGenerator(
    startSpan: () => SpanHandle,
    source: AsyncGenerator,
    outputOf: (span: SpanHandle) => ((value: unknown) => void) | undefined,
  ): AsyncGenerator {
    const span = startSpan();
    const onResult = outputOf(span);
    const yielded: unknown[] = [];
    let first = true;
    let completed = false;
    let resume = (): Promise<IteratorResult<unknown>> => source.next();
    try {
      for (;;) {
        const step = await this.#context.run(span, resume);
        if (step.done) {
          completed = true;
          onResult?.(yielded.length > 0 ? yielded : step.value);
          return step.value as unknown;
        }
        if (first) span.markFirstToken();
        first = false;
        if (onResult && yielded.length < MAX_CAPTURED_VALUES) yielded.push(step.value);
        try {
          const input: unknown = yield step.value;
          resume = () => source.next(input);
        } catch (thrown) {
          resume = () => source.throw(thrown);
        }
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

/** The score the arguments describe, or why they describe none. */
function toScoreInput(
  target: ScoreTarget | ScoreInput,
  name: string | undefined,
  value: number | string | boolean | undefined,
  comment: string | undefined,
): ScoreInput | string {
  if (typeof target === 'object' && target !== null && 'name' in target && 'value' in target)
    return target as ScoreInput;
  if (name === undefined || value === undefined) return 'Sightline score: pass a name and a value';
  let ids: { traceId: string; spanId?: string };
  if (typeof target === 'string') {
    if (!isTraceId(target))
      return 'Sightline score: a string target must be a 32-hex trace id; for a span pass the span handle or { traceId, spanId }';
    ids = { traceId: target };
  } else ids = { traceId: target.traceId, ...(target.spanId ? { spanId: target.spanId } : {}) };
  return { ...ids, name, value, ...(comment !== undefined ? { comment } : {}) };
}

/** The score item: its id and time are the SDK's own, whatever fields the input carries. */
function scoreItem(input: ScoreInput): ScoreItem {
  const { traceId, spanId, name, value, comment, userId } = input;
  return {
    type: 'score',
    scoreId: randomUUID(),
    timestamp: Date.now(),
    traceId,
    ...(spanId !== undefined ? { spanId } : {}),
    name,
    value,
    ...(comment !== undefined ? { comment } : {}),
    ...(userId !== undefined ? { userId } : {}),
  };
}

/**
 * The one way integrations trace a model call: start a span with what the request says, run
 * the real call, and describe the response later (deferred, so mapping provider objects onto
 * the wire contract happens on the transport's drain, not on the caller's path). Streams are
 * wrapped without changing their type: chunks pass through untouched, the first one records
 * time to first token, and the span ends when the stream ends, fails or is abandoned.
 * Errors are recorded and re-thrown unchanged; a failure inside instrumentation is reported
 * to the client's error hook and never reaches the host.
 */
import type { SpanKind } from '../contract/index.ts';
import { isPromiseLike, type Sightline } from '../Sightline.ts';
import type { DeferredAttributes, SpanAttributes, SpanHandle } from '../SpanHandle.ts';

export interface LlmCallStart {
  /** Span name, e.g. `openai.chat.completions.create`. */
  name: string;
  kind?: SpanKind;
  /** Attributes known from the request; may be deferred. */
  attributes: SpanAttributes | DeferredAttributes;
}

export interface StreamHandlers<C> {
  /** Called for every chunk, in order (keep it cheap: accumulate references, map later). */
  onChunk(chunk: C): void;
  /** Attributes describing the whole stream once it ended (deferred by default). */
  onEnd(): SpanAttributes | DeferredAttributes;
  /**
   * Whether a chunk carries generated output. Time to first token is taken at the first such
   * chunk; by default at the first chunk (streams that open with bookkeeping events, like the
   * OpenAI Responses API's `response.created`, say otherwise).
   */
  isFirstToken?(chunk: C): boolean;
}

export interface LlmCallHandlers<T> {
  /** Describes a non-streamed result. */
  onResult?(result: T): SpanAttributes | DeferredAttributes;
  /** When the result is a stream, how to follow it; return undefined for non-streams. */
  stream?(result: T): StreamHandlers<unknown> | undefined;
}

/** Runs `call` inside an LLM span. Returns exactly what `call` returns (same promise type). */
export function traceLlmCall<T>(
  sightline: Sightline,
  start: LlmCallStart,
  call: () => T,
  handlers: LlmCallHandlers<Awaited<T>>,
): T {
  let span: SpanHandle | undefined;
  try {
    span = sightline.startSpan(start.name, start.kind ? { kind: start.kind } : { kind: 'llm' });
    span.update(start.attributes);
  } catch (error) {
    sightline.reportError(error);
  }
  if (!span) return call();
  const active = span;
  let result: T;
  try {
    result = sightline.withSpan(active, call);
  } catch (error) {
    recordCallError(active, error).end();
    throw error;
  }
  const settle = (value: Awaited<T>): Awaited<T> => {
    try {
      const streamHandlers = handlers.stream?.(value);
      if (streamHandlers) return followStream(sightline, active, value, streamHandlers);
      if (handlers.onResult) active.update(handlers.onResult(value));
      active.end();
    } catch (error) {
      sightline.reportError(error);
      active.end();
    }
    return value;
  };
  if (isPromiseLike(result)) {
    // Keep the library's own promise subclass (e.g. OpenAI's APIPromise with .withResponse())
    // when it has one: chain through `then` only on what the caller awaits.
    return chainPromise(
      result as PromiseLike<Awaited<T>>,
      settle,
      (error) => recordCallError(active, error).end(),
      () => active.end({ metadata: { 'sightline.response': 'raw' } }),
    ) as T;
  }
  return settle(result as Awaited<T>) as T;
}

/**
 * Returns a promise-like that resolves to `settle(value)`. If the library's promise has
 * extra methods (APIPromise.withResponse, asResponse…), they stay reachable through a proxy.
 */
function chainPromise<V>(
  promise: PromiseLike<V>,
  settle: (value: V) => V,
  onError: (error: unknown) => void,
  onRawResponse: () => void,
): PromiseLike<V> {
  const follow = () =>
    Promise.resolve(promise).then(settle, (error: unknown) => {
      onError(error);
      throw error;
    });
  if (Object.getPrototypeOf(promise) === Promise.prototype) return follow();
  let settled: Promise<V> | undefined;
  let rawResponseWanted = false;
  const ensureSettled = (): Promise<V> => {
    if (!settled) {
      settled = follow();
      // The caller may never await `settled` (it reads `.withResponse()` instead): its
      // rejection must not become an unhandled one in the host.
      settled.catch(() => undefined);
    }
    return settled;
  };
  // Reading the parsed value consumes the response body, so a caller who asks for the raw
  // Response right away (`create(…).asResponse()`) gets it unread and the span records no
  // output. Every other call is followed whether or not it is awaited.
  queueMicrotask(() => {
    if (!rawResponseWanted) ensureSettled();
  });
  return new Proxy(promise as object, {
    get(target, property) {
      if (property === 'then' || property === 'catch' || property === 'finally') {
        const chained = ensureSettled();
        return chained[property].bind(chained);
      }
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => unknown).bind(target);
      if (typeof property === 'string' && DATA_WITH_RESPONSE_METHODS.has(property))
        return () => withSettledData(method() as PromiseLike<object>, ensureSettled());
      if (property === 'asResponse' && !settled)
        return () => {
          rawResponseWanted = true;
          return Promise.resolve(method()).then(
            (response) => {
              onRawResponse();
              return response;
            },
            (error: unknown) => {
              onError(error);
              throw error;
            },
          );
        };
      return method;
    },
  }) as PromiseLike<V>;
}

/**
 * Methods of client promises that resolve to `{ data, response… }` (OpenAI's and Anthropic's
 * `withResponse()`, Fern clients' `withRawResponse()`). Their `data` is replaced by what the
 * caller would have awaited, so a stream read that way is followed too (Anthropic's
 * `messages.stream()` helper reads its stream through `withResponse()`).
 */
const DATA_WITH_RESPONSE_METHODS = new Set(['withResponse', 'withRawResponse']);

function withSettledData<V>(withResponse: PromiseLike<object>, settled: Promise<V>) {
  return Promise.all([withResponse, settled]).then(([response, data]) => ({ ...response, data }));
}

/**
 * Wraps an async-iterable result so iterating it is observed; everything else passes through.
 * The stream's own methods run with the traced stream as `this`, so helpers that iterate it
 * (e.g. `toReadableStream()`) are observed too. A method that cannot run on a proxy (it reads
 * a `#private` field, like the Stainless clients' `Stream.tee()`) runs on the original stream
 * instead; its output bypasses tracing, so the span ends right then, marked as such.
 */
export function followStream<S, C>(
  sightline: Sightline,
  span: SpanHandle,
  stream: S,
  handlers: StreamHandlers<C>,
): S {
  const target = stream as unknown as AsyncIterable<C> & object;
  let finished = false;
  /** `ending` says how a stream that did not run to its end ended (kept in metadata). */
  const finish = (error?: unknown, ending?: string) => {
    if (finished) return;
    finished = true;
    try {
      if (error !== undefined) recordCallError(span, error);
      span.update(handlers.onEnd());
      // Deferred, so it merges with the metadata onEnd may have set instead of replacing it.
      if (ending) span.update(() => ({ metadata: { 'sightline.stream': ending } }));
    } catch (failure) {
      sightline.reportError(failure);
    }
    span.end();
  };
  const carriesOutput = (chunk: C): boolean => {
    if (!handlers.isFirstToken) return true;
    try {
      return handlers.isFirstToken(chunk);
    } catch (failure) {
      sightline.reportError(failure);
      return true;
    }
  };
  const iterate = (): AsyncIterator<C> => {
    const source = target[Symbol.asyncIterator]();
    let first = true;
    return {
      async next(...args: [] | [unknown]) {
        try {
          const step = await source.next(...args);
          if (step.done) finish();
          else {
            if (first && carriesOutput(step.value)) {
              first = false;
              span.markFirstToken();
            }
            try {
              handlers.onChunk(step.value);
            } catch (failure) {
              sightline.reportError(failure);
            }
          }
          return step;
        } catch (error) {
          finish(error);
          throw error;
        }
      },
      async return(value?: unknown) {
        finish(undefined, 'abandoned');
        return source.return ? source.return(value) : { done: true as const, value: value as C };
      },
      async throw(error?: unknown) {
        finish(error);
        if (source.throw) return source.throw(error);
        throw error;
      },
    };
  };
  const methods = new Map<PropertyKey, unknown>();
  const proxy = new Proxy(target, {
    get(object, property, receiver) {
      if (property === Symbol.asyncIterator) return () => iterate();
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function' || property === 'constructor') return value;
      let method = methods.get(property);
      if (!method) {
        const original = value as (...args: unknown[]) => unknown;
        method = function (this: unknown, ...args: unknown[]) {
          if (this !== proxy) return original.apply(this, args);
          try {
            return original.apply(proxy, args);
          } catch (error) {
            if (!isPrivateMemberError(error)) throw error;
            finish(undefined, `untraced ${String(property)}()`);
            return original.apply(object, args);
          }
        };
        methods.set(property, method);
      }
      return method;
    },
  });
  return proxy as S;
}

/**
 * Marks the span failed. Client libraries' errors often keep the generic `name` "Error" (the
 * Stainless clients' `RateLimitError`, `APIError`…), so the error type is then their class name.
 */
function recordCallError(span: SpanHandle, error: unknown): SpanHandle {
  span.recordError(error);
  try {
    const name = (error as { name?: unknown } | null)?.name;
    const className = (error as object | null)?.constructor?.name;
    if (name === 'Error' && typeof className === 'string' && className && className !== 'Error')
      span.update({ errorType: className });
  } catch {
    // A hostile error object keeps the type recordError gave it.
  }
  return span;
}

/** The TypeError V8 (and TypeScript's downlevelled private fields) throw for a foreign `this`. */
function isPrivateMemberError(error: unknown): boolean {
  return error instanceof TypeError && /private (member|field)/i.test(error.message);
}

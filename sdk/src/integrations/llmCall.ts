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
import { chainPromise, isPromiseLike } from '../chainPromise.ts';
import type { Sightline } from '../Sightline.ts';
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
    return chainPromise(result as PromiseLike<Awaited<T>>, {
      settle,
      onError: (error) => recordCallError(active, error).end(),
      onRawResponse: () => active.end({ metadata: { 'sightline.response': 'raw' } }),
    }) as T;
  }
  return settle(result as Awaited<T>) as T;
}

/**
 * Streams the caller let go of before reading them to their end (never iterated, or stepped by
 * hand and dropped): when the last proxy of one is collected, its span ends, marked `unread` or
 * `abandoned`, so the call is still sent. A held value never references a proxy (it would keep
 * it alive); an iterator being read keeps its proxy alive through its closures.
 */
const droppedStreams = new FinalizationRegistry<() => void>((onDropped) => onDropped());

/**
 * Wraps an async-iterable result so iterating it is observed; everything else passes through:
 * the caller gets the stream itself behind a proxy, so its class (`instanceof`), fields
 * (`controller`) and methods are kept. The stream's own methods run with the traced stream as
 * `this`, so helpers that iterate it (e.g. `toReadableStream()`) are observed too. A method that
 * cannot run on a proxy (it reads a `#private` field, like the Stainless clients'
 * `Stream.tee()`) runs on the original stream instead. When what it returns is streams again
 * (`tee()`'s two branches), they are followed in its place: each chunk is recorded once, by
 * whichever branch reads it first, and the span ends when a branch reaches the end (or fails),
 * or when every branch was abandoned. Anything else it returns bypasses tracing, so the span
 * ends right then, marked as such. A stream the caller lets go of unfinished ends when it is
 * collected (droppedStreams). Used by `traceLlmCall` and by `observe()`.
 */
export function followStream<S, C>(
  sightline: Sightline,
  span: SpanHandle,
  stream: S,
  handlers: StreamHandlers<C>,
): S {
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
  let first = true;
  /** Chunks recorded so far: branches of one stream read the same chunks, each is kept once. */
  let recorded = 0;
  const record = (position: number, chunk: C) => {
    if (position !== recorded) return;
    recorded += 1;
    if (first && carriesOutput(chunk)) {
      first = false;
      span.markFirstToken();
    }
    try {
      handlers.onChunk(chunk);
    } catch (failure) {
      sightline.reportError(failure);
    }
  };
  /** Branches not abandoned yet: the stream, or the streams a method like tee() made of it. */
  let open = 0;
  /** Proxies not collected yet (droppedStreams): the last one gone ends an unfinished span. */
  let uncollected = 0;
  const collected = () => {
    uncollected -= 1;
    if (uncollected > 0 || finished) return;
    // Runs as a task of its own: nothing of the host's is on the stack to throw into.
    try {
      finish(undefined, recorded === 0 ? 'unread' : 'abandoned');
    } catch (failure) {
      sightline.reportError(failure);
    }
  };
  // Each step runs with the span active, so spans the source starts while producing are children.
  const inSpan = <R>(step: () => R): R => sightline.withSpan(span, step);

  const follow = <B>(branch: B): B => {
    const target = branch as unknown as AsyncIterable<C> & object;
    open += 1;
    let branchOpen = true;
    /** This branch will not be read on: abandoned (return()), or replaced by its branches. */
    const close = (abandoned: boolean) => {
      if (!branchOpen) return;
      branchOpen = false;
      open -= 1;
      if (abandoned && open === 0) finish(undefined, 'abandoned');
    };
    const traced = (source: AsyncIterator<C>): AsyncIterator<C> => {
      let position = 0;
      /** Records one step of the stream: a chunk, its end, or its failure. */
      const step = async (pending: Promise<IteratorResult<C>>): Promise<IteratorResult<C>> => {
        try {
          const result = await pending;
          // Not an iterator result (a cursor's `next()` resolving to a document or null): passed on.
          if (typeof result !== 'object' || result === null) return result;
          if (result.done) finish();
          else record(position++, result.value);
          return result;
        } catch (error) {
          finish(error);
          throw error;
        }
      };
      return {
        next: (...args: [] | [unknown]) =>
          step(settleStep(() => inSpan(() => source.next(...args)))),
        async return(value?: unknown) {
          close(true);
          if (!source.return) return { done: true as const, value: value as C };
          return inSpan(() => source.return!(value));
        },
        // The stream may catch what is thrown into it and go on: its answer is a step like next()'s.
        async throw(error?: unknown) {
          if (source.throw) return step(settleStep(() => inSpan(() => source.throw!(error))));
          finish(error);
          throw error;
        },
      };
    };
    const iterate = (): AsyncIterator<C> => traced(target[Symbol.asyncIterator]());
    const methods = new Map<PropertyKey, unknown>();
    let direct: AsyncIterator<C> | undefined;
    const proxy = new Proxy(target, {
      get(object, property, receiver) {
        if (property === Symbol.asyncIterator) return () => iterate();
        const value = Reflect.get(object, property, receiver) as unknown;
        if (typeof value !== 'function' || property === 'constructor') return value;
        let method = methods.get(property);
        if (!method && ITERATOR_METHODS.has(property)) {
          // A stream that is its own iterator (an async generator) stepped directly: the step
          // runs on the original (a generator's methods refuse any other receiver), traced.
          direct ??= traced(object as unknown as AsyncIterator<C>);
          const stepDirect = direct[property as 'next'] as (...args: unknown[]) => unknown;
          method = (...args: unknown[]) => stepDirect(...args);
          methods.set(property, method);
        }
        if (!method) {
          const original = value as (...args: unknown[]) => unknown;
          method = function (this: unknown, ...args: unknown[]) {
            if (this !== proxy) return original.apply(this, args);
            try {
              return original.apply(proxy, args);
            } catch (error) {
              if (!isPrivateMemberError(error)) throw error;
            }
            const result = original.apply(object, args);
            if (isAsyncIterable(result)) {
              close(false);
              return follow(result);
            }
            if (Array.isArray(result) && result.length > 0 && result.every(isAsyncIterable)) {
              close(false);
              return result.map((made) => follow(made));
            }
            finish(undefined, `untraced ${String(property)}()`);
            return result;
          };
          methods.set(property, method);
        }
        return method;
      },
    });
    uncollected += 1;
    droppedStreams.register(proxy, collected);
    return proxy as B;
  };
  return follow(stream);
}

function isAsyncIterable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** Runs a step now (as the stream's own method would), a synchronous throw as a rejection. */
function settleStep<C>(step: () => Promise<IteratorResult<C>>): Promise<IteratorResult<C>> {
  try {
    return Promise.resolve(step());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

const ITERATOR_METHODS: ReadonlySet<PropertyKey> = new Set(['next', 'return', 'throw']);

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

/**
 * Following a promise-like result without replacing it: the caller gets the library's own
 * object (OpenAI's APIPromise with `.withResponse()`, a query builder with `.first()`) behind a
 * proxy, and awaiting it runs `settle` on the value. Used by `observe()`/`span()`/`trace()` and
 * by every client integration.
 */

/** Whether `value` has a callable `then`. Never throws: an unreadable `then` is not a thenable. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  try {
    return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
  } catch {
    return false;
  }
}

export interface PromiseFollower<V> {
  /** Runs on the resolved value; what it returns is what the caller awaits. */
  settle(value: V): V;
  /** Runs on a rejection (which still reaches the caller unchanged). */
  onError(error: unknown): void;
  /** The caller asked for the raw response (`asResponse()`) first: the value is never read. */
  onRawResponse(): void;
  /**
   * Follow the promise even if the caller never awaits it (default true): right for client
   * promises, whose request runs anyway. False for thenables that may start their work in
   * `then` (query builders): they are followed only through what the caller awaits, and a
   * method returning another thenable (`query.lean()`) returns it followed in turn.
   */
  followUnawaited?: boolean;
}

/**
 * Returns a promise-like that resolves to `follower.settle(value)`. If the library's promise
 * has extra methods (APIPromise.withResponse, asResponse…), they stay reachable through a proxy.
 */
export function chainPromise<V>(
  promise: PromiseLike<V>,
  follower: PromiseFollower<V>,
): PromiseLike<V> {
  const { settle, onError, onRawResponse, followUnawaited = true } = follower;
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
  if (followUnawaited)
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
      if (followUnawaited || settled) return method;
      return (...args: unknown[]) => {
        const returned = method(...args);
        return isPromiseLike(returned) ? chainPromise(returned, follower) : returned;
      };
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

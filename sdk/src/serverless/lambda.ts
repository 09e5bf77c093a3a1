/**
 * AWS Lambda: runs each invocation in a trace and flushes before the handler's promise settles,
 * bounded by the invocation's remaining time, so a frozen or recycled execution environment
 * loses nothing that was traced during the invocation.
 */
import { getDefaultClient } from '../defaultClient.ts';
import type { Sightline } from '../Sightline.ts';
import type { SpanAttributes, SpanHandle } from '../SpanHandle.ts';
import { flushWithin } from './flushWithin.ts';

/** The parts of Lambda's context object the wrapper reads. */
export interface LambdaContextLike {
  functionName?: string;
  functionVersion?: string;
  awsRequestId?: string;
  invokedFunctionArn?: string;
  getRemainingTimeInMillis?: () => number;
}

export interface WrapLambdaOptions<E> {
  /** Defaults to the client `init()` created. */
  sightline?: Sightline;
  /** Span name; defaults to the function name. */
  name?: string;
  /** Attributes from the event (user, session, route…). */
  attributes?: (event: E) => SpanAttributes;
  /** Time kept back from the flush for the runtime to return the response. Default 300 ms. */
  reserveMs?: number;
  /** Flush time when the context has no remaining-time clock. Default 2,000 ms. */
  defaultFlushMs?: number;
}

/** Lambda's callback, for handlers written in the callback style. */
export type LambdaCallback<R> = (error?: unknown, result?: R) => void;

export type LambdaHandler<E, C extends LambdaContextLike, R> = (
  event: E,
  context: C,
  callback: LambdaCallback<R>,
) => Promise<R> | R | void;

/**
 * Wraps a handler, async or in the callback style. The handler gets the same `this` and
 * arguments (its callback forwards to Lambda's own, after the flush), and its result or error
 * is what the invocation returns: a failure of the SDK's own (a context whose clock throws, a
 * flush that fails) is reported to `onError` and never replaces it. Called without a callback,
 * a callback-style handler's outcome comes back as the returned promise.
 */
export function wrapLambdaHandler<E, C extends LambdaContextLike, R>(
  handler: LambdaHandler<E, C, R>,
  options: WrapLambdaOptions<E> = {},
): (event: E, context: C, callback?: LambdaCallback<R>) => Promise<R> {
  return function (this: unknown, event: E, context: C, ...rest: unknown[]): Promise<R> {
    const sightline = options.sightline ?? getDefaultClient();
    if (!sightline) return handler.apply(this, [event, context, ...rest] as never) as Promise<R>;
    const span = startInvocationSpan(sightline, event, context, options);
    const finish = (failed: boolean, error?: unknown): Promise<void> =>
      endAndFlush(sightline, span, context, options, failed, error);
    const lambdaCallback =
      typeof rest[0] === 'function' ? (rest[0] as LambdaCallback<R>) : undefined;
    let calledBack!: (results: unknown[]) => void;
    const callbackResults = new Promise<unknown[]>((resolve) => (calledBack = resolve));
    const args: unknown[] = [
      event,
      context,
      (...results: unknown[]) => calledBack(results),
      ...rest.slice(1),
    ];
    // The invocation ends when the handler calls back: flush, then pass the call on unchanged.
    const viaCallback = callbackResults.then(async (results) => {
      const [error, value] = results;
      const failed = error !== undefined && error !== null;
      await finish(failed, error);
      lambdaCallback?.(...(results as [unknown, R]));
      if (failed) throw error;
      return value as R;
    });
    viaCallback.catch(() => {
      // Reported through the callback or the returned promise, whichever the caller uses.
    });
    let result: unknown;
    try {
      const call = () => handler.apply(this, args as never);
      result = span ? sightline.withSpan(span, call) : call();
    } catch (error) {
      return finish(true, error).then(() => Promise.reject(error as Error));
    }
    if (!isThenable(result)) {
      // Lambda waits for its callback; a caller without one gets the outcome as a promise.
      if (lambdaCallback) return result as Promise<R>;
      if (handler.length >= 3) return viaCallback;
    }
    return Promise.resolve(result).then(
      (value) => finish(false).then(() => value as R),
      (error: unknown) => finish(true, error).then(() => Promise.reject(error as Error)),
    );
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return typeof (value as { then?: unknown } | null)?.then === 'function';
  } catch {
    return false;
  }
}

function startInvocationSpan<E>(
  sightline: Sightline,
  event: E,
  context: LambdaContextLike | undefined,
  options: WrapLambdaOptions<E>,
): SpanHandle | undefined {
  try {
    return sightline.startSpan(
      options.name ?? context?.functionName ?? 'lambda',
      { kind: 'span', ...invocationAttributes(context), ...options.attributes?.(event) },
      { parent: null },
    );
  } catch (error) {
    sightline.reportError(error);
    return undefined;
  }
}

/** Ends the span and flushes within the invocation's time; never rejects. */
async function endAndFlush<E>(
  sightline: Sightline,
  span: SpanHandle | undefined,
  context: LambdaContextLike | undefined,
  options: WrapLambdaOptions<E>,
  failed: boolean,
  error: unknown,
): Promise<void> {
  try {
    if (failed) span?.recordError(error).end();
    else span?.end();
    const budget = flushBudget(sightline, context, options);
    const flushed = await flushWithin(sightline, budget);
    if (!flushed)
      sightline.reportError(
        new Error(
          `Sightline: flush did not finish within ${budget} ms before the handler returned`,
        ),
      );
  } catch (failure) {
    sightline.reportError(failure);
  }
}

function flushBudget<E>(
  sightline: Sightline,
  context: LambdaContextLike | undefined,
  options: WrapLambdaOptions<E>,
): number {
  const fallback = options.defaultFlushMs ?? 2_000;
  try {
    const remaining = context?.getRemainingTimeInMillis?.();
    if (typeof remaining !== 'number' || !Number.isFinite(remaining)) return fallback;
    return remaining - (options.reserveMs ?? 300);
  } catch (error) {
    // A context whose clock throws (a test harness, a custom runtime): the default applies.
    sightline.reportError(error);
    return fallback;
  }
}

function invocationAttributes(context: LambdaContextLike | undefined): SpanAttributes {
  const metadata: Record<string, string> = {};
  if (context?.awsRequestId) metadata['faas.invocation_id'] = context.awsRequestId;
  if (context?.functionName) metadata['faas.name'] = context.functionName;
  if (context?.functionVersion) metadata['faas.version'] = context.functionVersion;
  if (context?.invokedFunctionArn) metadata['cloud.resource_id'] = context.invokedFunctionArn;
  return Object.keys(metadata).length > 0 ? { metadata } : {};
}

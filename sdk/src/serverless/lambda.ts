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

export type LambdaHandler<E, C extends LambdaContextLike, R> = (
  event: E,
  context: C,
) => Promise<R> | R;

export function wrapLambdaHandler<E, C extends LambdaContextLike, R>(
  handler: LambdaHandler<E, C, R>,
  options: WrapLambdaOptions<E> = {},
): (event: E, context: C) => Promise<R> {
  return async (event, context) => {
    const sightline = options.sightline ?? getDefaultClient();
    if (!sightline) return handler(event, context);
    let span: SpanHandle | undefined;
    try {
      span = sightline.startSpan(
        options.name ?? context?.functionName ?? 'lambda',
        { kind: 'span', ...invocationAttributes(context), ...options.attributes?.(event) },
        { parent: null },
      );
    } catch (error) {
      sightline.reportError(error);
    }
    try {
      const result = await (span
        ? sightline.withSpan(span, () => handler(event, context))
        : handler(event, context));
      span?.end();
      return result;
    } catch (error) {
      span?.recordError(error).end();
      throw error;
    } finally {
      const remaining = context?.getRemainingTimeInMillis?.();
      const budget =
        remaining === undefined
          ? (options.defaultFlushMs ?? 2_000)
          : remaining - (options.reserveMs ?? 300);
      const flushed = await flushWithin(sightline, budget);
      if (!flushed)
        sightline.reportError(
          new Error(
            `Sightline: flush did not finish within ${budget} ms before the handler returned`,
          ),
        );
    }
  };
}

function invocationAttributes(context: LambdaContextLike | undefined): SpanAttributes {
  const metadata: Record<string, string> = {};
  if (context?.awsRequestId) metadata['faas.invocation_id'] = context.awsRequestId;
  if (context?.functionName) metadata['faas.name'] = context.functionName;
  if (context?.functionVersion) metadata['faas.version'] = context.functionVersion;
  if (context?.invokedFunctionArn) metadata['cloud.resource_id'] = context.invokedFunctionArn;
  return Object.keys(metadata).length > 0 ? { metadata } : {};
}

/**
 * What every client wrapper accepts (`{ sightline?, name?, attributes? }`) and the one place a
 * wrapper turns those options into a traced call: the client is looked up at call time (the
 * process-wide default from `init()` when none is given), the caller's attributes are merged
 * over the mapped ones, and without a client the call runs untraced.
 */
import type { SpanKind } from '../contract/index.ts';
import { getDefaultClient } from '../defaultClient.ts';
import type { Sightline } from '../Sightline.ts';
import type { DeferredAttributes, SpanAttributes } from '../SpanHandle.ts';
import { traceLlmCall, type LlmCallHandlers } from './llmCall.ts';

export interface IntegrationOptions {
  /** The client to trace with; defaults to the one `init()` created. */
  sightline?: Sightline;
  /** Span name instead of the method's (e.g. `anthropic.messages.create`). */
  name?: string;
  /** Attributes added to every span (user, session, tags, metadata…); they win over mapped ones. */
  attributes?: SpanAttributes;
}

/** A wrapper's second argument is either the client or the options (with a third for options). */
export function resolveIntegrationOptions(
  sightlineOrOptions?: Sightline | IntegrationOptions,
  options: IntegrationOptions = {},
): IntegrationOptions {
  if (!sightlineOrOptions) return options;
  if (typeof (sightlineOrOptions as Sightline).startSpan === 'function')
    return { ...options, sightline: sightlineOrOptions as Sightline };
  return { ...(sightlineOrOptions as IntegrationOptions), ...options };
}

export interface TracedCallStart {
  /** Default span name. */
  name: string;
  kind?: SpanKind;
  /** The request mapped onto the wire contract, built later on the transport's drain. */
  attributes: DeferredAttributes;
}

export function traceIntegrationCall<T>(
  options: IntegrationOptions,
  start: TracedCallStart,
  call: () => T,
  handlers: LlmCallHandlers<Awaited<T>>,
): T {
  const sightline = options.sightline ?? getDefaultClient();
  if (!sightline) return call();
  const extra = options.attributes;
  const attributes: DeferredAttributes = extra
    ? () => mergeCallerAttributes(start.attributes(), extra)
    : start.attributes;
  return traceLlmCall(
    sightline,
    { name: options.name ?? start.name, kind: start.kind ?? 'llm', attributes },
    call,
    handlers,
  );
}

function mergeCallerAttributes(mapped: SpanAttributes, extra: SpanAttributes): SpanAttributes {
  const merged = { ...mapped, ...extra };
  if (mapped.metadata && extra.metadata)
    merged.metadata = { ...mapped.metadata, ...extra.metadata };
  if (mapped.tags && extra.tags) merged.tags = [...new Set([...mapped.tags, ...extra.tags])];
  return merged;
}

/** The host name of a client's base URL (`server.address`), if it parses. */
export function serverAddressOf(baseUrl: unknown): string | undefined {
  if (typeof baseUrl !== 'string' && !(baseUrl instanceof URL)) return undefined;
  try {
    return new URL(baseUrl).hostname || undefined;
  } catch {
    return undefined;
  }
}

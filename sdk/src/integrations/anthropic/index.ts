/**
 * Anthropic integration (`@sightline/sdk/anthropic`): `wrapAnthropic(client)` returns the same
 * client with `messages.create` traced (JSON and `stream: true`) and `messages.stream()`
 * traced through it: the helper's MessageStream makes its request with `messages.create`, so
 * its events, final message, errors and aborts are seen by the same span.
 *
 *   import Anthropic from '@anthropic-ai/sdk';
 *   import { wrapAnthropic } from '@sightline/sdk/anthropic';
 *   const anthropic = wrapAnthropic(new Anthropic());
 *
 * Not traced: `messages.parse`, `messages.countTokens`, `messages.batches`, `beta.messages`,
 * and clients made by `withOptions()` (wrap them too).
 */
import type { Sightline } from '../../Sightline.ts';
import {
  resolveIntegrationOptions,
  serverAddressOf,
  traceIntegrationCall,
  type IntegrationOptions,
} from '../integrationOptions.ts';
import { proxyWithOverrides } from '../proxyOverrides.ts';
import {
  AnthropicStreamAccumulator,
  anthropicRequestAttributes,
  anthropicResponseAttributes,
} from './anthropicMapping.ts';

export type { IntegrationOptions } from '../integrationOptions.ts';

type AnyFunction = (...args: unknown[]) => unknown;

interface AnthropicLike {
  messages: object;
  baseURL?: string;
}

export function wrapAnthropic<T extends AnthropicLike>(
  client: T,
  sightlineOrOptions?: Sightline | IntegrationOptions,
  options?: IntegrationOptions,
): T {
  const resolved = resolveIntegrationOptions(sightlineOrOptions, options);
  return proxyWithOverrides(client, {
    messages: (messages) => wrapMessages(messages as object, client, resolved),
  });
}

function wrapMessages(
  messages: object,
  client: AnthropicLike,
  options: IntegrationOptions,
): object {
  return proxyWithOverrides(messages, {
    create: (create) =>
      function tracedCreate(this: unknown, params: unknown, ...rest: unknown[]) {
        return traceMessagesCreate(options, client, params, () =>
          (create as AnyFunction).call(messages, params, ...rest),
        );
      },
    // The helper calls `this.create(...)`: running it with the proxy as `this` traces that call.
    stream: (stream, proxy) =>
      function tracedStream(this: unknown, ...args: unknown[]) {
        return (stream as AnyFunction).apply(proxy, args);
      },
  });
}

function traceMessagesCreate(
  options: IntegrationOptions,
  client: AnthropicLike,
  params: unknown,
  call: () => unknown,
): unknown {
  if (typeof params !== 'object' || params === null) return call();
  const body = params as Record<string, unknown>;
  const messages = Array.isArray(body.messages) ? [...(body.messages as unknown[])] : [];
  const baseURL = client.baseURL;
  return traceIntegrationCall(
    options,
    {
      name: 'anthropic.messages.create',
      attributes: () =>
        anthropicRequestAttributes({
          params: body,
          messages,
          serverAddress: serverAddressOf(baseURL),
        }),
    },
    call,
    {
      onResult: (message) => () => anthropicResponseAttributes(message as Record<string, unknown>),
      stream: (result) => {
        if (body.stream !== true || !isAsyncIterable(result)) return undefined;
        const accumulator = new AnthropicStreamAccumulator();
        return {
          onChunk: (event) => accumulator.captureStreamEvent(event),
          onEnd: () => {
            // An aborted stream (`stream.controller.abort()`, MessageStream.abort()) just stops:
            // the client ends its iteration quietly, so say why the message is cut short.
            const aborted = (result as { controller?: AbortController }).controller?.signal.aborted;
            return () => ({
              ...accumulator.attributes(),
              ...(aborted ? { metadata: { 'sightline.stream': 'aborted' } } : {}),
            });
          },
        };
      },
    },
  );
}

function isAsyncIterable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

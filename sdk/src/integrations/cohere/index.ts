/**
 * Cohere integration (`@sightline/sdk/cohere`): `wrapCohere(client)` returns the same client
 * with chat and embeddings traced. On `CohereClientV2`: `chat`, `chatStream` (v2 events) and
 * `embed`. On the v1 `CohereClient`: `chat`, `chatStream` (v1 events), `embed`, and the same v2
 * methods under `client.v2`.
 *
 *   import { CohereClientV2 } from 'cohere-ai';
 *   import { wrapCohere } from '@sightline/sdk/cohere';
 *   const cohere = wrapCohere(new CohereClientV2({ token }));
 *
 * Not traced: `generate`, `rerank`, `classify`, `summarize`.
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
  CohereStreamAccumulator,
  CohereV1StreamAccumulator,
  cohereChatRequestAttributes,
  cohereChatResponseAttributes,
  cohereEmbedRequestAttributes,
  cohereEmbedResponseAttributes,
} from './cohereMapping.ts';

export type { IntegrationOptions } from '../integrationOptions.ts';

type AnyFunction = (...args: unknown[]) => unknown;
type Json = Record<string, unknown>;

const COHERE_DEFAULT_HOST = 'api.cohere.com';

export function wrapCohere<T extends object>(
  client: T,
  sightlineOrOptions?: Sightline | IntegrationOptions,
  options?: IntegrationOptions,
): T {
  const resolved = resolveIntegrationOptions(sightlineOrOptions, options);
  return wrapClient(client, resolved);
}

function wrapClient<T extends object>(client: T, options: IntegrationOptions): T {
  const server = () => serverAddressOf(baseUrlOf(client)) ?? COHERE_DEFAULT_HOST;
  return proxyWithOverrides(client, {
    chat: (chat) => tracedChat(chat as AnyFunction, client, options, server, false),
    chatStream: (chatStream) =>
      tracedChat(chatStream as AnyFunction, client, options, server, true),
    embed: (embed) => tracedEmbed(embed as AnyFunction, client, options, server),
    v2: (v2) => wrapClient(v2 as object, options),
  });
}

/** The client's base URL or environment when it is a plain string (Fern clients keep it in `_options`). */
function baseUrlOf(client: object): unknown {
  const settings = (client as { _options?: { baseUrl?: unknown; environment?: unknown } })._options;
  return typeof settings?.baseUrl === 'string' ? settings.baseUrl : settings?.environment;
}

function tracedChat(
  original: AnyFunction,
  self: object,
  options: IntegrationOptions,
  server: () => string,
  stream: boolean,
): AnyFunction {
  return function tracedCohereChat(request: unknown, ...rest: unknown[]) {
    const call = () => original.call(self, request, ...rest);
    if (typeof request !== 'object' || request === null) return call();
    const params: Json = { ...(request as Json), ...(stream ? { stream: true } : {}) };
    const messages = Array.isArray(params.messages) ? [...(params.messages as unknown[])] : [];
    const history = Array.isArray(params.chatHistory) ? [...(params.chatHistory as unknown[])] : [];
    return traceIntegrationCall(
      options,
      {
        name: stream ? 'cohere.chatStream' : 'cohere.chat',
        attributes: () =>
          cohereChatRequestAttributes({
            params,
            messages,
            chatHistory: history,
            serverAddress: server(),
          }),
      },
      call,
      {
        onResult: (response) => () => cohereChatResponseAttributes(response),
        stream: (result) => {
          if (!stream || !isAsyncIterable(result)) return undefined;
          // v2 requests carry `messages`; v1 ones a `message` and stream other events.
          const events = Array.isArray(params.messages)
            ? new CohereStreamAccumulator()
            : new CohereV1StreamAccumulator();
          return { onChunk: (event) => events.add(event), onEnd: () => () => events.attributes() };
        },
      },
    );
  };
}

function tracedEmbed(
  original: AnyFunction,
  self: object,
  options: IntegrationOptions,
  server: () => string,
): AnyFunction {
  return function tracedCohereEmbed(request: unknown, ...rest: unknown[]) {
    const call = () => original.call(self, request, ...rest);
    if (typeof request !== 'object' || request === null) return call();
    const params = { ...(request as Json) };
    if (Array.isArray(params.texts)) params.texts = [...(params.texts as unknown[])];
    return traceIntegrationCall(
      options,
      {
        name: 'cohere.embed',
        kind: 'embedding',
        attributes: () => cohereEmbedRequestAttributes(params, server()),
      },
      call,
      { onResult: (response) => () => cohereEmbedResponseAttributes(response) },
    );
  };
}

function isAsyncIterable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Hugging Face integration (`@sightline/sdk/huggingface`): `wrapHuggingFace(client)` returns an
 * `InferenceClient` with `chatCompletion`, `chatCompletionStream` (its async generator is
 * followed while iterated), `textGeneration` and `featureExtraction` traced. Chat calls speak
 * the OpenAI chat-completions format (TGI, Inference Providers) and map through the OpenAI
 * integration's module.
 *
 *   import { InferenceClient } from '@huggingface/inference';
 *   import { wrapHuggingFace } from '@sightline/sdk/huggingface';
 *   const hf = wrapHuggingFace(new InferenceClient(token));
 *
 * The client defines its task methods as read-only own properties, so the wrapper is a new
 * object whose prototype is the client (`instanceof InferenceClient` holds, everything else is
 * inherited) rather than a Proxy; `endpoint(url)` returns a wrapped client too.
 */
import type { Sightline } from '../../Sightline.ts';
import {
  resolveIntegrationOptions,
  serverAddressOf,
  traceIntegrationCall,
  type IntegrationOptions,
} from '../integrationOptions.ts';
import {
  ChatCompletionChunkAccumulator,
  chatCompletionAttributes,
  chatRequestAttributes,
} from '../openai/chatCompletionsMapping.ts';
import {
  featureExtractionRequestAttributes,
  featureExtractionResultAttributes,
  textGenerationRequestAttributes,
  textGenerationResultAttributes,
  type HuggingFaceCallTarget,
} from './huggingFaceMapping.ts';

export type { IntegrationOptions } from '../integrationOptions.ts';

type AnyFunction = (...args: unknown[]) => unknown;
type Json = Record<string, unknown>;

/** Where calls go when neither the call nor the client names an endpoint. */
const HF_ROUTER_HOST = 'router.huggingface.co';

interface InferenceClientLike {
  defaultOptions?: { endpointUrl?: unknown };
}

/** Wrapped client → the client it wraps: wrapping twice replaces the tracing, never stacks it. */
const wrappedClients = new WeakMap<object, object>();

export function wrapHuggingFace<T extends object>(
  given: T,
  sightlineOrOptions?: Sightline | IntegrationOptions,
  options?: IntegrationOptions,
): T {
  const resolved = resolveIntegrationOptions(sightlineOrOptions, options);
  const client = (wrappedClients.get(given) ?? given) as T;
  const wrapped = Object.create(client) as T;
  wrappedClients.set(wrapped, client);
  const methods = client as unknown as Record<string, unknown>;
  const target = (args: Json): HuggingFaceCallTarget => ({
    serverAddress:
      serverAddressOf(
        args.endpointUrl ?? (client as InferenceClientLike).defaultOptions?.endpointUrl,
      ) ?? HF_ROUTER_HOST,
  });
  const define = (name: string, traced: (original: AnyFunction) => AnyFunction) => {
    const original = methods[name];
    if (typeof original === 'function')
      Object.defineProperty(wrapped, name, {
        value: traced(original as AnyFunction),
        enumerable: false,
      });
  };

  define('chatCompletion', (original) => (args, ...rest) => {
    if (!isObject(args)) return original(args, ...rest);
    const params = { ...args };
    const messages = Array.isArray(args.messages) ? [...(args.messages as unknown[])] : [];
    return traceIntegrationCall(
      resolved,
      {
        name: 'huggingface.chatCompletion',
        attributes: () =>
          chatRequestAttributes({ params, messages, provider: 'huggingface', ...target(params) }),
      },
      () => original(args, ...rest),
      { onResult: (output) => () => chatCompletionAttributes(output) },
    );
  });

  define('chatCompletionStream', (original) => (args, ...rest) => {
    if (!isObject(args)) return original(args, ...rest);
    const params = { ...args, stream: true };
    const messages = Array.isArray(args.messages) ? [...(args.messages as unknown[])] : [];
    return traceIntegrationCall(
      resolved,
      {
        name: 'huggingface.chatCompletionStream',
        attributes: () =>
          chatRequestAttributes({ params, messages, provider: 'huggingface', ...target(params) }),
      },
      () => original(args, ...rest),
      {
        stream: (generator) => {
          if (!isAsyncIterable(generator)) return undefined;
          const chunks = new ChatCompletionChunkAccumulator();
          return { onChunk: (chunk) => chunks.add(chunk), onEnd: () => () => chunks.attributes() };
        },
      },
    );
  });

  define('textGeneration', (original) => (args, ...rest) => {
    if (!isObject(args)) return original(args, ...rest);
    const params = { ...args };
    return traceIntegrationCall(
      resolved,
      {
        name: 'huggingface.textGeneration',
        attributes: () => textGenerationRequestAttributes(params, target(params)),
      },
      () => original(args, ...rest),
      { onResult: (output) => () => textGenerationResultAttributes(output) },
    );
  });

  define('featureExtraction', (original) => (args, ...rest) => {
    if (!isObject(args)) return original(args, ...rest);
    const params = {
      ...args,
      inputs: Array.isArray(args.inputs) ? [...(args.inputs as unknown[])] : args.inputs,
    };
    return traceIntegrationCall(
      resolved,
      {
        name: 'huggingface.featureExtraction',
        kind: 'embedding',
        attributes: () => featureExtractionRequestAttributes(params, target(params)),
      },
      () => original(args, ...rest),
      { onResult: (output) => () => featureExtractionResultAttributes(output) },
    );
  });

  define(
    'endpoint',
    (original) => (url) => wrapHuggingFace(original.call(client, url) as object, resolved),
  );
  return wrapped;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}

function isAsyncIterable(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof (value as unknown as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

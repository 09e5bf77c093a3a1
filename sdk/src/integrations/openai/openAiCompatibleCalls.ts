/**
 * Tracing of OpenAI-format client methods — `chat.completions.create`, `responses.create`,
 * `embeddings.create` — shared by every client that speaks that format (`openai`,
 * `together-ai`, and through `baseURL` any OpenAI-compatible server). At call time it only
 * copies references (the body, its messages or input array); the mapping runs later on the
 * transport's drain. Methods are traced by replacing them on the client's own resource
 * objects, never on the library's prototypes: the libraries' helpers (`chat.completions.stream`,
 * `.parse`, `.runTools`, `responses.stream`) call `client.chat.completions.create` /
 * `client.responses.create` on the client itself, so they are traced through the same span.
 */
import type { SpanKind } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import {
  serverAddressOf,
  traceIntegrationCall,
  type IntegrationOptions,
} from '../integrationOptions.ts';
import type { LlmCallHandlers } from '../llmCall.ts';
import {
  ChatCompletionChunkAccumulator,
  chatCompletionAttributes,
  chatRequestAttributes,
} from './chatCompletionsMapping.ts';
import {
  CompletionChunkAccumulator,
  completionAttributes,
  completionRequestAttributes,
} from './completionsMapping.ts';
import { embeddingsRequestAttributes, embeddingsResponseAttributes } from './embeddingsMapping.ts';
import { isObject, type Json } from './openAiJson.ts';
import { providerFromHost } from './providerFromBaseUrl.ts';
import {
  ResponseEventAccumulator,
  isResponseOutputEvent,
  responseAttributes,
  responsesRequestAttributes,
} from './responsesMapping.ts';

export interface OpenAiCompatibleOptions extends IntegrationOptions {
  /**
   * `gen_ai.provider.name` for every call; by default it is derived from the client's base URL
   * (`openai` for hosts that are not known providers).
   */
  provider?: string;
}

/** What the traced methods need to know about the client, read at call time. */
export interface ClientDescription {
  /** Prefix of span names, e.g. `openai` for `openai.chat.completions.create`. */
  spanPrefix: string;
  /** The client's base URL (it can change after wrapping). */
  baseURL(): unknown;
  /** Provider when neither the options nor a known host say otherwise. */
  defaultProvider?: string;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Tracer = (original: AnyFunction, self: unknown, args: unknown[]) => unknown;

const ORIGINAL = Symbol.for('sightline.original');

/**
 * Replaces `resource[method]` (an own property shadowing the prototype's) with a traced one.
 * Wrapping again replaces the tracing, never stacks it.
 */
export function traceMethod(resource: unknown, method: string, tracer: Tracer): void {
  if (!isObject(resource)) return;
  const current = resource[method];
  if (typeof current !== 'function') return;
  const original = ((current as { [ORIGINAL]?: AnyFunction })[ORIGINAL] ?? current) as AnyFunction;
  const traced = function (this: unknown, ...args: unknown[]) {
    return tracer(original, this, args);
  };
  Object.defineProperty(traced, 'name', { value: original.name, configurable: true });
  Object.defineProperty(traced, ORIGINAL, { value: original });
  try {
    Object.defineProperty(resource, method, {
      value: traced,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  } catch {
    // A frozen resource cannot be traced; the client keeps working untraced.
  }
}

interface Target {
  provider: string;
  serverAddress: string | undefined;
}

/** The last base URL's target per options and client: parsing a URL per call would cost more. */
const targets = new WeakMap<
  OpenAiCompatibleOptions,
  WeakMap<ClientDescription, [unknown, Target]>
>();

function describeTarget(options: OpenAiCompatibleOptions, client: ClientDescription): Target {
  const baseURL = client.baseURL();
  let byClient = targets.get(options);
  if (!byClient) targets.set(options, (byClient = new WeakMap()));
  const cached = byClient.get(client);
  if (cached && cached[0] === baseURL) return cached[1];
  const serverAddress = serverAddressOf(baseURL);
  const known = serverAddress ? providerFromHost(serverAddress) : undefined;
  const provider =
    options.provider ??
    (known !== undefined && known !== 'openai' ? known : (client.defaultProvider ?? 'openai'));
  const target = { provider, serverAddress };
  byClient.set(client, [baseURL, target]);
  return target;
}

function isAsyncIterable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

interface TracedCall {
  name: string;
  kind: SpanKind;
  attributes: () => SpanAttributes;
  handlers: LlmCallHandlers<unknown>;
}

function run(
  options: OpenAiCompatibleOptions,
  call: TracedCall,
  original: AnyFunction,
  self: unknown,
  args: unknown[],
): unknown {
  return traceIntegrationCall(
    options,
    { name: call.name, kind: call.kind, attributes: call.attributes },
    () => original.apply(self, args),
    call.handlers,
  );
}

/** One OpenAI-format method: how to capture its request, map its result, follow its stream. */
interface CallSpec {
  /** The method's path, e.g. `chat.completions.create` (the span is `<prefix>.<operation>`). */
  operation: string;
  kind: SpanKind;
  /** The request field copied at call time, since the host may change its array afterwards. */
  payloadField: 'messages' | 'prompt' | 'input';
  requestAttributes(request: { params: Json; payload: unknown } & Target): SpanAttributes;
  resultAttributes(result: unknown): SpanAttributes;
  /** For methods that stream: a fresh accumulator per stream. */
  streamAccumulator?: () => { add(chunk: unknown): void; attributes(): SpanAttributes };
  isFirstToken?: (chunk: unknown) => boolean;
}

function streamHandlers(spec: CallSpec, params: Json): LlmCallHandlers<unknown>['stream'] {
  const { streamAccumulator, isFirstToken } = spec;
  if (!streamAccumulator) return undefined;
  return (result) => {
    if (params.stream !== true || !isAsyncIterable(result)) return undefined;
    const chunks = streamAccumulator();
    return {
      onChunk: (chunk) => chunks.add(chunk),
      onEnd: () => () => chunks.attributes(),
      ...(isFirstToken ? { isFirstToken } : {}),
    };
  };
}

function callTracer(spec: CallSpec) {
  return (options: OpenAiCompatibleOptions, client: ClientDescription): Tracer =>
    (original, self, args) => {
      const body = args[0];
      if (!isObject(body)) return original.apply(self, args);
      const params: Json = { ...body };
      const field = body[spec.payloadField];
      const payload = Array.isArray(field) ? [...(field as unknown[])] : field;
      const target = describeTarget(options, client);
      const stream = streamHandlers(spec, params);
      return run(
        options,
        {
          name: `${client.spanPrefix}.${spec.operation}`,
          kind: spec.kind,
          attributes: () => spec.requestAttributes({ params, payload, ...target }),
          handlers: {
            onResult: (result) => () => spec.resultAttributes(result),
            ...(stream ? { stream } : {}),
          },
        },
        original,
        self,
        args,
      );
    };
}

export const chatCompletionsTracer = callTracer({
  operation: 'chat.completions.create',
  kind: 'llm',
  payloadField: 'messages',
  requestAttributes: ({ payload, ...request }) =>
    chatRequestAttributes({ ...request, messages: Array.isArray(payload) ? payload : [] }),
  resultAttributes: chatCompletionAttributes,
  streamAccumulator: () => new ChatCompletionChunkAccumulator(),
});

export const completionsTracer = callTracer({
  operation: 'completions.create',
  kind: 'llm',
  payloadField: 'prompt',
  requestAttributes: ({ payload, ...request }) =>
    completionRequestAttributes({ ...request, prompt: payload }),
  resultAttributes: completionAttributes,
  streamAccumulator: () => new CompletionChunkAccumulator(),
});

export const responsesTracer = callTracer({
  operation: 'responses.create',
  kind: 'llm',
  payloadField: 'input',
  requestAttributes: ({ payload, ...request }) =>
    responsesRequestAttributes({ ...request, input: payload }),
  resultAttributes: responseAttributes,
  streamAccumulator: () => new ResponseEventAccumulator(),
  isFirstToken: isResponseOutputEvent,
});

export const embeddingsTracer = callTracer({
  operation: 'embeddings.create',
  kind: 'embedding',
  payloadField: 'input',
  requestAttributes: ({ payload, ...request }) =>
    embeddingsRequestAttributes({ ...request, input: payload }),
  resultAttributes: embeddingsResponseAttributes,
});

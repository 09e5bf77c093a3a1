/**
 * OpenAI integration (`@sightline/sdk/openai`): `wrapOpenAI(client)` returns the same client
 * with `chat.completions.create`, `responses.create`, `embeddings.create` and the legacy
 * `completions.create` traced — JSON and `stream: true` (time to first token, usage from
 * `stream_options.include_usage`), tool calls, errors re-thrown unchanged, `.withResponse()`
 * still working. The library's helpers built on them (`chat.completions.stream/parse/runTools`,
 * `responses.stream/parse`) are traced through the same calls. OpenAI-compatible servers
 * (Together AI, TitanML Takeoff, vLLM, Groq…) work through the same wrapper with `baseURL`; the
 * provider is read from the base URL's host or given as the `provider` option.
 *
 *   import OpenAI from 'openai';
 *   import { wrapOpenAI } from '@sightline/sdk/openai';
 *   const openai = wrapOpenAI(new OpenAI());
 *
 * The client's resource objects get traced methods of their own (the library's prototypes are
 * untouched). Not traced: `images`, `audio`, realtime, and clients made by `withOptions()` (wrap
 * them too). A stream's `tee()` cannot run on the traced stream (the library's Stream keeps its
 * client in a private field), so it runs on the original stream and bypasses tracing; the span
 * then ends when `tee()` is called, without the output.
 */
import type { Sightline } from '../../Sightline.ts';
import { resolveIntegrationOptions } from '../integrationOptions.ts';
import {
  chatCompletionsTracer,
  completionsTracer,
  embeddingsTracer,
  responsesTracer,
  traceMethod,
  type ClientDescription,
  type OpenAiCompatibleOptions,
} from './openAiCompatibleCalls.ts';

export type { OpenAiCompatibleOptions } from './openAiCompatibleCalls.ts';
export { providerFromHost } from './providerFromBaseUrl.ts';

interface OpenAiLike {
  baseURL?: unknown;
  chat?: { completions?: object };
  responses?: object;
  completions?: object;
  embeddings?: object;
}

export function wrapOpenAI<T extends object>(
  client: T,
  sightlineOrOptions?: Sightline | OpenAiCompatibleOptions,
  options?: OpenAiCompatibleOptions,
): T {
  const resolved: OpenAiCompatibleOptions = resolveIntegrationOptions(sightlineOrOptions, options);
  const openai = client as OpenAiLike;
  const description: ClientDescription = { spanPrefix: 'openai', baseURL: () => openai.baseURL };
  traceMethod(openai.chat?.completions, 'create', chatCompletionsTracer(resolved, description));
  traceMethod(openai.completions, 'create', completionsTracer(resolved, description));
  traceMethod(openai.responses, 'create', responsesTracer(resolved, description));
  traceMethod(openai.embeddings, 'create', embeddingsTracer(resolved, description));
  return client;
}

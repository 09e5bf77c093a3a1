/**
 * Together AI integration (`@sightline/sdk/together`): `wrapTogether(client)` returns the same
 * `together-ai` client with `chat.completions.create` (JSON and `stream: true`) and
 * `embeddings.create` traced. Together speaks the OpenAI wire format, so the calls are traced
 * and mapped by the OpenAI integration's modules; only the span names (`together.…`) and the
 * provider (`together`, whatever the base URL) differ.
 *
 *   import Together from 'together-ai';
 *   import { wrapTogether } from '@sightline/sdk/together';
 *   const together = wrapTogether(new Together());
 */
import type { Sightline } from '../../Sightline.ts';
import { resolveIntegrationOptions } from '../integrationOptions.ts';
import {
  chatCompletionsTracer,
  embeddingsTracer,
  traceMethod,
  type ClientDescription,
  type OpenAiCompatibleOptions,
} from '../openai/openAiCompatibleCalls.ts';

export type { OpenAiCompatibleOptions } from '../openai/openAiCompatibleCalls.ts';

interface TogetherLike {
  baseURL?: unknown;
  chat?: { completions?: object };
  embeddings?: object;
}

export function wrapTogether<T extends object>(
  client: T,
  sightlineOrOptions?: Sightline | OpenAiCompatibleOptions,
  options?: OpenAiCompatibleOptions,
): T {
  const resolved: OpenAiCompatibleOptions = resolveIntegrationOptions(sightlineOrOptions, options);
  const together = client as TogetherLike;
  const description: ClientDescription = {
    spanPrefix: 'together',
    baseURL: () => together.baseURL,
    defaultProvider: 'together',
  };
  traceMethod(together.chat?.completions, 'create', chatCompletionsTracer(resolved, description));
  traceMethod(together.embeddings, 'create', embeddingsTracer(resolved, description));
  return client;
}

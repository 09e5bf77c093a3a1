/**
 * AI21 integration (`@sightline/sdk/ai21`): `wrapAI21(client)` returns the same `ai21` client
 * with `chat.completions.create` (JSON and `stream: true`) traced. AI21's chat API speaks the
 * OpenAI chat-completions wire format, so calls are traced and mapped by the OpenAI
 * integration's shared modules; only the span name (`ai21.chat.completions.create`) and the
 * provider (`ai21`) differ.
 *
 *   import { AI21 } from 'ai21';
 *   import { wrapAI21 } from '@sightline/sdk/ai21';
 *   const ai21 = wrapAI21(new AI21({ apiKey }));
 *
 * A stream is followed when iterated (`for await`); calling its `next()` directly bypasses
 * the tracing, and that call's span is never sent.
 */
import type { Sightline } from '../../Sightline.ts';
import { resolveIntegrationOptions } from '../integrationOptions.ts';
import {
  chatCompletionsTracer,
  traceMethod,
  type ClientDescription,
  type OpenAiCompatibleOptions,
} from '../openai/openAiCompatibleCalls.ts';

export type { OpenAiCompatibleOptions } from '../openai/openAiCompatibleCalls.ts';

interface Ai21Like {
  baseURL?: unknown;
  chat?: { completions?: object };
}

export function wrapAI21<T extends object>(
  client: T,
  sightlineOrOptions?: Sightline | OpenAiCompatibleOptions,
  options?: OpenAiCompatibleOptions,
): T {
  const resolved: OpenAiCompatibleOptions = resolveIntegrationOptions(sightlineOrOptions, options);
  const ai21 = client as Ai21Like;
  const description: ClientDescription = {
    spanPrefix: 'ai21',
    baseURL: () => ai21.baseURL,
    defaultProvider: 'ai21',
  };
  traceMethod(ai21.chat?.completions, 'create', chatCompletionsTracer(resolved, description));
  return client;
}

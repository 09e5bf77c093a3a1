/**
 * LlamaIndex.TS integration (`@sightline/sdk/llamaindex`): `wrapLlamaIndexLLM(llm)` returns the
 * same LLM instance with `chat` traced — plain and streamed (time to first token at the first
 * chunk with output), tool calls, errors re-thrown unchanged. `complete()` and the chat
 * engines, agents and query engines that use the LLM go through `chat`, so they are traced
 * too, nested under whatever Sightline span is active.
 *
 *   import { OpenAI } from '@llamaindex/openai';
 *   import { Settings } from 'llamaindex';
 *   import { wrapLlamaIndexLLM } from '@sightline/sdk/llamaindex';
 *   Settings.llm = wrapLlamaIndexLLM(new OpenAI({ model: 'gpt-4o-mini' }));
 *
 * The LLM is wrapped, not `Settings.callbackManager` observed: LlamaIndex emits no event when a
 * call fails, so an event-based span could never record the error or end.
 */
import type { Sightline } from '../../Sightline.ts';
import {
  resolveIntegrationOptions,
  serverAddressOf,
  traceIntegrationCall,
} from '../integrationOptions.ts';
import { traceMethod, type OpenAiCompatibleOptions } from '../openai/openAiCompatibleCalls.ts';
import { isObject, type Json } from '../openai/openAiJson.ts';
import {
  LlamaIndexChunkAccumulator,
  isLlamaIndexOutputChunk,
  llamaIndexRequestAttributes,
  llamaIndexResponseAttributes,
} from './llamaIndexMapping.ts';

export type LlamaIndexIntegrationOptions = OpenAiCompatibleOptions;

/** Providers of LlamaIndex's LLM classes, by class name (`gen_ai.provider.name`). */
const PROVIDER_BY_CLASS: Record<string, string> = {
  OpenAI: 'openai',
  OpenAIResponses: 'openai',
  AzureOpenAI: 'azure.ai.openai',
  Anthropic: 'anthropic',
  Gemini: 'gcp.gemini',
  Ollama: 'ollama',
  Groq: 'groq',
  MistralAI: 'mistral_ai',
  DeepSeekLLM: 'deepseek',
  TogetherLLM: 'together',
  FireworksLLM: 'fireworks',
  Bedrock: 'aws.bedrock',
};

function providerOf(llm: object): string {
  const name = llm.constructor?.name ?? '';
  return PROVIDER_BY_CLASS[name] ?? (name ? name.toLowerCase() : 'llamaindex');
}

export function wrapLlamaIndexLLM<T extends object>(
  llm: T,
  sightlineOrOptions?: Sightline | LlamaIndexIntegrationOptions,
  options?: LlamaIndexIntegrationOptions,
): T {
  const resolved: LlamaIndexIntegrationOptions = resolveIntegrationOptions(
    sightlineOrOptions,
    options,
  );
  const spanName = `llamaindex.${llm.constructor?.name || 'llm'}.chat`;
  traceMethod(llm, 'chat', (original, self, args) => {
    const params = args[0];
    if (!isObject(params)) return original.apply(self, args);
    const messages = Array.isArray(params.messages) ? [...(params.messages as unknown[])] : [];
    const stream = params.stream === true;
    const metadata = readMetadata(llm);
    const provider = resolved.provider ?? providerOf(llm);
    const serverAddress = serverAddressOf((llm as { baseURL?: unknown }).baseURL);
    return traceIntegrationCall(
      resolved,
      {
        name: spanName,
        attributes: () =>
          llamaIndexRequestAttributes({ metadata, messages, stream, provider, serverAddress }),
      },
      () => original.apply(self, args),
      {
        onResult: (response) => () => llamaIndexResponseAttributes(response),
        stream: (result) => {
          if (!stream || !isObject(result) || !(Symbol.asyncIterator in result)) return undefined;
          const chunks = new LlamaIndexChunkAccumulator();
          return {
            onChunk: (chunk) => chunks.add(chunk),
            onEnd: () => () => chunks.attributes(),
            isFirstToken: isLlamaIndexOutputChunk,
          };
        },
      },
    );
  });
  return llm;
}

/** `llm.metadata` is a getter some LLMs compute; a failing one must not fail the call. */
function readMetadata(llm: object): Json {
  try {
    const metadata = (llm as { metadata?: unknown }).metadata;
    return isObject(metadata) ? { ...metadata } : {};
  } catch {
    return {};
  }
}

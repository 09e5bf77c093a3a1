/**
 * Maps LangChain objects onto the wire contract: chat messages (`BaseMessage`: human, ai with
 * tool calls, system, tool, content blocks), prompts of plain LLMs, `LLMResult` generations
 * with their usage (`usage_metadata` or the provider's `llmOutput.tokenUsage`), finish reasons
 * and response model/id, the invocation parameters, and retrieved documents. Reads duck-typed
 * objects (no runtime import of LangChain) and runs on the transport's drain.
 */
import type { ChatMessage, MessagePart } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import {
  base64Bytes,
  isObject,
  mediaFromDataUri,
  num,
  str,
  type Json,
} from '../openai/openAiJson.ts';

const ROLE_BY_TYPE: Record<string, ChatMessage['role'] | 'system'> = {
  human: 'user',
  user: 'user',
  generic: 'user',
  ai: 'assistant',
  assistant: 'assistant',
  system: 'system',
  developer: 'system',
  tool: 'tool',
  function: 'tool',
};

function messageType(message: Json): string {
  const type = str(message.type);
  if (type) return type;
  try {
    const getType = message._getType;
    return typeof getType === 'function'
      ? String((getType as () => unknown).call(message))
      : 'human';
  } catch {
    return 'human';
  }
}

/** Chat messages split into system instructions and the rest. */
export function chatMessagesAttributes(messages: unknown[]): SpanAttributes {
  const system: MessagePart[] = [];
  const input: ChatMessage[] = [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    const role = ROLE_BY_TYPE[messageType(message)] ?? 'user';
    if (role === 'system') system.push(...contentParts(message.content));
    else input.push(toChatMessage(message, role));
  }
  return {
    ...(system.length > 0 ? { systemInstructions: system } : {}),
    inputMessages: input,
  };
}

function toChatMessage(message: Json, role: ChatMessage['role']): ChatMessage {
  const name = str(message.name);
  const base = name ? { name } : {};
  if (role === 'tool') {
    const id = str(message.tool_call_id);
    return {
      role,
      ...base,
      parts: [
        {
          type: 'tool_call_response',
          ...(id ? { id } : {}),
          response: toolResponse(message.content),
        },
      ],
    };
  }
  if (role === 'assistant') return { role, ...base, parts: aiMessageParts(message) };
  return { role, ...base, parts: contentParts(message.content) };
}

function aiMessageParts(message: Json): MessagePart[] {
  const parts = contentParts(message.content);
  const reasoning = isObject(message.additional_kwargs)
    ? str(message.additional_kwargs.reasoning_content)
    : undefined;
  if (reasoning) parts.unshift({ type: 'reasoning', content: reasoning });
  if (Array.isArray(message.tool_calls))
    for (const call of message.tool_calls) {
      if (!isObject(call)) continue;
      const id = str(call.id);
      parts.push({
        type: 'tool_call',
        ...(id ? { id } : {}),
        name: str(call.name) || 'unknown',
        arguments: call.args,
      });
    }
  return parts;
}

function toolResponse(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const texts = content.filter(
    (block): block is Json =>
      isObject(block) && block.type === 'text' && typeof block.text === 'string',
  );
  return texts.length === content.length ? texts.map((block) => block.text).join('') : content;
}

/** Content as a string or as LangChain content blocks (classic and v1 standard blocks). */
export function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return content ? [{ type: 'text', content }] : [];
  if (!Array.isArray(content)) return [];
  return content.flatMap((block): MessagePart[] => {
    if (typeof block === 'string') return [{ type: 'text', content: block }];
    if (!isObject(block)) return [];
    switch (block.type) {
      case 'text':
        return [{ type: 'text', content: str(block.text) ?? '' }];
      case 'reasoning':
      case 'thinking':
        return [{ type: 'reasoning', content: str(block.reasoning) ?? str(block.thinking) ?? '' }];
      case 'tool_use':
      case 'tool_call': {
        const id = str(block.id);
        return [
          {
            type: 'tool_call',
            ...(id ? { id } : {}),
            name: str(block.name) || 'unknown',
            arguments: block.args ?? block.input,
          },
        ];
      }
      case 'image_url': {
        const url = isObject(block.image_url) ? str(block.image_url.url) : str(block.image_url);
        return [url ? mediaFromDataUri(url) : { type: 'media' }];
      }
      case 'image':
      case 'audio':
      case 'file':
      case 'video': {
        const mimeType = str(block.mimeType) ?? str(block.mime_type);
        const url = str(block.url);
        const data = str(block.data);
        if (url) return [{ ...mediaFromDataUri(url), ...(mimeType ? { mimeType } : {}) }];
        return [
          {
            type: 'media',
            ...(mimeType ? { mimeType } : {}),
            ...(data ? { bytes: base64Bytes(data) } : {}),
          },
        ];
      }
      default:
        return [];
    }
  });
}

/** Plain LLM prompts (`handleLLMStart`) as user messages. */
export function promptMessages(prompts: unknown[]): ChatMessage[] {
  return prompts
    .filter((prompt): prompt is string => typeof prompt === 'string')
    .map((prompt) => ({ role: 'user', parts: [{ type: 'text', content: prompt }] }));
}

/** `extraParams.invocation_params` and LangSmith's `ls_*` metadata as request attributes. */
export function invocationAttributes(
  invocationParams: unknown,
  metadata: Json | undefined,
): SpanAttributes {
  const params = isObject(invocationParams) ? invocationParams : {};
  const attributes: SpanAttributes = {};
  const model =
    str(params.model) ??
    str(params.model_name) ??
    str(params.modelName) ??
    str(metadata?.ls_model_name);
  if (model) attributes.requestModel = model;
  const provider = str(metadata?.ls_provider);
  if (provider) attributes.provider = provider;
  const request: NonNullable<SpanAttributes['request']> = {};
  const temperature = num(params.temperature) ?? num(metadata?.ls_temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = num(params.top_p) ?? num(params.topP);
  if (topP !== undefined) request.topP = topP;
  const topK = num(params.top_k) ?? num(params.topK);
  if (topK !== undefined) request.topK = topK;
  const maxTokens =
    num(params.max_completion_tokens) ??
    num(params.max_tokens) ??
    num(params.maxTokens) ??
    num(metadata?.ls_max_tokens);
  if (maxTokens !== undefined && maxTokens >= 0) request.maxTokens = maxTokens;
  const frequencyPenalty = num(params.frequency_penalty);
  if (frequencyPenalty !== undefined) request.frequencyPenalty = frequencyPenalty;
  const presencePenalty = num(params.presence_penalty);
  if (presencePenalty !== undefined) request.presencePenalty = presencePenalty;
  const stop = params.stop ?? metadata?.ls_stop;
  if (typeof stop === 'string') request.stopSequences = [stop];
  else if (Array.isArray(stop))
    request.stopSequences = stop.filter((entry): entry is string => typeof entry === 'string');
  const seed = num(params.seed);
  if (seed !== undefined && Number.isInteger(seed)) request.seed = seed;
  const choiceCount = num(params.n);
  if (choiceCount !== undefined && Number.isInteger(choiceCount) && choiceCount > 0)
    request.choiceCount = choiceCount;
  if (typeof params.stream === 'boolean') request.stream = params.stream;
  if (Object.keys(request).length > 0) attributes.request = request;
  return attributes;
}

function usageOf(message: Json | undefined, llmOutput: Json | undefined): SpanAttributes['usage'] {
  const metadata = message && isObject(message.usage_metadata) ? message.usage_metadata : undefined;
  if (metadata) {
    const usage: NonNullable<SpanAttributes['usage']> = {};
    const input = num(metadata.input_tokens);
    if (input !== undefined) usage.inputTokens = input;
    const output = num(metadata.output_tokens);
    if (output !== undefined) usage.outputTokens = output;
    const cached = isObject(metadata.input_token_details)
      ? num(metadata.input_token_details.cache_read)
      : undefined;
    if (cached !== undefined) usage.cachedInputTokens = cached;
    const reasoning = isObject(metadata.output_token_details)
      ? num(metadata.output_token_details.reasoning)
      : undefined;
    if (reasoning !== undefined) usage.reasoningTokens = reasoning;
    return usage;
  }
  const tokenUsage =
    llmOutput && (isObject(llmOutput.tokenUsage) ? llmOutput.tokenUsage : undefined);
  if (!tokenUsage) return undefined;
  const usage: NonNullable<SpanAttributes['usage']> = {};
  const input = num(tokenUsage.promptTokens);
  if (input !== undefined) usage.inputTokens = input;
  const output = num(tokenUsage.completionTokens);
  if (output !== undefined) usage.outputTokens = output;
  return usage;
}

/** An `LLMResult` (`handleLLMEnd`) as span attributes. */
export function llmResultAttributes(result: unknown): SpanAttributes {
  if (!isObject(result)) return {};
  const generations = (Array.isArray(result.generations) ? result.generations : [])
    .flatMap((batch: unknown) => (Array.isArray(batch) ? batch : []))
    .filter(isObject);
  const llmOutput = isObject(result.llmOutput) ? result.llmOutput : undefined;
  const attributes: SpanAttributes = {};
  const finishReasons: string[] = [];
  let usageMessage: Json | undefined;
  attributes.outputMessages = generations.map((generation) => {
    const message = isObject(generation.message) ? generation.message : undefined;
    const info = isObject(generation.generationInfo) ? generation.generationInfo : {};
    const responseMetadata =
      message && isObject(message.response_metadata) ? message.response_metadata : {};
    const finishReason =
      str(info.finish_reason) ??
      str(info.finishReason) ??
      str(responseMetadata.finish_reason) ??
      str(responseMetadata.stop_reason);
    if (finishReason) finishReasons.push(finishReason);
    if (message) {
      usageMessage ??= isObject(message.usage_metadata) ? message : undefined;
      const model =
        str(responseMetadata.model_name) ?? str(responseMetadata.model) ?? str(info.model_name);
      if (model) attributes.responseModel ??= model;
      const id = str(message.id);
      if (id) attributes.responseId ??= id;
    }
    return {
      role: 'assistant',
      parts: message ? aiMessageParts(message) : contentParts(str(generation.text) ?? ''),
      ...(finishReason ? { finishReason } : {}),
    };
  });
  if (finishReasons.length > 0) attributes.finishReasons = finishReasons;
  const usage = usageOf(usageMessage, llmOutput);
  if (usage) attributes.usage = usage;
  if (!attributes.responseModel && llmOutput) {
    const model = str(llmOutput.model_name) ?? str(llmOutput.model);
    if (model) attributes.responseModel = model;
  }
  return attributes;
}

/** Retrieved documents: page content and metadata, JSON-encoded into the span's metadata. */
export function documentsSummary(documents: unknown): unknown[] {
  if (!Array.isArray(documents)) return [];
  return documents.filter(isObject).map((document) => ({
    ...(document.id !== undefined ? { id: document.id } : {}),
    pageContent: document.pageContent,
    metadata: document.metadata,
  }));
}

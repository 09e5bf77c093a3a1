/**
 * Maps LlamaIndex.TS LLM calls onto the wire contract: the LLM's metadata (model, temperature,
 * top-p, max tokens), LlamaIndex chat messages (text and image content, tool calls and tool
 * results carried in `options`), and the response or streamed chunks. When the LLM's `raw`
 * payloads are OpenAI chat completions (`@llamaindex/openai` and other OpenAI-format LLMs),
 * the OpenAI mapping reads them for the response id, model, usage and finish reasons; other
 * LLMs are described from LlamaIndex's own response shape. Runs on the transport's drain.
 */
import type { ChatMessage, MessagePart } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import {
  ChatCompletionChunkAccumulator,
  chatCompletionAttributes,
} from '../openai/chatCompletionsMapping.ts';
import {
  isObject,
  mediaFromDataUri,
  num,
  parseArguments,
  str,
  type Json,
} from '../openai/openAiJson.ts';

export interface LlamaIndexRequestCapture {
  /** `llm.metadata`, read at call time. */
  metadata: Json;
  messages: unknown[];
  stream: boolean;
  provider: string;
  serverAddress: string | undefined;
}

export function llamaIndexRequestAttributes(capture: LlamaIndexRequestCapture): SpanAttributes {
  const { metadata } = capture;
  const request: NonNullable<SpanAttributes['request']> = { stream: capture.stream };
  const temperature = num(metadata.temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = num(metadata.topP);
  if (topP !== undefined) request.topP = topP;
  const maxTokens = num(metadata.maxTokens);
  if (maxTokens !== undefined && Number.isInteger(maxTokens) && maxTokens >= 0)
    request.maxTokens = maxTokens;
  const attributes: SpanAttributes = { operationName: 'chat', provider: capture.provider, request };
  const model = str(metadata.model);
  if (model) attributes.requestModel = model;
  if (capture.serverAddress) attributes.serverAddress = capture.serverAddress;
  const system: MessagePart[] = [];
  const input: ChatMessage[] = [];
  for (const message of capture.messages) {
    if (!isObject(message)) continue;
    if (message.role === 'system' || message.role === 'developer')
      system.push(...contentParts(message.content));
    else input.push(inputMessage(message));
  }
  if (system.length > 0) attributes.systemInstructions = system;
  attributes.inputMessages = input;
  return attributes;
}

function inputMessage(message: Json): ChatMessage {
  const options = isObject(message.options) ? message.options : {};
  if (isObject(options.toolResult)) {
    const result = options.toolResult;
    const id = str(result.id);
    return {
      role: 'tool',
      parts: [
        {
          type: 'tool_call_response',
          ...(id ? { id } : {}),
          response: result.result ?? message.content,
        },
      ],
    };
  }
  const role = message.role === 'assistant' ? 'assistant' : 'user';
  return { role, parts: [...contentParts(message.content), ...toolCallParts(options.toolCall)] };
}

function toolCallParts(toolCalls: unknown): MessagePart[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.filter(isObject).map((call) => {
    const id = str(call.id);
    return {
      type: 'tool_call',
      ...(id ? { id } : {}),
      name: str(call.name) || 'unknown',
      arguments: parseArguments(call.input),
    };
  });
}

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return content ? [{ type: 'text', content }] : [];
  if (!Array.isArray(content)) return [];
  return content.flatMap((detail): MessagePart[] => {
    if (!isObject(detail)) return [];
    switch (detail.type) {
      case 'text':
        return [{ type: 'text', content: str(detail.text) ?? '' }];
      case 'image_url': {
        const url = isObject(detail.image_url) ? str(detail.image_url.url) : undefined;
        return [url ? mediaFromDataUri(url) : { type: 'media' }];
      }
      case 'image':
      case 'audio':
      case 'video':
      case 'file': {
        const mimeType = str(detail.mimeType);
        const data = str(detail.data);
        return [
          {
            type: 'media',
            ...(mimeType ? { mimeType } : {}),
            ...(data ? { bytes: Buffer.byteLength(data, 'base64') } : {}),
          },
        ];
      }
      default:
        return [];
    }
  });
}

const isOpenAiCompletion = (raw: unknown): boolean =>
  isObject(raw) && raw.object === 'chat.completion';
const isOpenAiChunk = (raw: unknown): boolean =>
  isObject(raw) && raw.object === 'chat.completion.chunk';

/** A non-streamed `ChatResponse` (`{ message, raw }`). */
export function llamaIndexResponseAttributes(response: unknown): SpanAttributes {
  if (!isObject(response)) return {};
  if (isOpenAiCompletion(response.raw)) return chatCompletionAttributes(response.raw);
  const message = isObject(response.message) ? response.message : {};
  const options = isObject(message.options) ? message.options : {};
  return {
    outputMessages: [
      {
        role: 'assistant',
        parts: [...contentParts(message.content), ...toolCallParts(options.toolCall)],
      },
    ],
  };
}

/** Streamed `ChatResponseChunk`s (`{ delta, raw, options }`), kept by reference. */
export class LlamaIndexChunkAccumulator {
  readonly #deltas: string[] = [];
  readonly #raw = new ChatCompletionChunkAccumulator();
  #openAiRaw = true;
  #rawChunks = 0;
  #toolCalls: MessagePart[] = [];

  add(chunk: unknown): void {
    if (!isObject(chunk)) return;
    const delta = str(chunk.delta);
    if (delta) this.#deltas.push(delta);
    if (isOpenAiChunk(chunk.raw)) {
      this.#raw.add(chunk.raw);
      this.#rawChunks += 1;
    } else this.#openAiRaw = false;
    // The OpenAI LLM's tool-call objects grow in place while streaming: copy them now.
    const options = isObject(chunk.options) ? chunk.options : {};
    if (Array.isArray(options.toolCall))
      this.#toolCalls = toolCallParts(
        options.toolCall.map((call) => (isObject(call) ? { ...call } : call)),
      );
  }

  attributes(): SpanAttributes {
    if (this.#openAiRaw && this.#rawChunks > 0) return this.#raw.attributes();
    const text = this.#deltas.join('');
    return {
      outputMessages: [
        {
          role: 'assistant',
          parts: [...(text ? [{ type: 'text' as const, content: text }] : []), ...this.#toolCalls],
        },
      ],
    };
  }
}

/** Whether a chunk carries generated output (LLMs may open with an empty one). */
export function isLlamaIndexOutputChunk(chunk: unknown): boolean {
  if (!isObject(chunk)) return false;
  if (typeof chunk.delta === 'string' && chunk.delta.length > 0) return true;
  return isObject(chunk.options) && Array.isArray(chunk.options.toolCall);
}

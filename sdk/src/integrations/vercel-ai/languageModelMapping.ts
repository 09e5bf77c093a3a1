/**
 * Maps the AI SDK's language-model specification (the `LanguageModelV3` call options, generate
 * results and stream parts that every provider implements) onto the wire contract: the prompt
 * (system, user, assistant and tool messages with text, files, reasoning, tool calls and tool
 * results), call settings, the generated content, usage (cache reads, reasoning tokens), the
 * finish reason (the provider's raw value when given) and response metadata. Also reads the
 * v2 specification's shapes (plain finish reason and usage numbers). Runs on the drain.
 */
import type { ChatMessage, MessagePart } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import {
  base64Bytes,
  isObject,
  num,
  parseArguments,
  str,
  type Json,
} from '../openai/openAiJson.ts';

export interface LanguageModelCallCapture {
  params: Json;
  /** `params.prompt`, shallow-copied at call time. */
  prompt: unknown[];
  provider: string;
  modelId: string | undefined;
  stream: boolean;
}

/** `openai.chat` / `openai.responses` → `openai`; the AI SDK names providers `<name>.<api>`. */
export function providerName(modelProvider: unknown): string {
  const name = str(modelProvider) ?? '';
  const base = name.split('.')[0] ?? '';
  return base || 'unknown';
}

export function callAttributes(capture: LanguageModelCallCapture): SpanAttributes {
  const { params } = capture;
  const request: NonNullable<SpanAttributes['request']> = { stream: capture.stream };
  const temperature = num(params.temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = num(params.topP);
  if (topP !== undefined) request.topP = topP;
  const topK = num(params.topK);
  if (topK !== undefined) request.topK = topK;
  const maxTokens = num(params.maxOutputTokens);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const frequencyPenalty = num(params.frequencyPenalty);
  if (frequencyPenalty !== undefined) request.frequencyPenalty = frequencyPenalty;
  const presencePenalty = num(params.presencePenalty);
  if (presencePenalty !== undefined) request.presencePenalty = presencePenalty;
  if (Array.isArray(params.stopSequences))
    request.stopSequences = params.stopSequences.filter(
      (entry): entry is string => typeof entry === 'string',
    );
  const seed = num(params.seed);
  if (seed !== undefined && Number.isInteger(seed)) request.seed = seed;
  const format = isObject(params.responseFormat) ? str(params.responseFormat.type) : undefined;
  if (format) request.outputType = format;
  const attributes: SpanAttributes = { operationName: 'chat', provider: capture.provider, request };
  if (capture.modelId) attributes.requestModel = capture.modelId;
  const system: MessagePart[] = [];
  const input: ChatMessage[] = [];
  for (const message of capture.prompt) {
    if (!isObject(message)) continue;
    if (message.role === 'system') {
      const content = str(message.content);
      if (content) system.push({ type: 'text', content });
    } else
      input.push({
        role: message.role === 'assistant' || message.role === 'tool' ? message.role : 'user',
        parts: Array.isArray(message.content) ? message.content.flatMap(contentPart) : [],
      });
  }
  if (system.length > 0) attributes.systemInstructions = system;
  attributes.inputMessages = input;
  return attributes;
}

/** One prompt part or one generated content part. */
function contentPart(part: unknown): MessagePart[] {
  if (!isObject(part)) return [];
  switch (part.type) {
    case 'text':
      return [{ type: 'text', content: str(part.text) ?? '' }];
    case 'reasoning':
      return [{ type: 'reasoning', content: str(part.text) ?? '' }];
    case 'file':
      return [filePart(part)];
    case 'tool-call': {
      const id = str(part.toolCallId);
      return [
        {
          type: 'tool_call',
          ...(id ? { id } : {}),
          name: str(part.toolName) || 'unknown',
          // Prompt parts carry the input as a value, generated ones as JSON text.
          arguments: parseArguments(part.input),
        },
      ];
    }
    case 'tool-result': {
      const id = str(part.toolCallId);
      return [
        {
          type: 'tool_call_response',
          ...(id ? { id } : {}),
          response: toolOutput(part.output ?? part.result),
        },
      ];
    }
    default:
      return [];
  }
}

function toolOutput(output: unknown): unknown {
  if (isObject(output) && typeof output.type === 'string' && 'value' in output) return output.value;
  return output;
}

function filePart(part: Json): MessagePart {
  const mimeType = str(part.mediaType) ?? str(part.mimeType);
  const data = part.data;
  const media: MessagePart & { type: 'media' } = { type: 'media' };
  if (mimeType) media.mimeType = mimeType;
  if (data instanceof URL) media.uri = data.href;
  else if (data instanceof Uint8Array) media.bytes = data.byteLength;
  else if (typeof data === 'string') {
    if (/^(https?|gs|s3):\/\//.test(data)) media.uri = data;
    else media.bytes = base64Bytes(data);
  }
  return media;
}

function finishReasonOf(reason: unknown): string | undefined {
  if (typeof reason === 'string') return reason;
  if (!isObject(reason)) return undefined;
  return str(reason.raw) ?? str(reason.unified);
}

function tokenCount(value: unknown, key: 'total'): number | undefined {
  if (isObject(value)) return num(value[key]);
  return num(value);
}

export function usageAttributes(usage: unknown): SpanAttributes['usage'] {
  if (!isObject(usage)) return undefined;
  const result: NonNullable<SpanAttributes['usage']> = {};
  const input = tokenCount(usage.inputTokens, 'total');
  if (input !== undefined) result.inputTokens = input;
  const output = tokenCount(usage.outputTokens, 'total');
  if (output !== undefined) result.outputTokens = output;
  const cached = isObject(usage.inputTokens)
    ? num(usage.inputTokens.cacheRead)
    : num(usage.cachedInputTokens);
  if (cached !== undefined) result.cachedInputTokens = cached;
  const reasoning = isObject(usage.outputTokens)
    ? num(usage.outputTokens.reasoning)
    : num(usage.reasoningTokens);
  if (reasoning !== undefined) result.reasoningTokens = reasoning;
  return Object.keys(result).length > 0 ? result : undefined;
}

function responseMetadata(response: unknown): SpanAttributes {
  if (!isObject(response)) return {};
  const attributes: SpanAttributes = {};
  const id = str(response.id);
  if (id) attributes.responseId = id;
  const model = str(response.modelId);
  if (model) attributes.responseModel = model;
  return attributes;
}

function outcome(content: MessagePart[], finish: unknown, usage: unknown): SpanAttributes {
  const finishReason = finishReasonOf(finish);
  const attributes: SpanAttributes = {
    outputMessages: [
      { role: 'assistant', parts: content, ...(finishReason ? { finishReason } : {}) },
    ],
  };
  if (finishReason) attributes.finishReasons = [finishReason];
  const tokens = usageAttributes(usage);
  if (tokens) attributes.usage = tokens;
  return attributes;
}

/** A `doGenerate` result. */
export function generateResultAttributes(result: unknown): SpanAttributes {
  if (!isObject(result)) return {};
  const content = Array.isArray(result.content) ? result.content.flatMap(contentPart) : [];
  return {
    ...responseMetadata(result.response),
    ...outcome(content, result.finishReason, result.usage),
  };
}

/** Stream parts (`text-delta`, `tool-call`, `response-metadata`, `finish`, `error`…), by reference. */
export class StreamPartAccumulator {
  readonly #parts: Json[] = [];

  add(part: unknown): void {
    if (isObject(part)) this.#parts.push(part);
  }

  attributes(): SpanAttributes {
    const blocks = new Map<string, { type: 'text' | 'reasoning'; content: string }>();
    const ordered: MessagePart[] = [];
    let metadata: SpanAttributes = {};
    let finish: Json | undefined;
    let failure: unknown;
    for (const part of this.#parts) {
      switch (part.type) {
        case 'text-delta':
        case 'reasoning-delta': {
          const key = `${part.type}:${str(part.id) ?? ''}`;
          let block = blocks.get(key);
          if (!block) {
            block = { type: part.type === 'text-delta' ? 'text' : 'reasoning', content: '' };
            blocks.set(key, block);
            ordered.push(block);
          }
          block.content += str(part.delta) ?? '';
          break;
        }
        case 'tool-call':
          ordered.push(...contentPart(part));
          break;
        case 'response-metadata':
          metadata = { ...metadata, ...responseMetadata(part) };
          break;
        case 'finish':
          finish = part;
          break;
        case 'error':
          failure = part.error;
          break;
      }
    }
    // Providers open text blocks that may stay empty (a tool-call-only answer).
    const content = ordered.filter(
      (part) => !((part.type === 'text' || part.type === 'reasoning') && part.content === ''),
    );
    const attributes: SpanAttributes = {
      ...metadata,
      ...outcome(content, finish?.finishReason, finish?.usage),
    };
    if (failure !== undefined) {
      attributes.status = { code: 'error', message: errorMessage(failure) };
      const name = isObject(failure) ? str(failure.name) : undefined;
      attributes.errorType = name ?? typeof failure;
    }
    return attributes;
  }
}

function errorMessage(error: unknown): string {
  if (isObject(error) && typeof error.message === 'string') return error.message;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error);
  } catch {
    return String(error);
  }
}

const OUTPUT_PARTS = new Set(['text-delta', 'reasoning-delta', 'tool-input-delta', 'tool-call']);

/** Whether a stream part carries generated output (for time to first token). */
export function isOutputPart(part: unknown): boolean {
  return isObject(part) && typeof part.type === 'string' && OUTPUT_PARTS.has(part.type);
}

/**
 * Maps the OpenAI Chat Completions wire format onto the wire contract: request parameters,
 * system/developer instructions, messages (text, images, audio, files, tool calls and results),
 * the completion (choices, usage with cached and reasoning tokens) and streamed chunks
 * accumulated into the same shape. OpenAI-compatible APIs (Together, TitanML Takeoff, vLLM…)
 * speak the same format, so every such integration maps through this module. It reads plain
 * JSON, tolerates unknown fields and runs on the transport's drain, never on the caller's path.
 */
import type { ChatMessage, MessagePart } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import {
  base64Bytes,
  isObject,
  mediaFromDataUri,
  num,
  parseArguments,
  str,
  type Json,
} from './openAiJson.ts';

export interface ChatRequestCapture {
  /** The request body (a shallow copy taken at call time). */
  params: Json;
  /** Shallow copy of `params.messages` taken at call time. */
  messages: unknown[];
  provider: string;
  serverAddress: string | undefined;
}

type RequestParameters = NonNullable<SpanAttributes['request']>;

export function chatRequestAttributes(capture: ChatRequestCapture): SpanAttributes {
  const { params } = capture;
  const attributes: SpanAttributes = {
    operationName: 'chat',
    provider: capture.provider,
    request: chatRequestParameters(params),
  };
  const model = str(params.model);
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
  const user = str(params.user) ?? str(params.safety_identifier);
  if (user) attributes.userId = user;
  return attributes;
}

export function chatRequestParameters(params: Json): RequestParameters {
  const request: RequestParameters = {};
  const temperature = num(params.temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = num(params.top_p);
  if (topP !== undefined) request.topP = topP;
  const topK = num(params.top_k);
  if (topK !== undefined) request.topK = topK;
  const maxTokens = num(params.max_completion_tokens) ?? num(params.max_tokens);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const frequencyPenalty = num(params.frequency_penalty);
  if (frequencyPenalty !== undefined) request.frequencyPenalty = frequencyPenalty;
  const presencePenalty = num(params.presence_penalty);
  if (presencePenalty !== undefined) request.presencePenalty = presencePenalty;
  const stop = params.stop;
  if (typeof stop === 'string') request.stopSequences = [stop];
  else if (Array.isArray(stop))
    request.stopSequences = stop.filter((entry): entry is string => typeof entry === 'string');
  const seed = num(params.seed);
  if (seed !== undefined && Number.isInteger(seed)) request.seed = seed;
  const choiceCount = num(params.n);
  if (choiceCount !== undefined && Number.isInteger(choiceCount) && choiceCount > 0)
    request.choiceCount = choiceCount;
  const outputType = outputTypeOf(params.response_format);
  if (outputType) request.outputType = outputType;
  request.stream = params.stream === true;
  return request;
}

/** `gen_ai.output.type`: `json` for JSON object/schema formats, else the format's type. */
export function outputTypeOf(format: unknown): string | undefined {
  const type = isObject(format) ? str(format.type) : undefined;
  if (!type) return undefined;
  return type === 'json_object' || type === 'json_schema' ? 'json' : type;
}

function inputMessage(message: Json): ChatMessage {
  const name = str(message.name);
  const base = name ? { name } : {};
  switch (message.role) {
    case 'tool':
      return {
        role: 'tool',
        ...base,
        parts: [
          {
            type: 'tool_call_response',
            ...(str(message.tool_call_id) ? { id: str(message.tool_call_id) } : {}),
            response: toolResponse(message.content),
          },
        ],
      };
    case 'function':
      return {
        role: 'tool',
        ...base,
        parts: [
          { type: 'tool_call_response', ...(name ? { id: name } : {}), response: message.content },
        ],
      };
    case 'assistant':
      return { role: 'assistant', ...base, parts: assistantParts(message) };
    default:
      return { role: 'user', ...base, parts: contentParts(message.content) };
  }
}

/** An assistant message's parts, request or response: reasoning, text, refusal, tool calls. */
function assistantParts(message: Json): MessagePart[] {
  const parts: MessagePart[] = [];
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning);
  if (reasoning) parts.push({ type: 'reasoning', content: reasoning });
  parts.push(...contentParts(message.content));
  const refusal = str(message.refusal);
  if (refusal) parts.push({ type: 'text', content: refusal });
  if (Array.isArray(message.tool_calls)) parts.push(...message.tool_calls.flatMap(toolCallPart));
  if (isObject(message.function_call)) parts.push(...functionCallPart(message.function_call));
  return parts;
}

function toolCallPart(call: unknown): MessagePart[] {
  if (!isObject(call)) return [];
  const fn = isObject(call.function) ? call.function : isObject(call.custom) ? call.custom : {};
  const id = str(call.id);
  return [
    {
      type: 'tool_call',
      ...(id ? { id } : {}),
      name: str(fn.name) || 'unknown',
      arguments: parseArguments(fn.arguments ?? fn.input),
    },
  ];
}

function functionCallPart(call: Json): MessagePart[] {
  return [
    {
      type: 'tool_call',
      name: str(call.name) || 'unknown',
      arguments: parseArguments(call.arguments),
    },
  ];
}

function toolResponse(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const texts = content.filter(
    (part): part is Json => isObject(part) && part.type === 'text' && typeof part.text === 'string',
  );
  return texts.length === content.length ? texts.map((part) => part.text).join('') : content;
}

/** Message content (a string or an array of parts) as message parts. */
export function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.flatMap(contentPart);
}

function contentPart(part: unknown): MessagePart[] {
  if (!isObject(part)) return [];
  switch (part.type) {
    case 'text':
      return [{ type: 'text', content: str(part.text) ?? '' }];
    case 'refusal':
      return [{ type: 'text', content: str(part.refusal) ?? '' }];
    case 'image_url': {
      const url = isObject(part.image_url) ? str(part.image_url.url) : str(part.image_url);
      return [url ? mediaFromDataUri(url) : { type: 'media' }];
    }
    case 'input_audio': {
      const audio = isObject(part.input_audio) ? part.input_audio : {};
      const data = str(audio.data);
      const format = str(audio.format);
      return [
        {
          type: 'media',
          ...(format ? { mimeType: `audio/${format}` } : {}),
          ...(data ? { bytes: base64Bytes(data) } : {}),
        },
      ];
    }
    case 'file': {
      const file = isObject(part.file) ? part.file : {};
      const data = str(file.file_data);
      if (data) return [mediaFromDataUri(data)];
      const id = str(file.file_id) ?? str(file.filename);
      return [{ type: 'media', ...(id ? { uri: id } : {}) }];
    }
    default:
      return [];
  }
}

interface ChatUsage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  prompt_tokens_details?: unknown;
  completion_tokens_details?: unknown;
  /** Some OpenAI-compatible servers report cached tokens at the top level. */
  cached_tokens?: unknown;
}

export function chatUsage(usage: unknown): SpanAttributes['usage'] {
  if (!isObject(usage)) return undefined;
  const fields = usage as ChatUsage;
  const result: NonNullable<SpanAttributes['usage']> = {};
  const input = num(fields.prompt_tokens);
  if (input !== undefined) result.inputTokens = input;
  const output = num(fields.completion_tokens);
  if (output !== undefined) result.outputTokens = output;
  const cached =
    (isObject(fields.prompt_tokens_details)
      ? num(fields.prompt_tokens_details.cached_tokens)
      : undefined) ?? num(fields.cached_tokens);
  if (cached !== undefined) result.cachedInputTokens = cached;
  const reasoning = isObject(fields.completion_tokens_details)
    ? num(fields.completion_tokens_details.reasoning_tokens)
    : undefined;
  if (reasoning !== undefined) result.reasoningTokens = reasoning;
  return result;
}

/** A chat completion (`object: "chat.completion"`) as span attributes. */
export function chatCompletionAttributes(completion: unknown): SpanAttributes {
  if (!isObject(completion)) return {};
  const attributes: SpanAttributes = {};
  const id = str(completion.id);
  if (id) attributes.responseId = id;
  const model = str(completion.model);
  if (model) attributes.responseModel = model;
  const usage = chatUsage(completion.usage);
  if (usage) attributes.usage = usage;
  const choices = Array.isArray(completion.choices) ? completion.choices.filter(isObject) : [];
  const finishReasons: string[] = [];
  attributes.outputMessages = choices.map((choice) => {
    const finishReason = str(choice.finish_reason);
    if (finishReason) finishReasons.push(finishReason);
    const message = isObject(choice.message) ? choice.message : {};
    return {
      role: 'assistant',
      parts: assistantParts(message),
      ...(finishReason ? { finishReason } : {}),
    };
  });
  if (finishReasons.length > 0) attributes.finishReasons = finishReasons;
  return attributes;
}

interface ChoiceSnapshot {
  content: string;
  reasoning: string;
  refusal: string;
  toolCalls: { id?: string; type?: string; function: { name: string; arguments: string } }[];
  finishReason?: string;
}

/**
 * Streamed chunks (`object: "chat.completion.chunk"`), kept by reference as they arrive and
 * folded into one completion when the span is built.
 */
export class ChatCompletionChunkAccumulator {
  readonly #chunks: Json[] = [];

  add(chunk: unknown): void {
    if (isObject(chunk)) this.#chunks.push(chunk);
  }

  attributes(): SpanAttributes {
    return chatCompletionAttributes(this.completion());
  }

  /** The chunks folded into the shape of a non-streamed chat completion. */
  completion(): Json {
    let id: string | undefined;
    let model: string | undefined;
    let usage: unknown;
    const choices: ChoiceSnapshot[] = [];
    for (const chunk of this.#chunks) {
      id ??= str(chunk.id);
      model ??= str(chunk.model);
      if (isObject(chunk.usage)) usage = chunk.usage;
      if (!Array.isArray(chunk.choices)) continue;
      for (const choice of chunk.choices) {
        if (!isObject(choice)) continue;
        const index = num(choice.index) ?? 0;
        const snapshot = (choices[index] ??= {
          content: '',
          reasoning: '',
          refusal: '',
          toolCalls: [],
        });
        // Some compatible servers put usage on the last choice chunk instead.
        if (isObject(choice.usage)) usage = choice.usage;
        const finishReason = str(choice.finish_reason);
        if (finishReason) snapshot.finishReason = finishReason;
        if (isObject(choice.delta)) foldDelta(snapshot, choice.delta);
      }
    }
    return {
      ...(id ? { id } : {}),
      ...(model ? { model } : {}),
      ...(usage ? { usage } : {}),
      choices: choices.flatMap((snapshot, index) =>
        snapshot
          ? [
              {
                index,
                finish_reason: snapshot.finishReason ?? null,
                message: {
                  role: 'assistant',
                  content: snapshot.content || null,
                  ...(snapshot.reasoning ? { reasoning: snapshot.reasoning } : {}),
                  ...(snapshot.refusal ? { refusal: snapshot.refusal } : {}),
                  ...(snapshot.toolCalls.length > 0
                    ? { tool_calls: snapshot.toolCalls.filter(Boolean) }
                    : {}),
                },
              },
            ]
          : [],
      ),
    };
  }
}

function foldDelta(snapshot: ChoiceSnapshot, delta: Json): void {
  const content = str(delta.content);
  if (content) snapshot.content += content;
  const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning);
  if (reasoning) snapshot.reasoning += reasoning;
  const refusal = str(delta.refusal);
  if (refusal) snapshot.refusal += refusal;
  if (!Array.isArray(delta.tool_calls)) return;
  for (const call of delta.tool_calls) {
    if (!isObject(call)) continue;
    const index = num(call.index) ?? snapshot.toolCalls.length;
    const target = (snapshot.toolCalls[index] ??= { function: { name: '', arguments: '' } });
    const id = str(call.id);
    if (id) target.id = id;
    const type = str(call.type);
    if (type) target.type = type;
    if (isObject(call.function)) {
      target.function.name += str(call.function.name) ?? '';
      target.function.arguments += str(call.function.arguments) ?? '';
    }
  }
}

/**
 * Maps the OpenAI Responses API onto the wire contract: `instructions` and system/developer
 * input items as system instructions, input items (messages with text, images, files and
 * audio; function calls and their outputs; reasoning) as messages, the response's output items
 * as one assistant message, usage, and the finish reason derived from the response status.
 * Streamed events are kept by reference and read at the end: the final `response.completed`
 * (or `.incomplete`/`.failed`) event carries the whole response; a stream cut short is rebuilt
 * from its deltas. Runs on the transport's drain.
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
import { outputTypeOf } from './chatCompletionsMapping.ts';

export interface ResponsesRequestCapture {
  params: Json;
  /** `params.input`, shallow-copied at call time when it is an array. */
  input: unknown;
  provider: string;
  serverAddress: string | undefined;
}

export function responsesRequestAttributes(capture: ResponsesRequestCapture): SpanAttributes {
  const { params } = capture;
  const request: NonNullable<SpanAttributes['request']> = {};
  const temperature = num(params.temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = num(params.top_p);
  if (topP !== undefined) request.topP = topP;
  const maxTokens = num(params.max_output_tokens);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const outputType = isObject(params.text) ? outputTypeOf(params.text.format) : undefined;
  if (outputType) request.outputType = outputType;
  request.stream = params.stream === true;
  const attributes: SpanAttributes = {
    operationName: 'chat',
    provider: capture.provider,
    request,
  };
  const model = str(params.model);
  if (model) attributes.requestModel = model;
  if (capture.serverAddress) attributes.serverAddress = capture.serverAddress;
  const system: MessagePart[] = [];
  const instructions = str(params.instructions);
  if (instructions) system.push({ type: 'text', content: instructions });
  const input: ChatMessage[] = [];
  if (typeof capture.input === 'string')
    input.push({ role: 'user', parts: [{ type: 'text', content: capture.input }] });
  else if (Array.isArray(capture.input))
    for (const item of capture.input) {
      if (!isObject(item)) continue;
      if ((item.role === 'system' || item.role === 'developer') && item.type !== 'function_call')
        system.push(...inputContentParts(item.content));
      else {
        const message = inputItemMessage(item);
        if (message) input.push(message);
      }
    }
  if (system.length > 0) attributes.systemInstructions = system;
  attributes.inputMessages = input;
  const user = str(params.user) ?? str(params.safety_identifier);
  if (user) attributes.userId = user;
  const conversation = isObject(params.conversation)
    ? str(params.conversation.id)
    : str(params.conversation);
  if (conversation) attributes.sessionId = conversation;
  return attributes;
}

function inputItemMessage(item: Json): ChatMessage | undefined {
  switch (item.type) {
    case 'function_call':
    case 'custom_tool_call':
      return { role: 'assistant', parts: [functionCallPart(item)] };
    case 'function_call_output':
    case 'custom_tool_call_output':
      return {
        role: 'tool',
        parts: [
          {
            type: 'tool_call_response',
            ...(str(item.call_id) ? { id: str(item.call_id) } : {}),
            response: toolOutput(item.output),
          },
        ],
      };
    case 'reasoning':
      return { role: 'assistant', parts: reasoningParts(item) };
    case undefined:
    case 'message':
      return {
        role: item.role === 'assistant' ? 'assistant' : 'user',
        parts: inputContentParts(item.content),
      };
    default:
      // Built-in tool calls (web search, file search…) and item references carry no message.
      return undefined;
  }
}

function functionCallPart(item: Json): MessagePart {
  const id = str(item.call_id) ?? str(item.id);
  return {
    type: 'tool_call',
    ...(id ? { id } : {}),
    name: str(item.name) || 'unknown',
    arguments: parseArguments(item.arguments ?? item.input),
  };
}

function toolOutput(output: unknown): unknown {
  if (!Array.isArray(output)) return output;
  const texts = output.filter(
    (part): part is Json =>
      isObject(part) && part.type === 'input_text' && typeof part.text === 'string',
  );
  return texts.length === output.length ? texts.map((part) => part.text).join('') : output;
}

function reasoningParts(item: Json): MessagePart[] {
  const texts = [
    ...(Array.isArray(item.summary) ? item.summary : []),
    ...(Array.isArray(item.content) ? item.content : []),
  ]
    .map((part) => (isObject(part) ? str(part.text) : undefined))
    .filter((text): text is string => text !== undefined);
  return texts.length > 0 ? [{ type: 'reasoning', content: texts.join('\n') }] : [];
}

function inputContentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part): MessagePart[] => {
    if (!isObject(part)) return [];
    switch (part.type) {
      case 'input_text':
      case 'output_text':
        return [{ type: 'text', content: str(part.text) ?? '' }];
      case 'refusal':
        return [{ type: 'text', content: str(part.refusal) ?? '' }];
      case 'input_image': {
        const url = str(part.image_url);
        if (url) return [mediaFromDataUri(url)];
        const id = str(part.file_id);
        return [{ type: 'media', ...(id ? { uri: id } : {}) }];
      }
      case 'input_file': {
        const data = str(part.file_data);
        if (data) return [mediaFromDataUri(data)];
        const id = str(part.file_url) ?? str(part.file_id) ?? str(part.filename);
        return [{ type: 'media', ...(id ? { uri: id } : {}) }];
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
      default:
        return [];
    }
  });
}

export function responsesUsage(usage: unknown): SpanAttributes['usage'] {
  if (!isObject(usage)) return undefined;
  const result: NonNullable<SpanAttributes['usage']> = {};
  const input = num(usage.input_tokens);
  if (input !== undefined) result.inputTokens = input;
  const output = num(usage.output_tokens);
  if (output !== undefined) result.outputTokens = output;
  const cached = isObject(usage.input_tokens_details)
    ? num(usage.input_tokens_details.cached_tokens)
    : undefined;
  if (cached !== undefined) result.cachedInputTokens = cached;
  const reasoning = isObject(usage.output_tokens_details)
    ? num(usage.output_tokens_details.reasoning_tokens)
    : undefined;
  if (reasoning !== undefined) result.reasoningTokens = reasoning;
  return result;
}

function outputParts(output: unknown): MessagePart[] {
  if (!Array.isArray(output)) return [];
  return output.flatMap((item): MessagePart[] => {
    if (!isObject(item)) return [];
    switch (item.type) {
      case 'message':
        return inputContentParts(item.content);
      case 'function_call':
      case 'custom_tool_call':
        return [functionCallPart(item)];
      case 'reasoning':
        return reasoningParts(item);
      default:
        return [];
    }
  });
}

/**
 * The Responses API has no finish reason; derive the chat one: `tool_calls` when the model
 * asked for a function, `stop` when completed, the incomplete reason (`max_output_tokens` is
 * `length`) otherwise.
 */
function finishReasonOf(response: Json, parts: MessagePart[]): string | undefined {
  const status = str(response.status);
  if (status === 'completed')
    return parts.some((part) => part.type === 'tool_call') ? 'tool_calls' : 'stop';
  if (status === 'incomplete') {
    const reason = isObject(response.incomplete_details)
      ? str(response.incomplete_details.reason)
      : undefined;
    return reason === 'max_output_tokens' ? 'length' : (reason ?? 'incomplete');
  }
  if (status === 'failed') return 'error';
  return status;
}

/** A Responses API `response` object as span attributes. */
export function responseAttributes(response: unknown): SpanAttributes {
  if (!isObject(response)) return {};
  const attributes: SpanAttributes = {};
  const id = str(response.id);
  if (id) attributes.responseId = id;
  const model = str(response.model);
  if (model) attributes.responseModel = model;
  const usage = responsesUsage(response.usage);
  if (usage) attributes.usage = usage;
  const parts = outputParts(response.output);
  const finishReason = finishReasonOf(response, parts);
  if (finishReason) attributes.finishReasons = [finishReason];
  attributes.outputMessages = [
    { role: 'assistant', parts, ...(finishReason ? { finishReason } : {}) },
  ];
  if (response.status === 'failed' && isObject(response.error)) {
    attributes.status = { code: 'error', message: str(response.error.message) ?? 'failed' };
    const code = str(response.error.code);
    if (code) attributes.errorType = code;
  }
  return attributes;
}

const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** Streamed Responses API events, folded into the response they describe. */
export class ResponseEventAccumulator {
  #created: Json | undefined;
  #final: Json | undefined;
  #error: Json | undefined;
  readonly #deltas: string[] = [];

  add(event: unknown): void {
    if (!isObject(event) || typeof event.type !== 'string') return;
    if (event.type === 'response.created' && isObject(event.response))
      this.#created = event.response;
    else if (FINAL_EVENTS.has(event.type) && isObject(event.response)) this.#final = event.response;
    else if (event.type === 'response.output_text.delta' && typeof event.delta === 'string')
      this.#deltas.push(event.delta);
    // The API reports a failure inside the stream as an `error` event, not as an HTTP error.
    else if (event.type === 'error') this.#error = event;
  }

  attributes(): SpanAttributes {
    const attributes = this.#final
      ? responseAttributes(this.#final)
      : // Cut short before the final event: what was streamed so far, without a finish reason.
        responseAttributes({
          ...this.#created,
          status: undefined,
          output: [
            { type: 'message', content: [{ type: 'output_text', text: this.#deltas.join('') }] },
          ],
        });
    if (this.#error) {
      attributes.status = { code: 'error', message: str(this.#error.message) ?? 'stream error' };
      attributes.errorType = str(this.#error.code) ?? 'error';
    }
    return attributes;
  }
}

/** Whether a streamed event carries generated output (for time to first token). */
export function isResponseOutputEvent(event: unknown): boolean {
  if (!isObject(event) || typeof event.type !== 'string') return false;
  return event.type.endsWith('.delta');
}

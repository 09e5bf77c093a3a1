/**
 * Maps Anthropic Messages API objects onto the wire contract: request parameters, system
 * prompt and messages (text, images, documents, tool use and results, thinking), the response
 * message, usage (cache reads as cached input tokens) and streamed events accumulated into the
 * same shape. Runs on the transport's drain; reads plain JSON and tolerates unknown blocks.
 */
import type { ChatMessage, MessagePart } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';

type Json = Record<string, unknown>;

export interface AnthropicRequestCapture {
  params: Json;
  /** Shallow copy of `params.messages` taken at call time. */
  messages: unknown[];
  serverAddress: string | undefined;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

export function anthropicRequestAttributes(capture: AnthropicRequestCapture): SpanAttributes {
  const { params } = capture;
  const request: NonNullable<SpanAttributes['request']> = {};
  const temperature = num(params.temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = num(params.top_p);
  if (topP !== undefined) request.topP = topP;
  const topK = num(params.top_k);
  if (topK !== undefined) request.topK = topK;
  const maxTokens = num(params.max_tokens);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  if (Array.isArray(params.stop_sequences))
    request.stopSequences = params.stop_sequences.filter(
      (stop): stop is string => typeof stop === 'string',
    );
  request.stream = params.stream === true;
  const attributes: SpanAttributes = {
    operationName: 'chat',
    provider: 'anthropic',
    request,
    inputMessages: capture.messages.flatMap(inputMessage),
  };
  const model = str(params.model);
  if (model) attributes.requestModel = model;
  if (capture.serverAddress) attributes.serverAddress = capture.serverAddress;
  const system = systemParts(params.system);
  if (system.length > 0) attributes.systemInstructions = system;
  const userId = isObject(params.metadata) ? str(params.metadata.user_id) : undefined;
  if (userId) attributes.userId = userId;
  return attributes;
}

function systemParts(system: unknown): MessagePart[] {
  if (typeof system === 'string') return system ? [{ type: 'text', content: system }] : [];
  if (!Array.isArray(system)) return [];
  return system.flatMap(contentPart);
}

function inputMessage(message: unknown): ChatMessage[] {
  if (!isObject(message)) return [];
  const role = message.role === 'assistant' ? 'assistant' : 'user';
  const parts =
    typeof message.content === 'string'
      ? [{ type: 'text' as const, content: message.content }]
      : Array.isArray(message.content)
        ? message.content.flatMap(contentPart)
        : [];
  // A user turn that only returns tool results is the tool's message in GenAI terms.
  const onlyToolResults =
    role === 'user' &&
    parts.length > 0 &&
    parts.every((part) => part.type === 'tool_call_response');
  return [{ role: onlyToolResults ? 'tool' : role, parts }];
}

/** One content block (request or response) as message parts. */
export function contentPart(block: unknown): MessagePart[] {
  if (!isObject(block)) return [];
  switch (block.type) {
    case 'text':
      return [{ type: 'text', content: str(block.text) ?? '' }];
    case 'thinking':
      return [{ type: 'reasoning', content: str(block.thinking) ?? '' }];
    case 'redacted_thinking':
      return [{ type: 'reasoning', content: '[redacted thinking]' }];
    case 'tool_use':
    case 'server_tool_use':
      return [
        {
          type: 'tool_call',
          ...(str(block.id) ? { id: str(block.id) } : {}),
          name: str(block.name) || 'unknown',
          arguments: block.input,
        },
      ];
    case 'tool_result':
      return [
        {
          type: 'tool_call_response',
          ...(str(block.tool_use_id) ? { id: str(block.tool_use_id) } : {}),
          response: toolResultContent(block.content),
        },
      ];
    case 'image':
    case 'document':
      return [mediaPart(block)];
    default:
      if (typeof block.type === 'string' && block.type.endsWith('_tool_result'))
        return [
          {
            type: 'tool_call_response',
            ...(str(block.tool_use_id) ? { id: str(block.tool_use_id) } : {}),
            response: block.content,
          },
        ];
      return [];
  }
}

function toolResultContent(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const texts = content.filter(
    (block): block is Json =>
      isObject(block) && block.type === 'text' && typeof block.text === 'string',
  );
  return texts.length === content.length ? texts.map((block) => block.text).join('') : content;
}

function mediaPart(block: Json): MessagePart {
  const source = isObject(block.source) ? block.source : {};
  const part: MessagePart & { type: 'media' } = { type: 'media' };
  const mimeType =
    str(source.media_type) ??
    (block.type === 'document' && source.type === 'text' ? 'text/plain' : undefined);
  if (mimeType) part.mimeType = mimeType;
  if (source.type === 'url' && str(source.url)) part.uri = str(source.url);
  const data = str(source.data);
  if (source.type === 'base64' && data) part.bytes = base64Bytes(data);
  else if (data) part.bytes = Buffer.byteLength(data);
  return part;
}

function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

interface AnthropicUsage {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
}

/**
 * Anthropic counts cache reads and writes apart from `input_tokens`; the GenAI conventions
 * count every input token in `input_tokens`, with cache reads also in the cached count.
 */
export function anthropicUsage(usage: AnthropicUsage | undefined): SpanAttributes['usage'] {
  if (!usage) return undefined;
  const input = num(usage.input_tokens);
  const output = num(usage.output_tokens);
  const cacheRead = num(usage.cache_read_input_tokens);
  const cacheWrite = num(usage.cache_creation_input_tokens);
  const result: NonNullable<SpanAttributes['usage']> = {};
  if (input !== undefined || cacheRead !== undefined || cacheWrite !== undefined)
    result.inputTokens = (input ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (output !== undefined) result.outputTokens = output;
  if (cacheRead !== undefined) result.cachedInputTokens = cacheRead;
  return result;
}

interface ResponseFields {
  id?: unknown;
  model?: unknown;
  content?: unknown;
  stop_reason?: unknown;
  usage?: AnthropicUsage;
}

export function anthropicResponseAttributes(message: ResponseFields): SpanAttributes {
  const attributes: SpanAttributes = {};
  if (str(message.id)) attributes.responseId = str(message.id);
  if (str(message.model)) attributes.responseModel = str(message.model);
  const usage = anthropicUsage(message.usage);
  if (usage) attributes.usage = usage;
  const stopReason = str(message.stop_reason);
  if (stopReason) attributes.finishReasons = [stopReason];
  const parts = Array.isArray(message.content) ? message.content.flatMap(contentPart) : [];
  attributes.outputMessages = [
    { role: 'assistant', parts, ...(stopReason ? { finishReason: stopReason } : {}) },
  ];
  return attributes;
}

/**
 * What a stream's events add up to. `message_start` carries a message object that the SDK's
 * MessageStream goes on mutating as it accumulates, so its scalars are copied when the event
 * arrives (`captureStreamEvent`); the other events are kept by reference and read at the end.
 */
export class AnthropicStreamAccumulator {
  #start: { id?: unknown; model?: unknown; usage: AnthropicUsage } | undefined;
  readonly #events: Json[] = [];

  captureStreamEvent(event: unknown): void {
    if (!isObject(event)) return;
    if (event.type === 'message_start' && isObject(event.message)) {
      const message = event.message;
      this.#start = {
        id: message.id,
        model: message.model,
        usage: isObject(message.usage) ? { ...message.usage } : {},
      };
    } else if (
      event.type === 'content_block_start' ||
      event.type === 'content_block_delta' ||
      event.type === 'message_delta'
    )
      this.#events.push(event);
  }

  attributes(): SpanAttributes {
    const blocks: Json[] = [];
    const toolInputs = new Map<number, string>();
    let stopReason: unknown;
    const usage: AnthropicUsage = { ...this.#start?.usage };
    for (const event of this.#events) {
      const index = num(event.index) ?? 0;
      if (event.type === 'content_block_start' && isObject(event.content_block))
        blocks[index] = { ...event.content_block };
      else if (event.type === 'content_block_delta' && isObject(event.delta)) {
        const block = blocks[index];
        const delta = event.delta;
        if (!block) continue;
        if (delta.type === 'text_delta')
          block.text = `${str(block.text) ?? ''}${str(delta.text) ?? ''}`;
        else if (delta.type === 'thinking_delta')
          block.thinking = `${str(block.thinking) ?? ''}${str(delta.thinking) ?? ''}`;
        else if (delta.type === 'input_json_delta')
          toolInputs.set(index, `${toolInputs.get(index) ?? ''}${str(delta.partial_json) ?? ''}`);
      } else if (event.type === 'message_delta') {
        if (isObject(event.delta) && event.delta.stop_reason != null)
          stopReason = event.delta.stop_reason;
        // message_delta usage counters are cumulative totals: overwrite, never add.
        if (isObject(event.usage))
          for (const [key, value] of Object.entries(event.usage))
            if (value != null) (usage as Json)[key] = value;
      }
    }
    for (const [index, json] of toolInputs) {
      const block = blocks[index];
      if (block) block.input = parseToolInput(json);
    }
    return anthropicResponseAttributes({
      id: this.#start?.id,
      model: this.#start?.model,
      content: blocks.filter(Boolean),
      stop_reason: stopReason,
      usage,
    });
  }
}

function parseToolInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

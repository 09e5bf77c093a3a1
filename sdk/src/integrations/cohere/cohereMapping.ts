/**
 * Maps Cohere's Chat (v2, and v1 where simple) and Embed APIs onto the wire contract: request
 * parameters, messages (text, images, documents, thinking, tool plans, tool calls and
 * results), the response message, usage (tokens, else billed units; cached tokens) and v2
 * stream events accumulated into the same shape. The `cohere-ai` client hands camelCase
 * objects; snake_case keys are read too so raw JSON maps the same. Runs on the drain.
 */
import type { ChatMessage, MessagePart } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
/** A field by its camelCase name, or its snake_case one. */
function field(object: Json, camel: string): unknown {
  if (camel in object) return object[camel];
  return object[camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)];
}

export interface CohereCallCapture {
  params: Json;
  /** Shallow copies taken at call time. */
  messages: unknown[];
  chatHistory: unknown[];
  serverAddress: string | undefined;
}

export function cohereChatRequestAttributes(capture: CohereCallCapture): SpanAttributes {
  const { params } = capture;
  const request: NonNullable<SpanAttributes['request']> = {};
  const set = (key: keyof typeof request, value: number | undefined) => {
    if (value !== undefined) (request as Record<string, unknown>)[key] = value;
  };
  set('temperature', num(params.temperature));
  set('topP', num(params.p));
  set('topK', num(params.k));
  set('maxTokens', num(field(params, 'maxTokens')));
  set('frequencyPenalty', num(field(params, 'frequencyPenalty')));
  set('presencePenalty', num(field(params, 'presencePenalty')));
  set('seed', num(params.seed));
  const stop = field(params, 'stopSequences');
  if (Array.isArray(stop))
    request.stopSequences = stop.filter((s): s is string => typeof s === 'string');
  const format = field(params, 'responseFormat');
  if (isObject(format) && format.type === 'json_object') request.outputType = 'json';
  request.stream = params.stream === true;
  const attributes: SpanAttributes = { operationName: 'chat', provider: 'cohere', request };
  const model = str(params.model);
  if (model) attributes.requestModel = model;
  if (capture.serverAddress) attributes.serverAddress = capture.serverAddress;
  const system: MessagePart[] = [];
  const input: ChatMessage[] = [];
  if (Array.isArray(params.messages)) {
    for (const message of capture.messages) {
      if (!isObject(message)) continue;
      if (message.role === 'system') system.push(...contentParts(message.content));
      else input.push(v2Message(message));
    }
  } else {
    // v1: a preamble, the history, then the new message.
    const preamble = str(params.preamble);
    if (preamble) system.push({ type: 'text', content: preamble });
    for (const message of capture.chatHistory) {
      if (!isObject(message)) continue;
      const role = str(message.role)?.toUpperCase();
      const parts: MessagePart[] = str(message.message)
        ? [{ type: 'text', content: str(message.message)! }]
        : [];
      if (role === 'SYSTEM') system.push(...parts);
      else
        input.push({
          role: role === 'CHATBOT' ? 'assistant' : role === 'TOOL' ? 'tool' : 'user',
          parts,
        });
    }
    const message = str(params.message);
    if (message !== undefined)
      input.push({ role: 'user', parts: [{ type: 'text', content: message }] });
  }
  if (system.length > 0) attributes.systemInstructions = system;
  attributes.inputMessages = input;
  return attributes;
}

function v2Message(message: Json): ChatMessage {
  if (message.role === 'tool') {
    const id = str(field(message, 'toolCallId'));
    return {
      role: 'tool',
      parts: [
        {
          type: 'tool_call_response',
          ...(id ? { id } : {}),
          response: toolResult(message.content),
        },
      ],
    };
  }
  const role = message.role === 'assistant' ? 'assistant' : 'user';
  const parts: MessagePart[] = [];
  const toolPlan = str(field(message, 'toolPlan'));
  if (toolPlan) parts.push({ type: 'reasoning', content: toolPlan });
  parts.push(...contentParts(message.content));
  parts.push(...toolCallParts(field(message, 'toolCalls')));
  return { role, parts };
}

function toolResult(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const texts = content.filter((item): item is Json => isObject(item) && item.type === 'text');
  if (texts.length === content.length) return texts.map((item) => str(item.text) ?? '').join('');
  return content.map((item) => (isObject(item) && item.type === 'document' ? item.document : item));
}

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.flatMap((item): MessagePart[] => {
    if (!isObject(item)) return [];
    if (item.type === 'text') return [{ type: 'text', content: str(item.text) ?? '' }];
    if (item.type === 'thinking') return [{ type: 'reasoning', content: str(item.thinking) ?? '' }];
    if (item.type === 'image_url') {
      const image = field(item, 'imageUrl');
      const url = isObject(image) ? str(image.url) : str(image);
      return [mediaFromUrl(url)];
    }
    if (item.type === 'document')
      return [{ type: 'text', content: JSON.stringify(item.document ?? {}) }];
    return [];
  });
}

function mediaFromUrl(url: string | undefined): MessagePart {
  const match = url ? /^data:([^;,]*)(;base64)?,/.exec(url) : null;
  if (!url || !match) return { type: 'media', ...(url ? { uri: url } : {}) };
  const payload = url.length - match[0].length;
  const padding = url.endsWith('==') ? 2 : url.endsWith('=') ? 1 : 0;
  return {
    type: 'media',
    ...(match[1] ? { mimeType: match[1] } : {}),
    bytes: match[2] ? Math.max(0, Math.floor((payload * 3) / 4) - padding) : payload,
  };
}

function toolCallParts(calls: unknown): MessagePart[] {
  if (!Array.isArray(calls)) return [];
  return calls.filter(isObject).map((call) => {
    const fn = isObject(call.function) ? call.function : {};
    const id = str(call.id);
    // v1 tool calls carry `name` and `parameters` directly.
    const name = str(fn.name) ?? str(call.name) ?? 'unknown';
    const args = fn.arguments !== undefined ? parseArguments(fn.arguments) : call.parameters;
    return { type: 'tool_call' as const, ...(id ? { id } : {}), name, arguments: args };
  });
}

function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return {};
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Usage from v2 `usage` or v1 `meta`: real token counts first, billed units otherwise. */
export function cohereUsage(usage: unknown): SpanAttributes['usage'] {
  if (!isObject(usage)) return undefined;
  const tokens = field(usage, 'tokens');
  const billed = field(usage, 'billedUnits');
  const from = (object: unknown, key: string) =>
    isObject(object) ? num(field(object, key)) : undefined;
  const result: NonNullable<SpanAttributes['usage']> = {};
  const input = from(tokens, 'inputTokens') ?? from(billed, 'inputTokens');
  if (input !== undefined) result.inputTokens = input;
  const output = from(tokens, 'outputTokens') ?? from(billed, 'outputTokens');
  if (output !== undefined) result.outputTokens = output;
  const cached = num(field(usage, 'cachedTokens'));
  if (cached !== undefined) result.cachedInputTokens = cached;
  return Object.keys(result).length > 0 ? result : undefined;
}

export function cohereChatResponseAttributes(response: unknown): SpanAttributes {
  if (!isObject(response)) return {};
  const attributes: SpanAttributes = {};
  const id = str(response.id) ?? str(field(response, 'responseId'));
  if (id) attributes.responseId = id;
  const usage = cohereUsage(response.usage ?? response.meta);
  if (usage) attributes.usage = usage;
  const finishReason = str(field(response, 'finishReason'));
  if (finishReason) attributes.finishReasons = [finishReason];
  let parts: MessagePart[];
  if (isObject(response.message)) {
    parts = v2Message({ ...response.message, role: 'assistant' }).parts;
  } else {
    parts = [];
    const text = str(response.text);
    if (text) parts.push({ type: 'text', content: text });
    parts.push(...toolCallParts(field(response, 'toolCalls')));
  }
  attributes.outputMessages = [
    { role: 'assistant', parts, ...(finishReason ? { finishReason } : {}) },
  ];
  return attributes;
}

/** v2 stream events, kept by reference as they arrive and folded into one response at the end. */
export class CohereStreamAccumulator {
  readonly #events: Json[] = [];

  add(event: unknown): void {
    if (isObject(event)) this.#events.push(event);
  }

  attributes(): SpanAttributes {
    let id: string | undefined;
    let toolPlan = '';
    let finishReason: unknown;
    let usage: unknown;
    const content: Json[] = [];
    const toolCalls: {
      id?: unknown;
      type?: unknown;
      function: { name?: unknown; arguments: string };
    }[] = [];
    for (const event of this.#events) {
      const index = num(event.index) ?? 0;
      const delta = isObject(event.delta) ? event.delta : {};
      const message = isObject(delta.message) ? delta.message : {};
      switch (event.type) {
        case 'message-start':
          id = str(event.id);
          break;
        case 'content-start':
          if (isObject(message.content)) content[index] = { ...message.content };
          break;
        case 'content-delta': {
          const piece = isObject(message.content) ? message.content : {};
          const item = (content[index] ??= { type: 'text', text: '' });
          if (str(piece.text)) item.text = `${str(item.text) ?? ''}${str(piece.text)}`;
          if (str(piece.thinking))
            item.thinking = `${str(item.thinking) ?? ''}${str(piece.thinking)}`;
          break;
        }
        case 'tool-plan-delta':
          toolPlan += str(field(message, 'toolPlan')) ?? '';
          break;
        case 'tool-call-start': {
          const call = field(message, 'toolCalls');
          if (isObject(call)) {
            const fn = isObject(call.function) ? call.function : {};
            toolCalls[index] = {
              id: call.id,
              type: call.type,
              function: { name: fn.name, arguments: str(fn.arguments) ?? '' },
            };
          }
          break;
        }
        case 'tool-call-delta': {
          const call = field(message, 'toolCalls');
          const fn = isObject(call) && isObject(call.function) ? call.function : {};
          const target = toolCalls[index];
          if (target) target.function.arguments += str(fn.arguments) ?? '';
          break;
        }
        case 'message-end':
          finishReason = field(delta, 'finishReason');
          usage = delta.usage;
          break;
      }
    }
    return cohereChatResponseAttributes({
      id,
      finishReason,
      usage,
      message: {
        role: 'assistant',
        ...(toolPlan ? { toolPlan } : {}),
        content: content.filter(Boolean),
        toolCalls: toolCalls.filter(Boolean),
      },
    });
  }
}

/**
 * v1 stream events (`stream-start`, `text-generation`, …, `stream-end`): the `stream-end` event
 * carries the whole response; without it (a stream cut short) the text generated so far.
 */
export class CohereV1StreamAccumulator {
  readonly #events: Json[] = [];

  add(event: unknown): void {
    if (isObject(event)) this.#events.push(event);
  }

  attributes(): SpanAttributes {
    const end = this.#events.find((event) => field(event, 'eventType') === 'stream-end');
    if (end && isObject(end.response))
      return cohereChatResponseAttributes({
        ...end.response,
        finishReason: field(end.response, 'finishReason') ?? field(end, 'finishReason'),
      });
    const start = this.#events.find((event) => field(event, 'eventType') === 'stream-start');
    const text = this.#events
      .filter((event) => field(event, 'eventType') === 'text-generation')
      .map((event) => str(event.text) ?? '')
      .join('');
    return cohereChatResponseAttributes({
      responseId: start ? field(start, 'generationId') : undefined,
      text,
    });
  }
}

export function cohereEmbedRequestAttributes(
  params: Json,
  serverAddress: string | undefined,
): SpanAttributes {
  const attributes: SpanAttributes = { operationName: 'embeddings', provider: 'cohere' };
  const model = str(params.model);
  if (model) attributes.requestModel = model;
  if (serverAddress) attributes.serverAddress = serverAddress;
  const texts = Array.isArray(params.texts)
    ? params.texts.filter((t): t is string => typeof t === 'string')
    : [];
  if (texts.length > 0)
    attributes.inputMessages = [
      { role: 'user', parts: texts.map((content) => ({ type: 'text' as const, content })) },
    ];
  const inputType = str(field(params, 'inputType'));
  if (inputType) attributes.metadata = { 'cohere.input_type': inputType };
  return attributes;
}

export function cohereEmbedResponseAttributes(response: unknown): SpanAttributes {
  if (!isObject(response)) return {};
  const attributes: SpanAttributes = {};
  const id = str(response.id);
  if (id) attributes.responseId = id;
  const usage = cohereUsage(response.meta);
  if (usage) attributes.usage = usage;
  return attributes;
}

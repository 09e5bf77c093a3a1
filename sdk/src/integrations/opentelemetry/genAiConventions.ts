/**
 * The OpenTelemetry GenAI semantic conventions (`gen_ai.*`), current and legacy: operation,
 * provider (`gen_ai.provider.name`, or the older `gen_ai.system`), request parameters, response
 * model/id/finish reasons, usage (`input_tokens`/`output_tokens` or the older
 * `prompt_tokens`/`completion_tokens`), messages as JSON (`gen_ai.input.messages`,
 * `gen_ai.output.messages`, `gen_ai.system_instructions`) or as OpenLLMetry's flattened
 * `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`, conversation, tool and error attributes.
 */
import type { ChatMessage, MessagePart } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import {
  AttributeReader,
  groupString,
  isObject,
  parseArguments,
  parseJson,
  str,
  subIndexed,
  type IndexedGroup,
} from './AttributeReader.ts';

type Request = NonNullable<SpanAttributes['request']>;
type Usage = NonNullable<SpanAttributes['usage']>;

/** OpenLLMetry's `llm.request.type` in the operation names of the current conventions. */
const LEGACY_REQUEST_TYPES: Record<string, string> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
  rerank: 'rerank',
};

export function readGenAi(read: AttributeReader, out: SpanAttributes): void {
  const operation = read.string('gen_ai.operation.name');
  const legacyType = read.string('llm.request.type');
  const operationName =
    operation ?? (legacyType ? (LEGACY_REQUEST_TYPES[legacyType] ?? legacyType) : undefined);
  if (operationName) out.operationName = operationName;
  const provider = read.string('gen_ai.provider.name', 'gen_ai.system');
  if (provider) out.provider = provider.toLowerCase();
  const requestModel = read.string('gen_ai.request.model');
  if (requestModel) out.requestModel = requestModel;
  const responseModel = read.string('gen_ai.response.model');
  if (responseModel) out.responseModel = responseModel;
  const responseId = read.string('gen_ai.response.id');
  if (responseId) out.responseId = responseId;

  const request: Request = { ...out.request };
  assign(request, 'temperature', read.number('gen_ai.request.temperature'));
  assign(request, 'topP', read.number('gen_ai.request.top_p'));
  assign(request, 'topK', read.number('gen_ai.request.top_k'));
  assign(request, 'maxTokens', read.count('gen_ai.request.max_tokens'));
  assign(request, 'frequencyPenalty', read.number('gen_ai.request.frequency_penalty'));
  assign(request, 'presencePenalty', read.number('gen_ai.request.presence_penalty'));
  assign(request, 'seed', read.count('gen_ai.request.seed'));
  assign(request, 'choiceCount', read.count('gen_ai.request.choice.count'));
  const stop = read.strings('gen_ai.request.stop_sequences');
  if (stop) request.stopSequences = stop;
  const outputType = read.string('gen_ai.output.type');
  if (outputType) request.outputType = outputType;
  const streaming = read.boolean('llm.is_streaming');
  if (streaming !== undefined) request.stream = streaming;
  if (Object.keys(request).length > 0) out.request = request;

  const finishReasons = read.strings('gen_ai.response.finish_reasons');
  if (finishReasons) out.finishReasons = finishReasons;

  const usage: Usage = { ...out.usage };
  assign(
    usage,
    'inputTokens',
    read.count('gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'),
  );
  assign(
    usage,
    'outputTokens',
    read.count('gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'),
  );
  assign(
    usage,
    'cachedInputTokens',
    read.count('gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'),
  );
  assign(
    usage,
    'reasoningTokens',
    read.count('gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens'),
  );
  if (Object.keys(usage).length > 0) out.usage = usage;

  const session = read.string('gen_ai.conversation.id', 'session.id');
  if (session) out.sessionId = session;
  const user = read.string('user.id', 'enduser.id');
  if (user) out.userId = user;
  const server = read.string('server.address');
  if (server) out.serverAddress = server;
  const errorType = read.string('error.type');
  if (errorType) out.errorType = errorType;

  const toolName = read.string('gen_ai.tool.name');
  if (toolName) {
    const callId = read.string('gen_ai.tool.call.id');
    const toolType = read.string('gen_ai.tool.type');
    out.tool = {
      name: toolName,
      ...(callId ? { callId } : {}),
      ...(toolType ? { type: toolType } : {}),
    };
  }

  readSemconvMessages(read, out);
  readLegacyMessages(read, out);
}

function assign<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}

// ---- current conventions: messages as JSON ----------------------------------------------

function readSemconvMessages(read: AttributeReader, out: SpanAttributes): void {
  const system = read.json('gen_ai.system_instructions');
  const systemParts: MessagePart[] = Array.isArray(system) ? system.flatMap(semconvPart) : [];
  const input = read.json('gen_ai.input.messages');
  if (Array.isArray(input)) {
    const messages: ChatMessage[] = [];
    for (const message of input) {
      const mapped = semconvMessage(message);
      if (!mapped) continue;
      if (mapped.role === 'system') systemParts.push(...mapped.parts);
      else messages.push(mapped);
    }
    out.inputMessages = messages;
  }
  if (systemParts.length > 0) out.systemInstructions = systemParts;
  const output = read.json('gen_ai.output.messages');
  if (Array.isArray(output))
    out.outputMessages = output.flatMap((message) => {
      const mapped = semconvMessage(message);
      return mapped ? [mapped] : [];
    });
}

export function chatRole(role: unknown): ChatMessage['role'] {
  const lower = typeof role === 'string' ? role.toLowerCase() : '';
  if (lower === 'system' || lower === 'developer') return 'system';
  if (lower === 'assistant' || lower === 'model' || lower === 'ai' || lower === 'chatbot')
    return 'assistant';
  if (lower === 'tool' || lower === 'function' || lower === 'ipython') return 'tool';
  return 'user';
}

function semconvMessage(message: unknown): ChatMessage | undefined {
  if (!isObject(message)) return undefined;
  const parts = Array.isArray(message.parts)
    ? message.parts.flatMap(semconvPart)
    : typeof message.content === 'string'
      ? [{ type: 'text' as const, content: message.content }]
      : [];
  const name = str(message.name);
  const finishReason = str(message.finish_reason);
  return {
    role: chatRole(message.role),
    ...(name ? { name } : {}),
    parts,
    ...(finishReason ? { finishReason } : {}),
  };
}

function semconvPart(part: unknown): MessagePart[] {
  if (typeof part === 'string') return [{ type: 'text', content: part }];
  if (!isObject(part)) return [];
  const id = str(part.id);
  switch (part.type) {
    case 'text':
      return [{ type: 'text', content: str(part.content) ?? '' }];
    case 'reasoning':
      return [{ type: 'reasoning', content: str(part.content) ?? '' }];
    case 'tool_call':
      return [
        {
          type: 'tool_call',
          ...(id ? { id } : {}),
          name: str(part.name) || 'unknown',
          arguments: parseArguments(part.arguments),
        },
      ];
    case 'tool_call_response':
      return [
        {
          type: 'tool_call_response',
          ...(id ? { id } : {}),
          response: part.response ?? part.result,
        },
      ];
    case 'blob': {
      const mimeType = str(part.mime_type);
      const content = str(part.content);
      return [
        {
          type: 'media',
          ...(mimeType ? { mimeType } : {}),
          ...(content ? { bytes: Math.floor((content.length * 3) / 4) } : {}),
        },
      ];
    }
    case 'uri':
    case 'file': {
      const mimeType = str(part.mime_type);
      const uri = str(part.uri);
      return [{ type: 'media', ...(mimeType ? { mimeType } : {}), ...(uri ? { uri } : {}) }];
    }
    default:
      return typeof part.content === 'string' ? [{ type: 'text', content: part.content }] : [];
  }
}

// ---- OpenLLMetry: gen_ai.prompt.N.* / gen_ai.completion.N.* ------------------------------

function readLegacyMessages(read: AttributeReader, out: SpanAttributes): void {
  const prompts = read.indexed('gen_ai.prompt');
  if (prompts.length > 0 && !out.inputMessages) {
    const system: MessagePart[] = [...(out.systemInstructions ?? [])];
    const input: ChatMessage[] = [];
    for (const group of prompts) {
      const message = legacyMessage(group);
      if (message.role === 'system') system.push(...message.parts);
      else input.push(message);
    }
    out.inputMessages = input;
    if (system.length > 0) out.systemInstructions = system;
  }
  const completions = read.indexed('gen_ai.completion');
  if (completions.length > 0 && !out.outputMessages) {
    out.outputMessages = completions.map(legacyMessage);
    if (!out.finishReasons) {
      const reasons = out.outputMessages.flatMap((message) =>
        message.finishReason ? [message.finishReason] : [],
      );
      if (reasons.length > 0) out.finishReasons = reasons;
    }
  }
}

function legacyMessage(group: IndexedGroup): ChatMessage {
  const role = chatRole(groupString(group, 'role') ?? 'user');
  const parts: MessagePart[] = [];
  const content = groupString(group, 'content');
  if (content !== undefined) parts.push(...legacyContent(content));
  for (const call of subIndexed(group, 'tool_calls')) {
    const id = groupString(call, 'id');
    parts.push({
      type: 'tool_call',
      ...(id ? { id } : {}),
      name: groupString(call, 'name') || 'unknown',
      arguments: parseArguments(groupString(call, 'arguments')),
    });
  }
  const functionName = groupString(group, 'function_call.name');
  if (functionName)
    parts.push({
      type: 'tool_call',
      name: functionName,
      arguments: parseArguments(groupString(group, 'function_call.arguments')),
    });
  const toolCallId = groupString(group, 'tool_call_id');
  if (role === 'tool') {
    return {
      role,
      parts: [
        {
          type: 'tool_call_response',
          ...(toolCallId ? { id: toolCallId } : {}),
          response: content ?? '',
        },
      ],
    };
  }
  const finishReason = groupString(group, 'finish_reason');
  return { role, parts, ...(finishReason ? { finishReason } : {}) };
}

/** OpenLLMetry writes multimodal content as JSON text of the provider's content blocks. */
function legacyContent(content: string): MessagePart[] {
  const parsed = parseJson(content);
  if (!Array.isArray(parsed) || !parsed.every(isObject)) return [{ type: 'text', content }];
  return parsed.flatMap((block): MessagePart[] => {
    if (block.type === 'text') return [{ type: 'text', content: str(block.text) ?? '' }];
    if (block.type === 'image_url') {
      const image = block.image_url;
      const url = isObject(image) ? str(image.url) : str(image);
      return [{ type: 'media', ...(url && !url.startsWith('data:') ? { uri: url } : {}) }];
    }
    return [];
  });
}

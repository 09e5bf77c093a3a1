/**
 * The Vercel AI SDK's telemetry attributes (`experimental_telemetry`): the operation
 * (`ai.operationId`: `ai.generateText` around `ai.generateText.doGenerate` provider calls,
 * streams, objects, embeddings, tool calls), `ai.model.*`, usage in both the v4 names
 * (`promptTokens`/`completionTokens`) and the v5 ones (`inputTokens`/`outputTokens`), the
 * prompt (`ai.prompt.messages`, `ai.prompt`), the response (text, tool calls, reasoning,
 * finish reason, time to first chunk), settings, and `ai.telemetry.metadata.*`.
 */
import type { ChatMessage, MessagePart, SpanKind } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import { AttributeReader, isObject, parseArguments, str } from './AttributeReader.ts';
import { chatRole } from './genAiConventions.ts';

/** The kind and operation of a Vercel AI SDK span, from its `ai.operationId`. */
export function vercelKind(
  read: AttributeReader,
): { kind: SpanKind; operationName?: string } | undefined {
  const id = read.string('ai.operationId');
  if (!id) return undefined;
  if (id.endsWith('.doGenerate') || id.endsWith('.doStream'))
    return {
      kind: 'llm',
      operationName:
        id.startsWith('ai.generateObject') || id.startsWith('ai.streamObject')
          ? 'generate_content'
          : 'chat',
    };
  if (id.endsWith('.doEmbed')) return { kind: 'embedding', operationName: 'embeddings' };
  if (id === 'ai.toolCall') return { kind: 'tool', operationName: 'execute_tool' };
  // ai.generateText, ai.streamText, ai.embed… wrap the provider calls (and tool calls) of one
  // request: a chain, whose totals must not count the same tokens twice.
  return { kind: 'chain' };
}

export function readVercelAiSdk(read: AttributeReader, out: SpanAttributes, kind: SpanKind): void {
  const operationId = read.string('ai.operationId');
  const model = read.string('ai.model.id');
  if (model && !out.requestModel) out.requestModel = model;
  const provider = read.string('ai.model.provider');
  // `openai.chat`, `anthropic.messages`: the provider is the part before the API (the SDK
  // also writes the whole value into `gen_ai.system`).
  if (provider && (!out.provider || out.provider === provider.toLowerCase()))
    out.provider = provider.split('.')[0]!.toLowerCase();
  const responseModel = read.string('ai.response.model');
  if (responseModel && !out.responseModel) out.responseModel = responseModel;
  const responseId = read.string('ai.response.id');
  if (responseId && !out.responseId) out.responseId = responseId;

  // Derived or echoed values: the token breakdowns (read below where they matter), Vercel's
  // own `operation.name` / `resource.name`, and request headers (never sent on).
  const cacheRead = read.count('ai.usage.inputTokenDetails.cacheReadTokens');
  read.prefixed('ai.usage.inputTokenDetails');
  read.prefixed('ai.usage.outputTokenDetails');
  read.prefixed('ai.request.headers');
  read.raw('operation.name');
  read.raw('resource.name');

  const modelCall = kind === 'llm' || kind === 'embedding';
  if (modelCall) {
    read.raw('ai.usage.totalTokens');
    const usage = { ...out.usage };
    fill(
      usage,
      'inputTokens',
      read.count('ai.usage.inputTokens', 'ai.usage.promptTokens', 'ai.usage.tokens'),
    );
    fill(usage, 'outputTokens', read.count('ai.usage.outputTokens', 'ai.usage.completionTokens'));
    fill(usage, 'cachedInputTokens', read.count('ai.usage.cachedInputTokens') ?? cacheRead);
    fill(usage, 'reasoningTokens', read.count('ai.usage.reasoningTokens'));
    const defined = Object.fromEntries(
      Object.entries(usage).filter(([, value]) => value !== undefined),
    );
    if (Object.keys(defined).length > 0) out.usage = defined;
  }

  const request = { ...out.request };
  fill(request, 'temperature', read.number('ai.settings.temperature'));
  fill(request, 'topP', read.number('ai.settings.topP'));
  fill(request, 'topK', read.number('ai.settings.topK'));
  fill(request, 'maxTokens', read.count('ai.settings.maxOutputTokens', 'ai.settings.maxTokens'));
  fill(request, 'frequencyPenalty', read.number('ai.settings.frequencyPenalty'));
  fill(request, 'presencePenalty', read.number('ai.settings.presencePenalty'));
  fill(request, 'seed', read.count('ai.settings.seed'));
  fill(request, 'stopSequences', read.strings('ai.settings.stopSequences'));
  if (operationId?.startsWith('ai.stream')) request.stream = true;
  const definedRequest = Object.fromEntries(
    Object.entries(request).filter(([, value]) => value !== undefined),
  );
  if (Object.keys(definedRequest).length > 0) out.request = definedRequest;

  const finishReason = read.string('ai.response.finishReason', 'ai.finishReason');
  if (finishReason && !out.finishReasons) out.finishReasons = [finishReason];
  const firstChunk = read.number('ai.response.msToFirstChunk', 'ai.stream.msToFirstChunk');
  if (firstChunk !== undefined && firstChunk >= 0) out.timeToFirstTokenMs = firstChunk;

  readPrompt(read, out);
  readResponse(read, out, finishReason);
  readToolCall(read, out);
  readTelemetryMetadata(read, out);
}

/** Sets `target[key]` unless already set (the value is read either way, so it is consumed). */
function fill<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (target[key] === undefined && value !== undefined) target[key] = value;
}

function readPrompt(read: AttributeReader, out: SpanAttributes): void {
  let messages: unknown = read.json('ai.prompt.messages');
  let system: string | undefined;
  const prompt = read.json('ai.prompt');
  if (isObject(prompt)) {
    system = str(prompt.system);
    if (!Array.isArray(messages))
      messages = Array.isArray(prompt.messages) ? prompt.messages : undefined;
    if (!messages && typeof prompt.prompt === 'string')
      messages = [{ role: 'user', content: prompt.prompt }];
  }
  const values = read.json('ai.values') ?? read.json('ai.value');
  const systemParts: MessagePart[] = system ? [{ type: 'text', content: system }] : [];
  if (Array.isArray(messages) && !out.inputMessages) {
    const input: ChatMessage[] = [];
    for (const message of messages) {
      if (!isObject(message)) continue;
      const mapped: ChatMessage = {
        role: chatRole(message.role),
        parts: contentParts(message.content),
      };
      if (mapped.role === 'system') systemParts.push(...mapped.parts);
      else input.push(mapped);
    }
    out.inputMessages = input;
  } else if (values !== undefined && !out.inputMessages) {
    const texts = (Array.isArray(values) ? values : [values]).filter(
      (value): value is string => typeof value === 'string',
    );
    if (texts.length > 0)
      out.inputMessages = [
        { role: 'user', parts: texts.map((content) => ({ type: 'text' as const, content })) },
      ];
  }
  if (systemParts.length > 0 && !out.systemInstructions) out.systemInstructions = systemParts;
}

/** AI SDK content: a string, or parts (`text`, `reasoning`, `tool-call`, `tool-result`, `image`, `file`). */
function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part): MessagePart[] => {
    if (!isObject(part)) return [];
    const id = str(part.toolCallId);
    switch (part.type) {
      case 'text':
        return [{ type: 'text', content: str(part.text) ?? '' }];
      case 'reasoning':
        return [{ type: 'reasoning', content: str(part.text) ?? '' }];
      case 'tool-call':
        return [
          {
            type: 'tool_call',
            ...(id ? { id } : {}),
            name: str(part.toolName) || 'unknown',
            arguments: parseArguments(part.input ?? part.args),
          },
        ];
      case 'tool-result':
        return [
          {
            type: 'tool_call_response',
            ...(id ? { id } : {}),
            response: part.output ?? part.result,
          },
        ];
      case 'image':
      case 'file': {
        const mimeType = str(part.mediaType) ?? str(part.mimeType);
        const data = part.image ?? part.data;
        const uri = typeof data === 'string' && /^https?:/.test(data) ? data : undefined;
        return [{ type: 'media', ...(mimeType ? { mimeType } : {}), ...(uri ? { uri } : {}) }];
      }
      default:
        return [];
    }
  });
}

function readResponse(
  read: AttributeReader,
  out: SpanAttributes,
  finishReason: string | undefined,
): void {
  const text = read.string('ai.response.text') ?? read.string('ai.response.object');
  const reasoning = read.string('ai.response.reasoning', 'ai.response.reasoningText');
  const toolCalls = read.json('ai.response.toolCalls');
  const parts: MessagePart[] = [];
  if (reasoning) parts.push({ type: 'reasoning', content: reasoning });
  if (text !== undefined) parts.push({ type: 'text', content: text });
  if (Array.isArray(toolCalls))
    for (const call of toolCalls) {
      if (!isObject(call)) continue;
      const id = str(call.toolCallId);
      parts.push({
        type: 'tool_call',
        ...(id ? { id } : {}),
        name: str(call.toolName) || 'unknown',
        arguments: parseArguments(call.input ?? call.args),
      });
    }
  if (parts.length > 0 && !out.outputMessages)
    out.outputMessages = [{ role: 'assistant', parts, ...(finishReason ? { finishReason } : {}) }];
}

function readToolCall(read: AttributeReader, out: SpanAttributes): void {
  const name = read.string('ai.toolCall.name');
  if (!name) return;
  const callId = read.string('ai.toolCall.id');
  out.tool ??= { name, ...(callId ? { callId } : {}) };
  const input = read.string('ai.toolCall.args', 'ai.toolCall.input');
  const output = read.string('ai.toolCall.result', 'ai.toolCall.output');
  out.metadata = {
    ...out.metadata,
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
  };
}

/** `ai.telemetry.metadata.*`; `userId` and `sessionId` there name the user and the session. */
function readTelemetryMetadata(read: AttributeReader, out: SpanAttributes): void {
  const functionId = read.string('ai.telemetry.functionId');
  const metadata: Record<string, string | number | boolean> = {};
  if (functionId) metadata['ai.telemetry.functionId'] = functionId;
  for (const [key, value] of read.prefixed('ai.telemetry.metadata')) {
    if (key === 'userId' && typeof value === 'string') out.userId ??= value;
    else if (key === 'sessionId' && typeof value === 'string') out.sessionId ??= value;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      metadata[key] = value;
    else metadata[key] = JSON.stringify(value);
  }
  if (Object.keys(metadata).length > 0) out.metadata = { ...out.metadata, ...metadata };
}

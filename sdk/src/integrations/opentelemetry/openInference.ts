/**
 * OpenInference attributes (Arize Phoenix's conventions): `openinference.span.kind`, the model
 * and provider, token counts, flattened `llm.input_messages.N.message.*` /
 * `llm.output_messages.N.message.*` (contents, tool calls), invocation parameters as JSON,
 * `input.value` / `output.value`, tools, embeddings, tags and metadata.
 */
import type { ChatMessage, MessagePart, SpanKind } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import {
  AttributeReader,
  groupString,
  isObject,
  parseArguments,
  subIndexed,
  type IndexedGroup,
} from './AttributeReader.ts';
import { chatRole } from './genAiConventions.ts';

const KINDS: Record<string, { kind: SpanKind; operationName?: string }> = {
  LLM: { kind: 'llm', operationName: 'chat' },
  EMBEDDING: { kind: 'embedding', operationName: 'embeddings' },
  TOOL: { kind: 'tool', operationName: 'execute_tool' },
  AGENT: { kind: 'agent', operationName: 'invoke_agent' },
  RETRIEVER: { kind: 'retrieval' },
  RERANKER: { kind: 'retrieval' },
  CHAIN: { kind: 'chain' },
};

/** The kind (and operation) an OpenInference span declares, if it declares one. */
export function openInferenceKind(
  read: AttributeReader,
): { kind: SpanKind; operationName?: string } | undefined {
  const declared = read.string('openinference.span.kind');
  return declared ? (KINDS[declared.toUpperCase()] ?? { kind: 'span' }) : undefined;
}

export function readOpenInference(
  read: AttributeReader,
  out: SpanAttributes,
  kind: SpanKind,
): void {
  const model = read.string('llm.model_name', 'embedding.model_name');
  if (model && !out.requestModel) out.requestModel = model;
  const provider = read.string('llm.provider', 'llm.system');
  if (provider && !out.provider) out.provider = provider.toLowerCase();

  const usage = { ...out.usage };
  const input = read.count('llm.token_count.prompt');
  if (input !== undefined) usage.inputTokens ??= input;
  const output = read.count('llm.token_count.completion');
  if (output !== undefined) usage.outputTokens ??= output;
  const cached = read.count('llm.token_count.prompt_details.cache_read');
  if (cached !== undefined) usage.cachedInputTokens ??= cached;
  const reasoning = read.count('llm.token_count.completion_details.reasoning');
  if (reasoning !== undefined) usage.reasoningTokens ??= reasoning;
  read.raw('llm.token_count.total');
  if (Object.keys(usage).length > 0) out.usage = usage;

  readInvocationParameters(read, out);

  const inputMessages = read.indexed('llm.input_messages');
  if (inputMessages.length > 0 && !out.inputMessages) {
    const system: MessagePart[] = [...(out.systemInstructions ?? [])];
    const messages: ChatMessage[] = [];
    for (const group of inputMessages) {
      const message = openInferenceMessage(group);
      if (message.role === 'system') system.push(...message.parts);
      else messages.push(message);
    }
    out.inputMessages = messages;
    if (system.length > 0) out.systemInstructions = system;
  }
  const outputMessages = read.indexed('llm.output_messages');
  if (outputMessages.length > 0 && !out.outputMessages)
    out.outputMessages = outputMessages.map(openInferenceMessage);

  const embeddedTexts = read.indexed('embedding.embeddings').flatMap((group) => {
    const text = groupString(group, 'embedding.text');
    return text !== undefined ? [{ type: 'text' as const, content: text }] : [];
  });
  if (embeddedTexts.length > 0 && !out.inputMessages)
    out.inputMessages = [{ role: 'user', parts: embeddedTexts }];

  const toolName = read.string('tool.name');
  if (toolName && !out.tool) out.tool = { name: toolName };
  const toolCallId = read.string('tool_call.id');
  if (toolCallId && out.tool) out.tool.callId = toolCallId;

  const session = read.string('session.id');
  if (session && !out.sessionId) out.sessionId = session;
  const user = read.string('user.id');
  if (user && !out.userId) out.userId = user;
  const tags = read.strings('tag.tags');
  if (tags && tags.length > 0) out.tags = tags;
  const metadata = read.json('metadata');
  if (isObject(metadata)) {
    const entries = Object.entries(metadata).filter(
      (entry): entry is [string, string | number | boolean] =>
        ['string', 'number', 'boolean'].includes(typeof entry[1]),
    );
    if (entries.length > 0) out.metadata = { ...out.metadata, ...Object.fromEntries(entries) };
  }

  readValues(read, out, kind);
}

function readInvocationParameters(read: AttributeReader, out: SpanAttributes): void {
  const parameters = read.json('llm.invocation_parameters');
  if (!isObject(parameters)) return;
  const request = { ...out.request };
  const number = (key: string) => {
    const value = parameters[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  request.temperature ??= number('temperature');
  request.topP ??= number('top_p');
  request.topK ??= number('top_k');
  request.maxTokens ??=
    number('max_tokens') ?? number('max_completion_tokens') ?? number('max_output_tokens');
  request.frequencyPenalty ??= number('frequency_penalty');
  request.presencePenalty ??= number('presence_penalty');
  request.seed ??= number('seed');
  request.choiceCount ??= number('n');
  const stop = parameters.stop ?? parameters.stop_sequences;
  if (!request.stopSequences && Array.isArray(stop))
    request.stopSequences = stop.filter((item): item is string => typeof item === 'string');
  else if (!request.stopSequences && typeof stop === 'string') request.stopSequences = [stop];
  if (parameters.stream === true) request.stream = true;
  const defined = Object.fromEntries(
    Object.entries(request).filter(([, value]) => value !== undefined),
  );
  if (Object.keys(defined).length > 0) out.request = defined;
}

function openInferenceMessage(group: IndexedGroup): ChatMessage {
  const role = chatRole(groupString(group, 'message.role'));
  const parts: MessagePart[] = [];
  const content = groupString(group, 'message.content');
  if (content !== undefined) parts.push({ type: 'text', content });
  for (const item of subIndexed(group, 'message.contents')) {
    const type = groupString(item, 'message_content.type');
    if (type === 'text')
      parts.push({ type: 'text', content: groupString(item, 'message_content.text') ?? '' });
    else if (type === 'image') {
      const url = groupString(item, 'message_content.image.image.url');
      parts.push({ type: 'media', ...(url && !url.startsWith('data:') ? { uri: url } : {}) });
    }
  }
  for (const call of subIndexed(group, 'message.tool_calls')) {
    const id = groupString(call, 'tool_call.id');
    parts.push({
      type: 'tool_call',
      ...(id ? { id } : {}),
      name: groupString(call, 'tool_call.function.name') || 'unknown',
      arguments: parseArguments(groupString(call, 'tool_call.function.arguments')),
    });
  }
  const name = groupString(group, 'message.name');
  if (role === 'tool') {
    const id = groupString(group, 'message.tool_call_id');
    return {
      role,
      ...(name ? { name } : {}),
      parts: [{ type: 'tool_call_response', ...(id ? { id } : {}), response: content ?? '' }],
    };
  }
  return { role, ...(name ? { name } : {}), parts };
}

/**
 * `input.value` / `output.value`: the messages of a model span that has no structured ones,
 * otherwise what went in and came out (kept like `observe()`'s captured input and output).
 */
function readValues(read: AttributeReader, out: SpanAttributes, kind: SpanKind): void {
  const input = read.string('input.value');
  const output = read.string('output.value');
  read.raw('input.mime_type');
  read.raw('output.mime_type');
  const modelCall = kind === 'llm';
  if (input !== undefined) {
    if (modelCall && !out.inputMessages)
      out.inputMessages = [{ role: 'user', parts: [{ type: 'text', content: input }] }];
    else if (!modelCall) out.metadata = { ...out.metadata, input };
  }
  if (output !== undefined) {
    if (modelCall && !out.outputMessages)
      out.outputMessages = [{ role: 'assistant', parts: [{ type: 'text', content: output }] }];
    else if (!modelCall) out.metadata = { ...out.metadata, output };
  }
}

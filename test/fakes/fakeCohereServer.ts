/**
 * A local HTTP server that speaks Cohere's API for the real `cohere-ai` client: v2 chat
 * (`POST /v2/chat`) as JSON or, with `stream: true`, Cohere's named server-sent events
 * (message-start, content-start/delta/end, tool-plan-delta, tool-call-start/delta/end,
 * message-end with finish reason and usage), v2 embed (`POST /v2/embed`, embeddings by type),
 * v1 chat (`POST /v1/chat`, streamed as newline-delimited JSON events), and Cohere's error JSON (`{ "message": … }`) with its status.
 * Replies are scripted in order; unscripted requests get a default reply per endpoint.
 */
import type { ServerResponse } from 'node:http';
import {
  sendJson,
  sendSse,
  splitText,
  startScriptedHttpServer,
  type RecordedRequest,
  type ScriptedHttpServer,
  type SseEvent,
} from './scriptedHttpServer.ts';

export interface FakeCohereUsage {
  inputTokens: number;
  outputTokens: number;
  billedInputTokens?: number;
  billedOutputTokens?: number;
  cachedTokens?: number;
}

export interface FakeCohereToolCall {
  id: string;
  name: string;
  /** JSON text, as the model emits it. */
  arguments: string;
}

export interface CohereChatReply {
  type: 'chat';
  id?: string;
  /** Streamed in these pieces when an array. */
  text?: string | string[];
  thinking?: string;
  toolPlan?: string;
  toolCalls?: FakeCohereToolCall[];
  /** Default `TOOL_CALL` with tool calls, else `COMPLETE`. */
  finishReason?: string;
  usage?: FakeCohereUsage;
  /** Streams only: close the socket after this many events. */
  disconnectAfterEvents?: number;
}

export interface CohereEmbedReply {
  type: 'embed';
  id?: string;
  vectors?: number[][];
  billedInputTokens?: number;
}

export interface CohereErrorReply {
  type: 'error';
  status: number;
  message?: string;
}

export type FakeCohereReply = CohereChatReply | CohereEmbedReply | CohereErrorReply;
export type FakeCohereServer = ScriptedHttpServer<FakeCohereReply>;

export const FAKE_COHERE_TEXT = 'Hello from the fake Cohere server.';
const DEFAULT_USAGE: FakeCohereUsage = { inputTokens: 31, outputTokens: 8 };

export function startFakeCohereServer(): Promise<FakeCohereServer> {
  return startScriptedHttpServer<FakeCohereReply>(respond);
}

async function respond(
  request: RecordedRequest,
  scripted: FakeCohereReply | undefined,
  response: ServerResponse,
): Promise<void> {
  const reply = scripted ?? defaultReply(request.path);
  if (!reply) return sendJson(response, { message: 'Not found' }, 404);
  switch (reply.type) {
    case 'error':
      return sendJson(response, { message: reply.message ?? 'invalid request' }, reply.status);
    case 'embed':
      return sendJson(response, embedBody(reply, request.body));
    case 'chat':
      if (request.path === '/v1/chat')
        return request.body?.stream === true
          ? sendJsonLines(response, v1ChatEvents(reply))
          : sendJson(response, v1ChatBody(reply));
      if (request.body?.stream !== true) return sendJson(response, v2ChatBody(reply));
      return sendSse(response, v2ChatEvents(reply), {
        ...(reply.disconnectAfterEvents !== undefined
          ? { streamBreak: { afterEvents: reply.disconnectAfterEvents, mode: 'disconnect' } }
          : {}),
      });
  }
}

function defaultReply(path: string): FakeCohereReply | undefined {
  if (path === '/v2/chat' || path === '/v1/chat') return { type: 'chat' };
  if (path === '/v2/embed') return { type: 'embed' };
  return undefined;
}

const pieces = (text: string | string[]): string[] =>
  Array.isArray(text) ? text : splitText(text);

function text(reply: CohereChatReply): string | undefined {
  if (reply.text !== undefined) return pieces(reply.text).join('');
  return reply.toolCalls?.length ? undefined : FAKE_COHERE_TEXT;
}

function finishReason(reply: CohereChatReply): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'TOOL_CALL' : 'COMPLETE');
}

function usageBody(usage: FakeCohereUsage = DEFAULT_USAGE) {
  return {
    billed_units: {
      input_tokens: usage.billedInputTokens ?? usage.inputTokens,
      output_tokens: usage.billedOutputTokens ?? usage.outputTokens,
    },
    tokens: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
    ...(usage.cachedTokens !== undefined ? { cached_tokens: usage.cachedTokens } : {}),
  };
}

function toolCallBody(call: FakeCohereToolCall) {
  return {
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  };
}

export function v2ChatBody(reply: CohereChatReply) {
  const content: unknown[] = [];
  if (reply.thinking) content.push({ type: 'thinking', thinking: reply.thinking });
  const full = text(reply);
  if (full !== undefined) content.push({ type: 'text', text: full });
  return {
    id: reply.id ?? 'c14c80c3-18eb-4519-9460-6c92edd8cfb4',
    message: {
      role: 'assistant',
      ...(reply.toolPlan ? { tool_plan: reply.toolPlan } : {}),
      ...(reply.toolCalls?.length ? { tool_calls: reply.toolCalls.map(toolCallBody) } : {}),
      ...(content.length > 0 ? { content } : {}),
    },
    finish_reason: finishReason(reply),
    usage: usageBody(reply.usage),
  };
}

export function v2ChatEvents(reply: CohereChatReply): SseEvent[] {
  const events: SseEvent[] = [];
  const push = (data: Record<string, unknown>) => events.push({ event: data.type as string, data });
  push({
    id: reply.id ?? 'c14c80c3-18eb-4519-9460-6c92edd8cfb4',
    type: 'message-start',
    delta: {
      message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] },
    },
  });
  let index = 0;
  if (reply.thinking) {
    push({
      type: 'content-start',
      index,
      delta: { message: { content: { type: 'thinking', thinking: '' } } },
    });
    for (const thinking of splitText(reply.thinking))
      push({ type: 'content-delta', index, delta: { message: { content: { thinking } } } });
    push({ type: 'content-end', index });
    index += 1;
  }
  if (reply.toolPlan)
    for (const toolPlan of splitText(reply.toolPlan))
      push({ type: 'tool-plan-delta', delta: { message: { tool_plan: toolPlan } } });
  const full =
    reply.text !== undefined
      ? pieces(reply.text)
      : reply.toolCalls?.length
        ? []
        : splitText(FAKE_COHERE_TEXT);
  if (full.length > 0) {
    push({
      type: 'content-start',
      index,
      delta: { message: { content: { type: 'text', text: '' } } },
    });
    for (const piece of full)
      push({ type: 'content-delta', index, delta: { message: { content: { text: piece } } } });
    push({ type: 'content-end', index });
  }
  reply.toolCalls?.forEach((call, callIndex) => {
    push({
      type: 'tool-call-start',
      index: callIndex,
      delta: {
        message: {
          tool_calls: { ...toolCallBody(call), function: { name: call.name, arguments: '' } },
        },
      },
    });
    for (let at = 0; at < call.arguments.length; at += 6)
      push({
        type: 'tool-call-delta',
        index: callIndex,
        delta: {
          message: { tool_calls: { function: { arguments: call.arguments.slice(at, at + 6) } } },
        },
      });
    push({ type: 'tool-call-end', index: callIndex });
  });
  push({
    type: 'message-end',
    delta: { finish_reason: finishReason(reply), usage: usageBody(reply.usage) },
  });
  return events;
}

function v1ChatBody(reply: CohereChatReply) {
  return {
    response_id: reply.id ?? 'd2b4c1a0-0d9e-4f52-9a3f-0c6c1c1c1c1c',
    text: text(reply) ?? '',
    generation_id: 'a1b2c3d4-0000-4000-8000-000000000001',
    finish_reason: finishReason(reply),
    meta: { api_version: { version: '1' }, ...usageBody(reply.usage) },
  };
}

/** v1 streams: one JSON event per line (`stream-start`, `text-generation`…, `stream-end`). */
export function v1ChatEvents(reply: CohereChatReply): unknown[] {
  const body = v1ChatBody(reply);
  const texts = reply.text !== undefined ? pieces(reply.text) : splitText(FAKE_COHERE_TEXT);
  return [
    { is_finished: false, event_type: 'stream-start', generation_id: body.generation_id },
    ...texts.map((text) => ({ is_finished: false, event_type: 'text-generation', text })),
    {
      is_finished: true,
      event_type: 'stream-end',
      finish_reason: body.finish_reason,
      response: body,
    },
  ];
}

async function sendJsonLines(response: ServerResponse, events: unknown[]): Promise<void> {
  response.writeHead(200, { 'content-type': 'application/stream+json' });
  for (const event of events) {
    response.write(`${JSON.stringify(event)}\n`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end();
}

/** A deterministic vector per text. */
function vectorFor(input: string): number[] {
  return [input.length / 100, (input.charCodeAt(0) || 0) / 1000, 0.5, -0.25];
}

function embedBody(reply: CohereEmbedReply, body: Record<string, unknown> | undefined) {
  const texts = Array.isArray(body?.texts) ? (body.texts as string[]) : [];
  return {
    id: reply.id ?? 'e5f1d2c3-1111-4222-8333-444455556666',
    embeddings: { float: texts.map((input, index) => reply.vectors?.[index] ?? vectorFor(input)) },
    texts,
    meta: {
      api_version: { version: '2' },
      billed_units: {
        input_tokens: reply.billedInputTokens ?? texts.join(' ').split(/\s+/).length,
      },
    },
    response_type: 'embeddings_by_type',
  };
}

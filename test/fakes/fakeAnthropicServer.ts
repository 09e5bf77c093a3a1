/**
 * A local HTTP server that speaks Anthropic's Messages API (`POST /v1/messages`) for the real
 * `@anthropic-ai/sdk` client: a Message as JSON, or with `stream: true` the exact server-sent
 * events (message_start, content_block_start/delta/stop with text, thinking and tool_use
 * blocks, ping, message_delta, message_stop), Anthropic's error JSON with its status, and
 * in-stream `error` events. Replies are scripted in order; unscripted requests get a default
 * text reply. The client retries 429/5xx itself: use `maxRetries: 0` to see an error.
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

export type FakeAnthropicBlock =
  | { type: 'text'; text: string | string[] }
  | { type: 'thinking'; thinking: string | string[]; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface FakeAnthropicUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
}

export interface AnthropicMessageReply {
  type: 'message';
  id?: string;
  /** Defaults to the request's model. */
  model?: string;
  content?: FakeAnthropicBlock[];
  /** Default `tool_use` when a tool_use block is present, else `end_turn`. */
  stopReason?: string;
  usage?: FakeAnthropicUsage;
  /** Streams only: break off after this many events, by disconnecting or with an error event. */
  streamBreak?: { afterEvents: number; mode: 'disconnect' | 'error-event' };
}

export interface AnthropicErrorReply {
  type: 'error';
  status: number;
  errorType?: string;
  message?: string;
}

export type FakeAnthropicReply = AnthropicMessageReply | AnthropicErrorReply;

export type FakeAnthropicServer = ScriptedHttpServer<FakeAnthropicReply>;

export const FAKE_ANTHROPIC_TEXT = 'Hello from the fake Anthropic server.';
const DEFAULT_USAGE: FakeAnthropicUsage = { inputTokens: 21, outputTokens: 9 };

export function startFakeAnthropicServer(): Promise<FakeAnthropicServer> {
  return startScriptedHttpServer<FakeAnthropicReply>(respond);
}

async function respond(
  request: RecordedRequest,
  scripted: FakeAnthropicReply | undefined,
  response: ServerResponse,
): Promise<void> {
  const headers = { 'request-id': 'req_fake_anthropic_1' };
  if (request.path !== '/v1/messages')
    return sendJson(response, errorBody('not_found_error', 'Not found'), 404, headers);
  const reply = scripted ?? { type: 'message' };
  if (reply.type === 'error')
    return sendJson(
      response,
      errorBody(reply.errorType ?? defaultErrorType(reply.status), reply.message ?? 'Error'),
      reply.status,
      headers,
    );
  const model = typeof request.body?.model === 'string' ? request.body.model : 'claude-fake';
  if (request.body?.stream !== true)
    return sendJson(response, messageBody(reply, model), 200, headers);
  const events = messageEvents(reply, model);
  const streamBreak = reply.streamBreak;
  return sendSse(response, events, {
    headers,
    ...(streamBreak
      ? {
          streamBreak: {
            afterEvents: streamBreak.afterEvents,
            mode: streamBreak.mode === 'disconnect' ? 'disconnect' : 'event',
            breakEvent: {
              event: 'error',
              data: errorBody('overloaded_error', 'Overloaded'),
            },
          },
        }
      : {}),
  });
}

function errorBody(type: string, message: string) {
  return { type: 'error', error: { type, message }, request_id: 'req_fake_anthropic_1' };
}

function defaultErrorType(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return 'api_error';
}

function blocks(reply: AnthropicMessageReply): FakeAnthropicBlock[] {
  return reply.content ?? [{ type: 'text', text: FAKE_ANTHROPIC_TEXT }];
}

function stopReason(reply: AnthropicMessageReply): string {
  return (
    reply.stopReason ?? (blocks(reply).some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn')
  );
}

function usageBody(usage: FakeAnthropicUsage, outputTokens: number) {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheCreationInputTokens ?? 0,
    cache_read_input_tokens: usage.cacheReadInputTokens ?? 0,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

const joined = (text: string | string[]): string => (Array.isArray(text) ? text.join('') : text);
const pieces = (text: string | string[]): string[] =>
  Array.isArray(text) ? text : splitText(text);

function fullBlock(block: FakeAnthropicBlock) {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: joined(block.text) };
    case 'thinking':
      return { type: 'thinking', thinking: joined(block.thinking), signature: block.signature };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
  }
}

function envelope(reply: AnthropicMessageReply, model: string) {
  return {
    id: reply.id ?? 'msg_fake0001',
    type: 'message',
    role: 'assistant',
    model: reply.model ?? model,
  };
}

export function messageBody(reply: AnthropicMessageReply, model: string) {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    ...envelope(reply, model),
    content: blocks(reply).map(fullBlock),
    stop_reason: stopReason(reply),
    stop_sequence: null,
    usage: usageBody(usage, usage.outputTokens),
  };
}

export function messageEvents(reply: AnthropicMessageReply, model: string): SseEvent[] {
  const usage = reply.usage ?? DEFAULT_USAGE;
  const events: SseEvent[] = [];
  const push = (data: Record<string, unknown>) => events.push({ event: data.type as string, data });
  push({
    type: 'message_start',
    message: {
      ...envelope(reply, model),
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageBody(usage, 1),
    },
  });
  blocks(reply).forEach((block, index) => {
    if (block.type === 'text') {
      push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      if (index === 0) push({ type: 'ping' });
      for (const text of pieces(block.text))
        push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    } else if (block.type === 'thinking') {
      push({
        type: 'content_block_start',
        index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      });
      for (const thinking of pieces(block.thinking))
        push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } });
      push({
        type: 'content_block_delta',
        index,
        delta: { type: 'signature_delta', signature: block.signature },
      });
    } else {
      push({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      const json = JSON.stringify(block.input);
      for (let at = 0; at < json.length; at += 10)
        push({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: json.slice(at, at + 10) },
        });
    }
    push({ type: 'content_block_stop', index });
  });
  push({
    type: 'message_delta',
    delta: { stop_reason: stopReason(reply), stop_sequence: null },
    usage: { output_tokens: usage.outputTokens },
  });
  push({ type: 'message_stop' });
  return events;
}

/**
 * A local HTTP server that speaks AI21 Studio's chat API (`POST /studio/v1/chat/completions`)
 * for the real `ai21` client: Jamba chat completions as JSON (with AI21's `meta` and `model`)
 * or as `data:` server-sent events ending in `[DONE]`, usage on the last chunk, tool calls,
 * and AI21's error JSON (`{ "detail": … }`) with its status. Replies are scripted in order;
 * unscripted requests get a default text reply.
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

export interface Ai21ChatReply {
  type: 'chat';
  id?: string;
  /** Response model; defaults to the request's. */
  model?: string;
  text?: string | string[];
  toolCalls?: { id: string; name: string; arguments: string }[];
  finishReason?: string;
  usage?: { inputTokens: number; outputTokens: number };
}

export interface Ai21ErrorReply {
  type: 'error';
  status: number;
  detail?: unknown;
}

export type FakeAi21Reply = Ai21ChatReply | Ai21ErrorReply;
export type FakeAi21Server = ScriptedHttpServer<FakeAi21Reply> & {
  /** What the `ai21` client takes as `baseURL`. */
  readonly baseURL: string;
};

export const FAKE_AI21_TEXT = 'Hello from the fake AI21 server.';
const DEFAULT_USAGE = { inputTokens: 18, outputTokens: 7 };

export async function startFakeAi21Server(): Promise<FakeAi21Server> {
  const server = await startScriptedHttpServer<FakeAi21Reply>(respond);
  return Object.assign(server, { baseURL: `${server.url}/studio/v1` });
}

async function respond(
  request: RecordedRequest,
  scripted: FakeAi21Reply | undefined,
  response: ServerResponse,
): Promise<void> {
  if (request.path !== '/studio/v1/chat/completions')
    return sendJson(response, { detail: 'Not Found' }, 404);
  const reply = scripted ?? { type: 'chat' };
  if (reply.type === 'error')
    return sendJson(response, { detail: reply.detail ?? 'Something went wrong' }, reply.status);
  const model = typeof request.body?.model === 'string' ? request.body.model : 'jamba-mini';
  if (request.body?.stream !== true) return sendJson(response, chatBody(reply, model));
  return sendSse(response, chatChunks(reply), { terminator: '[DONE]' });
}

function pieces(reply: Ai21ChatReply): string[] {
  if (reply.text !== undefined)
    return Array.isArray(reply.text) ? reply.text : splitText(reply.text);
  return reply.toolCalls?.length ? [] : splitText(FAKE_AI21_TEXT);
}

function finishReason(reply: Ai21ChatReply): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
}

function usageBody(reply: Ai21ChatReply) {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

function toolCalls(reply: Ai21ChatReply) {
  return reply.toolCalls?.length
    ? reply.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }))
    : null;
}

export function chatBody(reply: Ai21ChatReply, model: string) {
  return {
    id: reply.id ?? 'chatcmpl-ai21-fake-0001',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: pieces(reply).join(''),
          tool_calls: toolCalls(reply),
        },
        logprobs: null,
        finish_reason: finishReason(reply),
      },
    ],
    usage: usageBody(reply),
    meta: { requestDurationMillis: 412 },
    model: reply.model ?? model,
  };
}

export function chatChunks(reply: Ai21ChatReply): SseEvent[] {
  const id = reply.id ?? 'chatcmpl-ai21-fake-0001';
  const chunk = (
    delta: Record<string, unknown>,
    finish: string | null = null,
    usage: unknown = null,
  ) => ({
    data: { id, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage },
  });
  const events: SseEvent[] = [chunk({ role: 'assistant', content: '' })];
  for (const content of pieces(reply)) events.push(chunk({ content }));
  reply.toolCalls?.forEach((call, index) =>
    events.push(
      chunk({
        tool_calls: [
          {
            index,
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          },
        ],
      }),
    ),
  );
  events.push(chunk({ content: '' }, finishReason(reply), usageBody(reply)));
  return events;
}

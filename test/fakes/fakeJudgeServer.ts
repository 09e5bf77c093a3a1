/**
 * A fake OpenAI-compatible judge for the LLM-as-judge tests: `POST /v1/chat/completions`
 * answers with the next scripted reply (a verdict, raw content, an HTTP error or a dropped
 * connection), or with `defaultReply` when none is queued. Built on the shared scripted
 * server, so every request is recorded.
 */
import {
  sendJson,
  startScriptedHttpServer,
  type ScriptedHttpServer,
} from './scriptedHttpServer.ts';

export type JudgeReply =
  | { verdict: { score: number; reasoning: string } }
  | { content: string }
  | { status: number; message?: string }
  | { disconnect: true }
  /** Never answers (the socket is destroyed when the server closes). */
  | { hang: true };

export interface FakeJudgeServer extends ScriptedHttpServer<JudgeReply> {
  /** The base URL a judge policy names: `<url>/v1`. */
  readonly baseURL: string;
  /** Chat-completion requests received. */
  completions(): number;
}

function completionBody(content: string, model: string) {
  return {
    id: `chatcmpl-judge${Date.now()}`,
    object: 'chat.completion',
    created: 1_764_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 200, completion_tokens: 30, total_tokens: 230 },
  };
}

export async function startFakeJudgeServer(
  defaultReply: JudgeReply = { verdict: { score: 5, reasoning: 'Supported by the context.' } },
): Promise<FakeJudgeServer> {
  const server = await startScriptedHttpServer<JudgeReply>((request, scripted, response) => {
    if (request.method !== 'POST' || request.path !== '/v1/chat/completions') {
      sendJson(response, { error: { message: 'not found', type: 'invalid_request_error' } }, 404);
      return;
    }
    const reply = scripted ?? defaultReply;
    const model = typeof request.body?.model === 'string' ? request.body.model : 'judge';
    if ('hang' in reply) return;
    if ('disconnect' in reply) {
      response.socket?.destroy();
    } else if ('status' in reply) {
      sendJson(
        response,
        { error: { message: reply.message ?? 'judge failure', type: 'server_error' } },
        reply.status,
      );
    } else if ('content' in reply) {
      sendJson(response, completionBody(reply.content, model));
    } else {
      sendJson(response, completionBody(JSON.stringify(reply.verdict), model));
    }
  });
  return {
    ...server,
    baseURL: `${server.url}/v1`,
    completions: () =>
      server.requests.filter((request) => request.path === '/v1/chat/completions').length,
  };
}

/**
 * A local HTTP server that speaks what `@huggingface/inference`'s `InferenceClient` calls when
 * given an `endpointUrl` (a dedicated Inference Endpoint running Text Generation Inference):
 * `POST /v1/chat/completions` (TGI's OpenAI-style chat completion, as JSON or `data:` events
 * ending in `[DONE]`, usage on the last chunk), `POST /v1/completions` (text generation) and
 * `POST /` (feature extraction: the embedding vectors as JSON arrays), plus TGI's error JSON
 * (`{ "error": …, "error_type": … }`) and in-stream error events. Replies are scripted in
 * order; unscripted requests get a default reply per endpoint.
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

export interface HfChatReply {
  type: 'chat';
  /** Streamed in these pieces when an array. */
  text?: string | string[];
  finishReason?: string;
  usage?: { inputTokens: number; outputTokens: number };
  /** Streams only: after this many chunks, send TGI's error event and end. */
  errorAfterChunks?: number;
}

export interface HfCompletionReply {
  type: 'completion';
  text?: string;
  finishReason?: string;
}

export interface HfEmbeddingReply {
  type: 'embedding';
  vectors?: number[][];
}

export interface HfErrorReply {
  type: 'error';
  status: number;
  error?: string;
  errorType?: string;
}

export type FakeHuggingFaceReply =
  HfChatReply | HfCompletionReply | HfEmbeddingReply | HfErrorReply;
export type FakeHuggingFaceServer = ScriptedHttpServer<FakeHuggingFaceReply>;

/** The model id TGI reports (an endpoint serves one model). */
export const FAKE_TGI_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
export const FAKE_HF_TEXT = 'Hello from the fake TGI endpoint.';
const FINGERPRINT = '3.3.4-sha-9f38d93';
const CREATED = 1_764_000_000;
const DEFAULT_USAGE = { inputTokens: 14, outputTokens: 7 };

export function startFakeHuggingFaceServer(): Promise<FakeHuggingFaceServer> {
  return startScriptedHttpServer<FakeHuggingFaceReply>(respond);
}

async function respond(
  request: RecordedRequest,
  scripted: FakeHuggingFaceReply | undefined,
  response: ServerResponse,
): Promise<void> {
  const reply = scripted ?? defaultReply(request.path);
  if (!reply) return sendJson(response, { error: 'Not Found', error_type: 'not_found' }, 404);
  switch (reply.type) {
    case 'error':
      return sendJson(
        response,
        {
          error: reply.error ?? 'Input validation error',
          error_type: reply.errorType ?? 'validation',
        },
        reply.status,
      );
    case 'embedding':
      return sendJson(response, embeddings(reply, request.body?.inputs));
    case 'completion':
      return sendJson(response, completionBody(reply));
    case 'chat':
      if (request.body?.stream !== true) return sendJson(response, chatBody(reply));
      return sendSse(response, chatChunks(reply), {
        terminator: '[DONE]',
        ...(reply.errorAfterChunks !== undefined
          ? {
              streamBreak: {
                afterEvents: reply.errorAfterChunks,
                mode: 'event',
                breakEvent: {
                  data: {
                    error: 'Request failed during generation: CUDA out of memory',
                    error_type: 'generation',
                  },
                },
              },
            }
          : {}),
      });
  }
}

function defaultReply(path: string): FakeHuggingFaceReply | undefined {
  if (path === '/v1/chat/completions') return { type: 'chat' };
  if (path === '/v1/completions') return { type: 'completion' };
  if (path === '/') return { type: 'embedding' };
  return undefined;
}

function pieces(reply: HfChatReply): string[] {
  if (reply.text === undefined) return splitText(FAKE_HF_TEXT);
  return Array.isArray(reply.text) ? reply.text : splitText(reply.text);
}

function usageBody(usage = DEFAULT_USAGE) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

const envelope = (object: string) => ({
  object,
  id: '',
  created: CREATED,
  model: FAKE_TGI_MODEL,
  system_fingerprint: FINGERPRINT,
});

export function chatBody(reply: HfChatReply) {
  return {
    ...envelope('chat.completion'),
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: pieces(reply).join('') },
        logprobs: null,
        finish_reason: reply.finishReason ?? 'stop',
      },
    ],
    usage: usageBody(reply.usage),
  };
}

export function chatChunks(reply: HfChatReply): SseEvent[] {
  const texts = pieces(reply);
  return texts.map((content, index) => {
    const last = index === texts.length - 1;
    return {
      data: {
        ...envelope('chat.completion.chunk'),
        choices: [
          {
            index: 0,
            delta: { role: 'assistant', content },
            logprobs: null,
            finish_reason: last ? (reply.finishReason ?? 'stop') : null,
          },
        ],
        usage: last ? usageBody(reply.usage) : null,
      },
    };
  });
}

function completionBody(reply: HfCompletionReply) {
  return {
    ...envelope('text_completion'),
    choices: [
      {
        index: 0,
        text: reply.text ?? FAKE_HF_TEXT,
        logprobs: null,
        finish_reason: reply.finishReason ?? 'length',
      },
    ],
    usage: usageBody(),
  };
}

function vectorFor(input: string): number[] {
  return [input.length / 10, 0.125, -0.5];
}

function embeddings(reply: HfEmbeddingReply, inputs: unknown): number[] | number[][] {
  if (Array.isArray(inputs))
    return inputs.map((input, index) => reply.vectors?.[index] ?? vectorFor(String(input)));
  return reply.vectors?.[0] ?? vectorFor(String(inputs));
}

/**
 * A local HTTP server that speaks the OpenAI REST API closely enough for the real `openai`
 * client (and clients built on it or on the same wire format: Together, LangChain, LlamaIndex,
 * the Vercel AI SDK) to run unchanged against it: chat completions, legacy completions,
 * the Responses API and embeddings, each as JSON or as server-sent events in OpenAI's exact
 * shapes, plus OpenAI's error JSON. Tests script the replies in order (`enqueue`); with nothing
 * scripted it answers each endpoint with a default reply. Every request is recorded.
 *
 * The OpenAI client retries 429 and 5xx by itself: create it with `maxRetries: 0` when a test
 * scripts an error and wants to see it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './scriptedHttpServer.ts';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined when the body was empty or not JSON). */
  body: Record<string, unknown> | undefined;
}

export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  reasoningTokens?: number;
}

export interface FakeToolCall {
  id: string;
  name: string;
  /** JSON text, exactly as the model would emit it. */
  arguments: string;
}

/**
 * Breaking a stream off after `afterChunks` events: close the socket, or report an error the way
 * the API does (a `data: {"error": …}` line for chat completions, an `error` event for the
 * Responses API).
 */
export interface FakeStreamFailure {
  afterChunks: number;
  mode: 'disconnect' | 'error-event';
  message?: string;
}

interface ModelReplyBase {
  /** Response model; defaults to the request's `model`. */
  model?: string;
  id?: string;
  usage?: FakeUsage;
  /** When the request streams: how to break the stream off. */
  streamFailure?: FakeStreamFailure;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** A chat completion (`/chat/completions`), sent as JSON or SSE depending on the request. */
export interface ChatReply extends ModelReplyBase {
  type: 'chat';
  /** The text; streamed as these pieces when an array. Default: "Hello from the fake server." */
  content?: string | string[] | null;
  toolCalls?: FakeToolCall[];
  /** Default `tool_calls` when tool calls are present, else `stop`. */
  finishReason?: string;
}

/** A legacy completion (`/completions`). */
export interface CompletionReply extends ModelReplyBase {
  type: 'completion';
  text?: string | string[];
  finishReason?: string;
}

/** A Responses API response (`/responses`). */
export interface ResponsesReply extends ModelReplyBase {
  type: 'responses';
  text?: string | string[];
  toolCalls?: FakeToolCall[];
  /** Response status; `incomplete` sets `incomplete_details.reason` to `max_output_tokens`. */
  status?: 'completed' | 'incomplete';
}

/** An embeddings response; vectors default to a deterministic function of each input. */
export interface EmbeddingsReply {
  type: 'embeddings';
  model?: string;
  vectors?: number[][];
  usage?: { inputTokens: number };
}

/** An OpenAI error: `{ error: { message, type, param, code } }` with the given status. */
export interface ErrorReply {
  type: 'error';
  status: number;
  message?: string;
  errorType?: string;
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
}

/** Anything else, sent as-is. */
export interface RawReply {
  type: 'raw';
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export type FakeReply =
  ChatReply | CompletionReply | ResponsesReply | EmbeddingsReply | ErrorReply | RawReply;

export interface FakeOpenAiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>/v1` — what OpenAI-style clients take as `baseURL`. */
  readonly baseURL: string;
  /** Requests received, in order. */
  readonly requests: RecordedRequest[];
  /** Replies for the next requests, in order (whatever endpoint they hit). */
  enqueue(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

/** Fixed so that two calls with the same scripted reply get deep-equal responses. */
export const FAKE_CREATED_AT = 1_764_000_000;
export const FAKE_SYSTEM_FINGERPRINT = 'fp_fake0001';
const DEFAULT_TEXT = 'Hello from the fake server.';
const DEFAULT_USAGE: FakeUsage = { inputTokens: 12, outputTokens: 6 };
const EMBEDDING_DIMENSIONS = 8;

export async function startFakeOpenAiServer(
  options: { replies?: FakeReply[] } = {},
): Promise<FakeOpenAiServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [...(options.replies ?? [])];
  const sockets = new Set<import('node:net').Socket>();

  const server = createServer((request, response) => {
    void readBody(request).then(
      (raw) => {
        const recorded: RecordedRequest = {
          method: request.method ?? 'GET',
          path: (request.url ?? '/').split('?')[0] ?? '/',
          headers: request.headers,
          body: parseJson(raw),
        };
        requests.push(recorded);
        return respond(recorded, queue.shift(), response);
      },
      () => response.destroy(),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function respond(
  request: RecordedRequest,
  scripted: FakeReply | undefined,
  response: ServerResponse,
): Promise<void> {
  const reply = scripted ?? defaultReply(request.path);
  if (!reply) return sendError(response, { type: 'error', status: 404, message: 'Not found' });
  const stream = request.body?.stream === true;
  const includeUsage =
    (request.body?.stream_options as { include_usage?: unknown } | undefined)?.include_usage ===
    true;
  const requestModel = typeof request.body?.model === 'string' ? request.body.model : 'gpt-4o-mini';
  switch (reply.type) {
    case 'error':
      return sendError(response, reply);
    case 'raw':
      response.writeHead(reply.status, reply.headers ?? {});
      response.end(reply.body);
      return;
    case 'embeddings':
      return sendJson(response, embeddingsBody(reply, request.body, requestModel));
    case 'chat':
      if (!stream)
        return sendJson(response, chatCompletionBody(reply, requestModel), reply.headers);
      return sendEvents(
        response,
        chatCompletionChunks(reply, requestModel, includeUsage).map((data) => ({ data })),
        reply,
        'chat',
      );
    case 'completion':
      if (!stream) return sendJson(response, completionBody(reply, requestModel), reply.headers);
      return sendEvents(
        response,
        completionChunks(reply, requestModel, includeUsage).map((data) => ({ data })),
        reply,
        'chat',
      );
    case 'responses':
      if (!stream) return sendJson(response, responseBody(reply, requestModel), reply.headers);
      return sendEvents(response, responseEvents(reply, requestModel), reply, 'responses');
  }
}

function defaultReply(path: string): FakeReply | undefined {
  if (path.endsWith('/chat/completions')) return { type: 'chat' };
  if (path.endsWith('/completions')) return { type: 'completion' };
  if (path.endsWith('/responses')) return { type: 'responses' };
  if (path.endsWith('/embeddings')) return { type: 'embeddings' };
  return undefined;
}

// ---- chat completions ------------------------------------------------------------------

function pieces(text: string | string[] | null | undefined, fallback: string | null): string[] {
  if (text === null) return [];
  if (text === undefined) return fallback === null ? [] : splitText(fallback);
  return Array.isArray(text) ? text : splitText(text);
}

/** Splits text into word-sized pieces, as a model streams it. */
function splitText(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function chatUsage(usage: FakeUsage = DEFAULT_USAGE) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatFinishReason(reply: ChatReply): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
}

function chatContent(reply: ChatReply): string | null {
  const parts = pieces(reply.content, reply.toolCalls?.length ? null : DEFAULT_TEXT);
  return parts.length > 0 ? parts.join('') : null;
}

export function chatCompletionBody(reply: ChatReply, requestModel: string) {
  return {
    id: reply.id ?? 'chatcmpl-fake0001',
    object: 'chat.completion',
    created: FAKE_CREATED_AT,
    model: reply.model ?? requestModel,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: chatContent(reply),
          refusal: null,
          ...(reply.toolCalls?.length
            ? {
                tool_calls: reply.toolCalls.map((call) => ({
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
          annotations: [],
        },
        logprobs: null,
        finish_reason: chatFinishReason(reply),
      },
    ],
    usage: chatUsage(reply.usage),
    service_tier: 'default',
    system_fingerprint: FAKE_SYSTEM_FINGERPRINT,
  };
}

export function chatCompletionChunks(
  reply: ChatReply,
  requestModel: string,
  includeUsage: boolean,
): unknown[] {
  const base = {
    id: reply.id ?? 'chatcmpl-fake0001',
    object: 'chat.completion.chunk',
    created: FAKE_CREATED_AT,
    model: reply.model ?? requestModel,
    service_tier: 'default',
    system_fingerprint: FAKE_SYSTEM_FINGERPRINT,
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of pieces(reply.content, reply.toolCalls?.length ? null : DEFAULT_TEXT))
    chunks.push(chunk({ content: piece }));
  reply.toolCalls?.forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [
          { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
        ],
      }),
    );
    for (const piece of splitArguments(call.arguments))
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  chunks.push(chunk({}, chatFinishReason(reply)));
  if (includeUsage) chunks.push({ ...base, choices: [], usage: chatUsage(reply.usage) });
  return chunks;
}

/** Tool-call arguments arrive in small fragments, as OpenAI streams them. */
function splitArguments(text: string): string[] {
  const out: string[] = [];
  for (let index = 0; index < text.length; index += 8) out.push(text.slice(index, index + 8));
  return out;
}

// ---- legacy completions ----------------------------------------------------------------

function completionBody(reply: CompletionReply, requestModel: string) {
  return {
    id: reply.id ?? 'cmpl-fake0001',
    object: 'text_completion',
    created: FAKE_CREATED_AT,
    model: reply.model ?? requestModel,
    choices: [
      {
        text: pieces(reply.text, DEFAULT_TEXT).join(''),
        index: 0,
        logprobs: null,
        finish_reason: reply.finishReason ?? 'stop',
      },
    ],
    usage: chatUsage(reply.usage),
  };
}

function completionChunks(
  reply: CompletionReply,
  requestModel: string,
  includeUsage: boolean,
): unknown[] {
  const base = {
    id: reply.id ?? 'cmpl-fake0001',
    object: 'text_completion',
    created: FAKE_CREATED_AT,
    model: reply.model ?? requestModel,
  };
  const chunks: unknown[] = pieces(reply.text, DEFAULT_TEXT).map((text) => ({
    ...base,
    choices: [{ text, index: 0, logprobs: null, finish_reason: null }],
    ...(includeUsage ? { usage: null } : {}),
  }));
  chunks.push({
    ...base,
    choices: [{ text: '', index: 0, logprobs: null, finish_reason: reply.finishReason ?? 'stop' }],
    ...(includeUsage ? { usage: null } : {}),
  });
  if (includeUsage) chunks.push({ ...base, choices: [], usage: chatUsage(reply.usage) });
  return chunks;
}

// ---- Responses API ---------------------------------------------------------------------

function responsesUsage(usage: FakeUsage = DEFAULT_USAGE) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

function responseId(reply: ResponsesReply): string {
  return reply.id ?? 'resp_fake0001';
}

function messageItem(reply: ResponsesReply, text: string, status: string) {
  return {
    id: `msg_${responseId(reply).replace(/^resp_/, '')}`,
    type: 'message',
    status,
    role: 'assistant',
    content: status === 'in_progress' ? [] : [{ type: 'output_text', text, annotations: [] }],
  };
}

function functionCallItem(call: FakeToolCall, status: string) {
  return {
    id: `fc_${call.id}`,
    type: 'function_call',
    status,
    arguments: status === 'in_progress' ? '' : call.arguments,
    call_id: call.id,
    name: call.name,
  };
}

function responseEnvelope(
  reply: ResponsesReply,
  requestModel: string,
  status: string,
  output: unknown[],
  usage: unknown,
) {
  return {
    id: responseId(reply),
    object: 'response',
    created_at: FAKE_CREATED_AT,
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: null,
    max_output_tokens: null,
    model: reply.model ?? requestModel,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: {},
  };
}

function responseText(reply: ResponsesReply): string[] {
  return pieces(reply.text, reply.toolCalls?.length ? null : DEFAULT_TEXT);
}

function responseOutput(reply: ResponsesReply): unknown[] {
  const text = responseText(reply);
  return [
    ...(text.length > 0 ? [messageItem(reply, text.join(''), 'completed')] : []),
    ...(reply.toolCalls ?? []).map((call) => functionCallItem(call, 'completed')),
  ];
}

export function responseBody(reply: ResponsesReply, requestModel: string) {
  return responseEnvelope(
    reply,
    requestModel,
    reply.status ?? 'completed',
    responseOutput(reply),
    responsesUsage(reply.usage),
  );
}

export function responseEvents(reply: ResponsesReply, requestModel: string): SseEvent[] {
  const events: Record<string, unknown>[] = [];
  const inProgress = responseEnvelope(reply, requestModel, 'in_progress', [], null);
  events.push({ type: 'response.created', response: inProgress });
  events.push({ type: 'response.in_progress', response: inProgress });
  const text = responseText(reply);
  let outputIndex = 0;
  if (text.length > 0) {
    const full = text.join('');
    const item = messageItem(reply, full, 'in_progress');
    const part = { type: 'output_text', text: '', annotations: [] };
    const at = { item_id: item.id, output_index: outputIndex, content_index: 0 };
    events.push({ type: 'response.output_item.added', output_index: outputIndex, item });
    events.push({ type: 'response.content_part.added', ...at, part });
    for (const delta of text)
      events.push({ type: 'response.output_text.delta', ...at, delta, logprobs: [] });
    events.push({ type: 'response.output_text.done', ...at, text: full, logprobs: [] });
    events.push({ type: 'response.content_part.done', ...at, part: { ...part, text: full } });
    events.push({
      type: 'response.output_item.done',
      output_index: outputIndex,
      item: messageItem(reply, full, 'completed'),
    });
    outputIndex += 1;
  }
  for (const call of reply.toolCalls ?? []) {
    const item = functionCallItem(call, 'in_progress');
    events.push({ type: 'response.output_item.added', output_index: outputIndex, item });
    for (const delta of splitArguments(call.arguments))
      events.push({
        type: 'response.function_call_arguments.delta',
        item_id: item.id,
        output_index: outputIndex,
        delta,
      });
    events.push({
      type: 'response.function_call_arguments.done',
      item_id: item.id,
      output_index: outputIndex,
      arguments: call.arguments,
    });
    events.push({
      type: 'response.output_item.done',
      output_index: outputIndex,
      item: functionCallItem(call, 'completed'),
    });
    outputIndex += 1;
  }
  const status = reply.status ?? 'completed';
  events.push({
    type: status === 'incomplete' ? 'response.incomplete' : 'response.completed',
    response: responseBody(reply, requestModel),
  });
  return events.map((data, sequence) => ({
    event: data.type as string,
    data: { ...data, sequence_number: sequence },
  }));
}

// ---- embeddings ------------------------------------------------------------------------

function embeddingInputs(body: Record<string, unknown> | undefined): unknown[] {
  const input = body?.input;
  if (Array.isArray(input) && input.length > 0 && typeof input[0] !== 'number') return input;
  return [input];
}

/** A deterministic unit-ish vector from the input's characters. */
function vectorFor(input: unknown): number[] {
  const text = typeof input === 'string' ? input : JSON.stringify(input ?? '');
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (let index = 0; index < text.length; index += 1)
    vector[index % EMBEDDING_DIMENSIONS]! += (text.charCodeAt(index) % 97) / 97;
  return vector.map((value) => Math.round((value / Math.max(1, text.length)) * 1e4) / 1e4);
}

function embeddingsBody(
  reply: EmbeddingsReply,
  body: Record<string, unknown> | undefined,
  requestModel: string,
) {
  const inputs = embeddingInputs(body);
  const base64 = body?.encoding_format === 'base64';
  const inputTokens =
    reply.usage?.inputTokens ??
    inputs.reduce<number>((sum, input) => sum + splitText(String(input)).length, 0);
  return {
    object: 'list',
    data: inputs.map((input, index) => {
      const vector = reply.vectors?.[index] ?? vectorFor(input);
      return {
        object: 'embedding',
        index,
        embedding: base64
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector,
      };
    }),
    model: reply.model ?? requestModel,
    usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
  };
}

// ---- sending ---------------------------------------------------------------------------

interface SseEvent {
  event?: string;
  data: unknown;
}

function sendJson(response: ServerResponse, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(200, {
    'content-type': 'application/json',
    'x-request-id': 'req_fake0001',
    ...headers,
  });
  response.end(JSON.stringify(body));
}

export function openAiErrorBody(reply: ErrorReply) {
  return {
    error: {
      message: reply.message ?? defaultErrorMessage(reply.status),
      type: reply.errorType ?? defaultErrorType(reply.status),
      param: reply.param ?? null,
      code: reply.code === undefined ? defaultErrorCode(reply.status) : reply.code,
    },
  };
}

function sendError(response: ServerResponse, reply: ErrorReply) {
  response.writeHead(reply.status, {
    'content-type': 'application/json',
    'x-request-id': 'req_fake0001',
    ...reply.headers,
  });
  response.end(JSON.stringify(openAiErrorBody(reply)));
}

function defaultErrorMessage(status: number): string {
  if (status === 429)
    return 'Rate limit reached for gpt-4o-mini in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1.';
  if (status === 401) return 'Incorrect API key provided.';
  if (status === 400) return 'Invalid request.';
  return 'The server had an error while processing your request. Sorry about that!';
}

function defaultErrorType(status: number): string {
  if (status === 429) return 'requests';
  if (status === 401 || status === 400) return 'invalid_request_error';
  return 'server_error';
}

function defaultErrorCode(status: number): string | null {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 401) return 'invalid_api_key';
  return null;
}

async function sendEvents(
  response: ServerResponse,
  events: SseEvent[],
  reply: ModelReplyBase,
  format: 'chat' | 'responses',
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': 'req_fake0001',
    ...reply.headers,
  });
  const failure = reply.streamFailure;
  for (const [index, event] of events.entries()) {
    if (failure && index === failure.afterChunks) {
      if (failure.mode === 'disconnect') {
        response.socket?.destroy();
        return;
      }
      const message = failure.message ?? 'stream failed';
      // Chat completions report a failure inside a stream as a data line carrying `error`; the
      // Responses API sends an `error` event (which the client yields rather than throws).
      response.end(
        format === 'chat'
          ? `data: ${JSON.stringify({ error: { message, type: 'server_error' } })}\n\n`
          : `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'server_error', message, param: null, sequence_number: index })}\n\n`,
      );
      return;
    }
    // One write per event, with a turn of the event loop between them, so clients see chunks
    // arrive one by one as they do from the real API.
    response.write(
      `${event.event ? `event: ${event.event}\n` : ''}data: ${JSON.stringify(event.data)}\n\n`,
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end(format === 'chat' ? 'data: [DONE]\n\n' : undefined);
}

function parseJson(raw: string): Record<string, unknown> | undefined {
  if (raw.length === 0) return undefined;
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

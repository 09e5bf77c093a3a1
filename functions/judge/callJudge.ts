/**
 * One call to a project's judge: the real `openai` client pointed at the project's
 * OpenAI-compatible base URL, temperature 0, bounded output and a timeout. The client does
 * not retry; the queue does (a failed job comes back after its visibility timeout). Errors
 * become JudgeCallError with the HTTP status and never the response body, which may echo
 * the prompt.
 */
import OpenAI from 'openai';
import { MAX_JUDGE_OUTPUT_TOKENS } from './constants.ts';
import { JudgeCallError } from './errors.ts';
import type { JudgeMessage } from './rubrics.ts';

export interface JudgeEndpoint {
  /** Base URL, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  model: string;
  apiKey: string;
  timeoutMs: number;
}

/** Retrying can help: rate limits, server errors, timeouts and broken connections. */
export function isRetryableJudgeError(error: JudgeCallError): boolean {
  return (
    error.status === undefined ||
    error.status === 408 ||
    error.status === 429 ||
    error.status >= 500
  );
}

/** Clients per endpoint, key and timeout, so a warm function reuses its connections. */
const clients = new Map<string, OpenAI>();
const MAX_CACHED_CLIENTS = 32;

function clientFor(endpoint: JudgeEndpoint): OpenAI {
  const cacheKey = `${endpoint.baseURL}\u0000${endpoint.apiKey}\u0000${endpoint.timeoutMs}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = new OpenAI({
      baseURL: endpoint.baseURL,
      apiKey: endpoint.apiKey,
      timeout: endpoint.timeoutMs,
      maxRetries: 0,
    });
    if (clients.size >= MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value as string);
    clients.set(cacheKey, client);
  }
  return client;
}

export async function callJudge(
  endpoint: JudgeEndpoint,
  messages: JudgeMessage[],
): Promise<string> {
  const client = clientFor(endpoint);
  let completion: OpenAI.Chat.Completions.ChatCompletion;
  try {
    completion = await client.chat.completions.create({
      model: endpoint.model,
      messages,
      temperature: 0,
      max_tokens: MAX_JUDGE_OUTPUT_TOKENS,
    });
  } catch (error) {
    if (error instanceof OpenAI.APIConnectionTimeoutError) {
      throw new JudgeCallError(`the judge did not answer within ${endpoint.timeoutMs} ms`);
    }
    if (error instanceof OpenAI.APIConnectionError) {
      throw new JudgeCallError('the judge endpoint could not be reached');
    }
    if (error instanceof OpenAI.APIError) {
      throw new JudgeCallError(
        `the judge endpoint answered HTTP ${error.status ?? '?'}`,
        error.status,
      );
    }
    throw new JudgeCallError(`the judge call failed (${(error as Error)?.name ?? 'Error'})`);
  }
  const content = completion.choices?.[0]?.message?.content;
  if (typeof content !== 'string' || content.trim() === '') {
    throw new JudgeCallError('the judge answered without content', 200);
  }
  return content;
}

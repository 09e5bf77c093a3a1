/**
 * Maps the legacy OpenAI Completions API (`/completions`: a prompt in, text choices out) onto
 * the wire contract as a `text_completion` call: the prompt strings as user messages, the
 * request parameters it shares with chat completions, text choices (JSON or streamed chunks)
 * with their finish reasons, and usage. Runs on the transport's drain.
 */
import type { ChatMessage } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import { chatRequestParameters, chatUsage } from './chatCompletionsMapping.ts';
import { isObject, num, str, type Json } from './openAiJson.ts';

export interface CompletionRequestCapture {
  params: Json;
  /** `params.prompt`, shallow-copied at call time when it is an array. */
  prompt: unknown;
  provider: string;
  serverAddress: string | undefined;
}

export function completionRequestAttributes(capture: CompletionRequestCapture): SpanAttributes {
  const { params } = capture;
  const attributes: SpanAttributes = {
    operationName: 'text_completion',
    provider: capture.provider,
    request: chatRequestParameters(params),
  };
  const model = str(params.model);
  if (model) attributes.requestModel = model;
  if (capture.serverAddress) attributes.serverAddress = capture.serverAddress;
  // Token-id prompts are not text and are left out.
  const prompts = Array.isArray(capture.prompt) ? capture.prompt : [capture.prompt];
  attributes.inputMessages = prompts
    .filter((prompt): prompt is string => typeof prompt === 'string')
    .map((prompt) => ({ role: 'user', parts: [{ type: 'text', content: prompt }] }));
  const user = str(params.user);
  if (user) attributes.userId = user;
  return attributes;
}

/** A completion (`object: "text_completion"`), or streamed chunks folded into one. */
export function completionAttributes(completion: unknown): SpanAttributes {
  if (!isObject(completion)) return {};
  const attributes: SpanAttributes = {};
  const id = str(completion.id);
  if (id) attributes.responseId = id;
  const model = str(completion.model);
  if (model) attributes.responseModel = model;
  const usage = chatUsage(completion.usage);
  if (usage) attributes.usage = usage;
  const finishReasons: string[] = [];
  const choices = Array.isArray(completion.choices) ? completion.choices.filter(isObject) : [];
  attributes.outputMessages = choices.map((choice): ChatMessage => {
    const finishReason = str(choice.finish_reason);
    if (finishReason) finishReasons.push(finishReason);
    return {
      role: 'assistant',
      parts: [{ type: 'text', content: str(choice.text) ?? '' }],
      ...(finishReason ? { finishReason } : {}),
    };
  });
  if (finishReasons.length > 0) attributes.finishReasons = finishReasons;
  return attributes;
}

/** Streamed completion chunks, kept by reference and folded when the span is built. */
export class CompletionChunkAccumulator {
  readonly #chunks: Json[] = [];

  add(chunk: unknown): void {
    if (isObject(chunk)) this.#chunks.push(chunk);
  }

  attributes(): SpanAttributes {
    let id: string | undefined;
    let model: string | undefined;
    let usage: unknown;
    const choices: { text: string; finish_reason?: string }[] = [];
    for (const chunk of this.#chunks) {
      id ??= str(chunk.id);
      model ??= str(chunk.model);
      if (isObject(chunk.usage)) usage = chunk.usage;
      if (!Array.isArray(chunk.choices)) continue;
      for (const choice of chunk.choices) {
        if (!isObject(choice)) continue;
        const snapshot = (choices[num(choice.index) ?? 0] ??= { text: '' });
        snapshot.text += str(choice.text) ?? '';
        const finishReason = str(choice.finish_reason);
        if (finishReason) snapshot.finish_reason = finishReason;
      }
    }
    return completionAttributes({ id, model, usage, choices: choices.filter(Boolean) });
  }
}

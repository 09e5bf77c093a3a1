/**
 * Vercel AI SDK integration (`@sightline/sdk/vercel-ai`): `sightlineMiddleware()` is a
 * language-model middleware that records every model call `generateText`, `streamText`,
 * `generateObject` and `streamObject` make — the prompt, settings, generated text, reasoning
 * and tool calls, usage, finish reason, response id and model, and for streams the time to
 * first token — as an `llm` span nested under the active Sightline span.
 *
 *   import { generateText, wrapLanguageModel } from 'ai';
 *   import { openai } from '@ai-sdk/openai';
 *   import { sightlineMiddleware } from '@sightline/sdk/vercel-ai';
 *   const model = wrapLanguageModel({ model: openai('gpt-4o-mini'), middleware: sightlineMiddleware() });
 *
 * A stream's parts pass through unchanged; the span ends when the stream ends, errors, is
 * cancelled or aborted (`abortSignal`). Error parts in the stream (how providers report
 * failures mid-stream) mark the span failed. A `streamText` result whose reader merely stops
 * reading leaves the model's stream paused (the AI SDK neither reads nor cancels it), so that
 * span stays open until the stream is read to its end or aborted.
 */
import type { LanguageModelMiddleware } from 'ai';
import type { Sightline } from '../../Sightline.ts';
import {
  resolveIntegrationOptions,
  traceIntegrationCall,
  type IntegrationOptions,
} from '../integrationOptions.ts';
import { isObject, str, type Json } from '../openai/openAiJson.ts';
import {
  StreamPartAccumulator,
  callAttributes,
  generateResultAttributes,
  isOutputPart,
  providerName,
} from './languageModelMapping.ts';

export interface VercelAiIntegrationOptions extends IntegrationOptions {
  /** `gen_ai.provider.name`; by default the model's provider (`openai` for `openai.chat`). */
  provider?: string;
}

interface ModelLike {
  provider?: unknown;
  modelId?: unknown;
}

export function sightlineMiddleware(
  sightlineOrOptions?: Sightline | VercelAiIntegrationOptions,
  options?: VercelAiIntegrationOptions,
): LanguageModelMiddleware {
  const resolved: VercelAiIntegrationOptions = resolveIntegrationOptions(
    sightlineOrOptions,
    options,
  );
  const describe = (params: unknown, model: ModelLike, stream: boolean) => {
    const body: Json = isObject(params) ? { ...params } : {};
    const prompt = Array.isArray(body.prompt) ? [...(body.prompt as unknown[])] : [];
    const provider = resolved.provider ?? providerName(model.provider);
    const modelId = str(model.modelId);
    return () => callAttributes({ params: body, prompt, provider, modelId, stream });
  };
  return {
    specificationVersion: 'v3',
    wrapGenerate: ({ doGenerate, params, model }) =>
      traceIntegrationCall(
        resolved,
        { name: 'ai.doGenerate', attributes: describe(params, model, false) },
        doGenerate,
        { onResult: (result) => () => generateResultAttributes(result) },
      ),
    wrapStream: async ({ doStream, params, model }) => {
      let started: Awaited<ReturnType<typeof doStream>> | undefined;
      const parts = new StreamPartAccumulator();
      // The span follows an async iterable; the model's ReadableStream is read as one and
      // rebuilt, so the AI SDK still gets a ReadableStream with the same parts.
      const followed = await traceIntegrationCall(
        resolved,
        { name: 'ai.doStream', attributes: describe(params, model, true) },
        async () => {
          started = await doStream();
          return iterableOf(started.stream);
        },
        {
          stream: () => ({
            onChunk: (part) => parts.add(part),
            onEnd: () => () => parts.attributes(),
            isFirstToken: isOutputPart,
          }),
        },
      );
      return { ...started!, stream: readableOf(followed) };
    },
  };
}

/** Reads a ReadableStream as an async iterable; ending the iteration early cancels it. */
function iterableOf<T>(stream: ReadableStream<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const reader = stream.getReader();
      return {
        next: async () => {
          const step = await reader.read();
          return step.done ? { done: true, value: undefined } : { done: false, value: step.value };
        },
        return: async () => {
          await reader.cancel();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** A ReadableStream over an async iterable; cancelling the stream ends the iteration. */
function readableOf<T>(iterable: AsyncIterable<T>): ReadableStream<T> {
  let iterator: AsyncIterator<T> | undefined;
  return new ReadableStream<T>({
    start() {
      iterator = iterable[Symbol.asyncIterator]();
    },
    async pull(controller) {
      const step = await iterator!.next();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}

/**
 * Maps `@huggingface/inference` task calls onto the wire contract where the chat format is not
 * OpenAI's: text generation (`inputs` + TGI `parameters` → `generated_text`) and feature
 * extraction (texts → vectors, of which only the count and dimension are kept). Chat
 * completions are OpenAI-format and map through the OpenAI integration's module.
 */
import type { SpanAttributes } from '../../SpanHandle.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

export interface HuggingFaceCallTarget {
  serverAddress: string | undefined;
}

function base(args: Json, target: HuggingFaceCallTarget, operationName: string): SpanAttributes {
  const attributes: SpanAttributes = { operationName, provider: 'huggingface' };
  const model = str(args.model);
  if (model) attributes.requestModel = model;
  if (target.serverAddress) attributes.serverAddress = target.serverAddress;
  const inferenceProvider = str(args.provider);
  if (inferenceProvider)
    attributes.metadata = { 'huggingface.inference_provider': inferenceProvider };
  return attributes;
}

export function textGenerationRequestAttributes(
  args: Json,
  target: HuggingFaceCallTarget,
): SpanAttributes {
  const attributes = base(args, target, 'text_completion');
  const parameters = isObject(args.parameters) ? args.parameters : {};
  const request: NonNullable<SpanAttributes['request']> = {};
  const set = (key: keyof typeof request, value: number | undefined) => {
    if (value !== undefined) (request as Record<string, unknown>)[key] = value;
  };
  set('maxTokens', num(parameters.max_new_tokens));
  set('temperature', num(parameters.temperature));
  set('topP', num(parameters.top_p));
  set('topK', num(parameters.top_k));
  set('seed', num(parameters.seed));
  const stop = parameters.stop ?? parameters.stop_sequences;
  if (Array.isArray(stop))
    request.stopSequences = stop.filter((s): s is string => typeof s === 'string');
  if (Object.keys(request).length > 0) attributes.request = request;
  const inputs = str(args.inputs);
  if (inputs !== undefined)
    attributes.inputMessages = [{ role: 'user', parts: [{ type: 'text', content: inputs }] }];
  return attributes;
}

export function textGenerationResultAttributes(result: unknown): SpanAttributes {
  const text = isObject(result) ? str(result.generated_text) : undefined;
  if (text === undefined) return {};
  return { outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: text }] }] };
}

export function featureExtractionRequestAttributes(
  args: Json,
  target: HuggingFaceCallTarget,
): SpanAttributes {
  const attributes = base(args, target, 'embeddings');
  const inputs = Array.isArray(args.inputs) ? args.inputs : [args.inputs];
  const texts = inputs.filter((input): input is string => typeof input === 'string');
  if (texts.length > 0)
    attributes.inputMessages = [
      { role: 'user', parts: texts.map((content) => ({ type: 'text' as const, content })) },
    ];
  return attributes;
}

/** One input gives one vector (`number[]`), several give `number[][]`; the vectors are not kept. */
export function featureExtractionResultAttributes(result: unknown): SpanAttributes {
  if (!Array.isArray(result)) return {};
  const nested = result.length > 0 && Array.isArray(result[0]);
  const first: unknown = nested ? result[0] : result;
  return {
    metadata: {
      'embeddings.count': nested ? result.length : 1,
      'embeddings.dimensions': Array.isArray(first) ? first.length : 0,
    },
  };
}

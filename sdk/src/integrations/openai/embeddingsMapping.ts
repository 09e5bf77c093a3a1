/**
 * Maps OpenAI-format embeddings calls onto the wire contract: the model, the texts embedded
 * (as one user message, so detectors see them like any prompt), usage, and how many vectors of
 * which dimension came back — never the vectors themselves. Runs on the transport's drain.
 */
import type { MessagePart } from '../../contract/index.ts';
import type { SpanAttributes } from '../../SpanHandle.ts';
import { isObject, num, str, type Json } from './openAiJson.ts';

export interface EmbeddingsRequestCapture {
  params: Json;
  /** `params.input`, shallow-copied at call time when it is an array. */
  input: unknown;
  provider: string;
  serverAddress: string | undefined;
}

export function embeddingsRequestAttributes(capture: EmbeddingsRequestCapture): SpanAttributes {
  const { params } = capture;
  const attributes: SpanAttributes = { operationName: 'embeddings', provider: capture.provider };
  const model = str(params.model);
  if (model) attributes.requestModel = model;
  if (capture.serverAddress) attributes.serverAddress = capture.serverAddress;
  const texts = embeddedTexts(capture.input);
  if (texts.length > 0) attributes.inputMessages = [{ role: 'user', parts: texts }];
  const metadata: NonNullable<SpanAttributes['metadata']> = {};
  const dimensions = num(params.dimensions);
  if (dimensions !== undefined) metadata['embeddings.requested_dimensions'] = dimensions;
  const format = str(params.encoding_format);
  if (format) metadata['embeddings.encoding_format'] = format;
  if (Object.keys(metadata).length > 0) attributes.metadata = metadata;
  const user = str(params.user);
  if (user) attributes.userId = user;
  return attributes;
}

/** Strings are embedded texts; token arrays are not text and are left out. */
function embeddedTexts(input: unknown): MessagePart[] {
  if (typeof input === 'string') return [{ type: 'text', content: input }];
  if (!Array.isArray(input)) return [];
  return input
    .filter((entry): entry is string => typeof entry === 'string')
    .map((content) => ({ type: 'text', content }));
}

export function embeddingsResponseAttributes(response: unknown): SpanAttributes {
  if (!isObject(response)) return {};
  const attributes: SpanAttributes = {};
  const model = str(response.model);
  if (model) attributes.responseModel = model;
  if (isObject(response.usage)) {
    const input = num(response.usage.prompt_tokens);
    if (input !== undefined) attributes.usage = { inputTokens: input };
  }
  const data = Array.isArray(response.data) ? response.data : [];
  const first = data[0];
  const vector = isObject(first) ? first.embedding : undefined;
  attributes.metadata = {
    'embeddings.count': data.length,
    ...(Array.isArray(vector) || ArrayBuffer.isView(vector)
      ? { 'embeddings.dimensions': (vector as ArrayLike<number>).length }
      : {}),
  };
  return attributes;
}

/**
 * The OpenTelemetry attributes that carry content — prompts, completions, tool arguments and
 * results, retrieved documents, prompt templates — in each convention the bridge maps. With
 * `captureContent: false` none of them leaves the process: the mapped message fields are
 * dropped like any span's, and these names are left out of the leftover metadata, where an
 * attribute no reader claims would otherwise travel verbatim.
 */

/** An attribute is content when its name is one of these or starts with one followed by `.`. */
export const CONTENT_ATTRIBUTES = [
  // GenAI semantic conventions (current and the older prompt/completion events).
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'gen_ai.tool.definitions',
  'gen_ai.prompt',
  'gen_ai.completion',
  'gen_ai.content',
  // OpenLLMetry (Traceloop).
  'traceloop.entity.input',
  'traceloop.entity.output',
  'traceloop.prompt',
  'llm.request.functions',
  'llm.prompts',
  // OpenInference.
  'input',
  'output',
  'llm.input_messages',
  'llm.output_messages',
  'llm.prompt_template',
  'llm.tools',
  'retrieval.documents',
  'reranker.input_documents',
  'reranker.output_documents',
  'reranker.query',
  'embedding.embeddings',
  'embedding.text',
  'message',
  'tool.parameters',
  'tool_call.function.arguments',
  // Vercel AI SDK (v4 and later names).
  'ai.prompt',
  'ai.response.text',
  'ai.response.object',
  'ai.response.toolCalls',
  'ai.response.reasoning',
  'ai.response.reasoningText',
  'ai.response.reasoningDetails',
  'ai.response.files',
  'ai.result.text',
  'ai.result.object',
  'ai.result.toolCalls',
  'ai.toolCall.args',
  'ai.toolCall.input',
  'ai.toolCall.result',
  'ai.toolCall.output',
  'ai.value',
  'ai.values',
  'ai.embedding',
  'ai.embeddings',
] as const;

const NAMES: ReadonlySet<string> = new Set(CONTENT_ATTRIBUTES);

/** Whether an attribute carries content (`CONTENT_ATTRIBUTES`, or a dotted child of one). */
export function isContentAttribute(key: string): boolean {
  if (NAMES.has(key)) return true;
  for (let dot = key.indexOf('.'); dot !== -1; dot = key.indexOf('.', dot + 1))
    if (NAMES.has(key.slice(0, dot))) return true;
  return false;
}

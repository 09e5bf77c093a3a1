/** Test factories: LLM spans with the fields the evaluators read, overridable per test. */
import type { SpanItem } from '../../../sdk/src/contract/items.ts';

export interface LlmSpanOptions {
  question?: string;
  answer?: string;
  system?: string;
  finishReasons?: string[];
  outputType?: string;
  metadata?: Record<string, string | number | boolean>;
  status?: 'ok' | 'error' | 'unset';
  truncated?: boolean;
  toolCallOnly?: boolean;
  /** `null` leaves outputMessages out (content not captured). */
  outputCaptured?: boolean;
  outputTokens?: number;
}

export function buildLlmSpan(options: LlmSpanOptions = {}): SpanItem {
  const {
    question = 'What is the capital of France?',
    answer = 'The capital of France is Paris.',
    outputCaptured = true,
  } = options;
  return {
    type: 'span',
    traceId: '0123456789abcdef0123456789abcdef',
    spanId: '0123456789abcdef',
    name: 'chat gpt-4o',
    kind: 'llm',
    startTime: 1_760_000_000_000,
    endTime: 1_760_000_000_900,
    status: { code: options.status ?? 'ok' },
    ...(options.outputType === undefined ? {} : { request: { outputType: options.outputType } }),
    ...(options.finishReasons === undefined ? {} : { finishReasons: options.finishReasons }),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    ...(options.truncated === undefined ? {} : { truncated: options.truncated }),
    ...(options.outputTokens === undefined
      ? {}
      : { usage: { outputTokens: options.outputTokens } }),
    ...(options.system === undefined
      ? {}
      : { systemInstructions: [{ type: 'text' as const, content: options.system }] }),
    inputMessages: [{ role: 'user', parts: [{ type: 'text', content: question }] }],
    ...(outputCaptured
      ? {
          outputMessages: [
            {
              role: 'assistant' as const,
              parts: options.toolCallOnly
                ? [{ type: 'tool_call' as const, name: 'lookup', arguments: { q: 'x' } }]
                : [{ type: 'text' as const, content: answer }],
            },
          ],
        }
      : {}),
  };
}

/** A span-shaped value that breaks the type, for robustness tests. */
export function malformedSpan(value: unknown): SpanItem {
  return value as SpanItem;
}

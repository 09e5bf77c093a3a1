/**
 * Reads the texts the evaluators judge out of a span: the assistant's output, the user's
 * input, finish reasons and declared output formats. Every read is defensive: the span may be
 * missing fields or carry values of the wrong type (it is data from outside), and a huge text
 * is cut to a bound here once rather than in every evaluator.
 */
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import { TRUNCATION_MARKER_TEMPLATE } from '../../sdk/src/contract/limits.ts';

/** The fixed start of the SDK's truncation marker. */
const TRUNCATION_MARKER_PREFIX = TRUNCATION_MARKER_TEMPLATE.slice(
  0,
  TRUNCATION_MARKER_TEMPLATE.indexOf('{'),
);

/** The most text any evaluator reads from one side of a call (the wire limit per part is 200k). */
export const MAX_EVALUATED_CHARS = 1_000_000;

export interface SpanTexts {
  /** Text parts of the output messages, joined by blank lines; `undefined` when none were captured. */
  output: string | undefined;
  /** Text parts of all input messages. */
  input: string;
  /** Text of the last user message (the question an answer should match). */
  lastUserInput: string;
  /** The output carried tool calls (an answer by action, not text). */
  outputHasToolCalls: boolean;
  finishReasons: string[];
  /** The producer cut some value to fit the wire limits. */
  producerTruncated: boolean;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function textOfParts(parts: unknown, collected: string[], budget: { left: number }): boolean {
  let hasToolCalls = false;
  for (const part of asArray(parts)) {
    const record = asRecord(part);
    if (record.type === 'tool_call') hasToolCalls = true;
    if (record.type === 'text' && typeof record.content === 'string' && budget.left > 0) {
      const text =
        record.content.length > budget.left ? record.content.slice(0, budget.left) : record.content;
      budget.left -= text.length;
      collected.push(text);
    }
  }
  return hasToolCalls;
}

export function readSpanTexts(span: SpanItem): SpanTexts {
  const record = asRecord(span);
  const outputMessages = record.outputMessages;
  const outputParts: string[] = [];
  let outputHasToolCalls = false;
  const finishReasons: string[] = [];
  const outputBudget = { left: MAX_EVALUATED_CHARS };
  for (const message of asArray(outputMessages)) {
    const m = asRecord(message);
    if (m.role !== undefined && m.role !== 'assistant') continue;
    if (textOfParts(m.parts, outputParts, outputBudget)) outputHasToolCalls = true;
    if (typeof m.finishReason === 'string') finishReasons.push(m.finishReason);
  }
  for (const reason of asArray(record.finishReasons)) {
    if (typeof reason === 'string') finishReasons.push(reason);
  }

  const inputParts: string[] = [];
  let lastUser: string[] = [];
  const inputBudget = { left: MAX_EVALUATED_CHARS };
  for (const message of asArray(record.inputMessages)) {
    const m = asRecord(message);
    const collected: string[] = [];
    textOfParts(m.parts, collected, inputBudget);
    inputParts.push(...collected);
    if (m.role === 'user' && collected.length > 0) lastUser = collected;
  }
  const producerTruncated =
    record.truncated === true ||
    outputParts.some((text) => text.includes(TRUNCATION_MARKER_PREFIX));
  return {
    output: Array.isArray(outputMessages) ? outputParts.join('\n\n') : undefined,
    input: inputParts.join('\n\n'),
    lastUserInput: lastUser.join('\n\n'),
    outputHasToolCalls,
    finishReasons,
    producerTruncated,
  };
}

/** A metadata value as a string, or undefined when absent or not a string. */
export function metadataString(span: SpanItem, key: string): string | undefined {
  const value = asRecord(asRecord(span).metadata)[key];
  return typeof value === 'string' ? value : undefined;
}

export function requestOutputType(span: SpanItem): string | undefined {
  const value = asRecord(asRecord(span).request).outputType;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Where free text sits in a span, as slots the detectors scan and redaction rewrites: message
 * parts (text, reasoning, media links, tool arguments and results), system instructions, prompt variables,
 * string metadata and the status message. Each slot names its place the way the findings
 * table stores it (field, message index, part index; -1 where there is none).
 */
import type { SpanItem } from '@sightline/sdk/contract';

export type SlotField =
  | 'input'
  | 'output'
  | 'system'
  | 'input_tool'
  | 'output_tool'
  | 'prompt_variables'
  | 'metadata'
  | 'status_message';

/** Who wrote the text, for the injection detector (user input, retrieved context, tool output…). */
export type SlotSource = 'user' | 'assistant' | 'system' | 'tool' | 'context';

export interface TextSlot {
  field: SlotField;
  messageIndex: number;
  partIndex: number;
  source: SlotSource;
  text: string;
  /** Path from the span to the string, for writing the redacted text back. */
  path: ReadonlyArray<string | number>;
  /**
   * A tool payload's value past what is scanned (MAX_TOOL_LEAVES strings, MAX_TOOL_DEPTH
   * levels): never scanned, so never stored; redaction replaces it (a string, or the whole
   * deeper object or array) with the withheld-text marker and marks the span partial.
   */
  withheld?: true;
}

/** Strings of one tool call's arguments or result that are scanned; later ones are withheld. */
export const MAX_TOOL_LEAVES = 4_096;
/** Nesting scanned in a tool payload; anything deeper is withheld whole. */
export const MAX_TOOL_DEPTH = 64;

function toolLeaves(
  value: unknown,
  path: Array<string | number>,
  push: (text: string, path: Array<string | number>, withheld: boolean) => void,
  budget: { left: number },
  depth = 0,
): void {
  if (depth > MAX_TOOL_DEPTH) {
    if (value !== null && typeof value === 'object') push('', path, true);
    else if (typeof value === 'string') push('', path, true);
    return;
  }
  if (typeof value === 'string') {
    if (budget.left <= 0) {
      push('', path, true);
      return;
    }
    budget.left -= 1;
    push(value, path, false);
  } else if (Array.isArray(value)) {
    value.forEach((entry, index) => toolLeaves(entry, [...path, index], push, budget, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, entry] of Object.entries(value))
      toolLeaves(entry, [...path, key], push, budget, depth + 1);
  }
}

export function collectTextSlots(span: SpanItem): TextSlot[] {
  const slots: TextSlot[] = [];
  span.systemInstructions?.forEach((part, partIndex) => {
    if ((part.type === 'text' || part.type === 'reasoning') && part.content)
      slots.push({
        field: 'system',
        messageIndex: -1,
        partIndex,
        source: 'system',
        text: part.content,
        path: ['systemInstructions', partIndex, 'content'],
      });
  });
  for (const [key, field] of [
    ['inputMessages', 'input'],
    ['outputMessages', 'output'],
  ] as const) {
    span[key]?.forEach((message, messageIndex) => {
      const source: SlotSource =
        message.role === 'tool' ? 'tool' : message.role === 'user' ? 'user' : message.role;
      message.parts.forEach((part, partIndex) => {
        const base = [key, messageIndex, 'parts', partIndex] as const;
        if ((part.type === 'text' || part.type === 'reasoning') && part.content) {
          slots.push({
            field,
            messageIndex,
            partIndex,
            source,
            text: part.content,
            path: [...base, 'content'],
          });
        } else if (part.type === 'media' && part.uri) {
          // A media link can carry credentials or personal data (a presigned URL's key, an
          // address in a path): it is scanned and redacted like text.
          slots.push({
            field,
            messageIndex,
            partIndex,
            source,
            text: part.uri,
            path: [...base, 'uri'],
          });
        } else if (part.type === 'tool_call' || part.type === 'tool_call_response') {
          const payloadKey = part.type === 'tool_call' ? 'arguments' : 'response';
          const toolField = field === 'input' ? 'input_tool' : 'output_tool';
          toolLeaves(
            (part as Record<string, unknown>)[payloadKey],
            [...base, payloadKey],
            (text, path, withheld) =>
              slots.push({
                field: toolField,
                messageIndex,
                partIndex,
                source: part.type === 'tool_call_response' ? 'tool' : source,
                text,
                path,
                ...(withheld ? { withheld: true as const } : {}),
              }),
            { left: MAX_TOOL_LEAVES },
          );
        }
      });
    });
  }
  Object.entries(span.prompt?.variables ?? {}).forEach(([name, value], index) => {
    slots.push({
      field: 'prompt_variables',
      messageIndex: -1,
      partIndex: index,
      source: 'context',
      text: value,
      path: ['prompt', 'variables', name],
    });
  });
  Object.entries(span.metadata ?? {}).forEach(([name, value], index) => {
    if (typeof value === 'string' && value.length > 0)
      slots.push({
        field: 'metadata',
        messageIndex: -1,
        partIndex: index,
        source: 'context',
        text: value,
        path: ['metadata', name],
      });
  });
  if (span.status.message)
    slots.push({
      field: 'status_message',
      messageIndex: -1,
      partIndex: -1,
      source: 'system',
      text: span.status.message,
      path: ['status', 'message'],
    });
  return slots;
}

/**
 * Returns `root` with `text` at `path`, leaving `root` itself untouched: only the objects and
 * arrays on the path are copied (shallowly), and a later write through the same `copies`
 * reuses them. Cheaper than cloning the whole span for the few slots redaction rewrites.
 */
export function withSlotText<T>(
  root: T,
  path: ReadonlyArray<string | number>,
  text: string,
  copies: Set<object>,
): T {
  type Node = Record<string | number, unknown>;
  const own = (node: unknown): Node => {
    if (copies.has(node as object)) return node as Node;
    const copy = (Array.isArray(node) ? [...node] : { ...(node as object) }) as Node;
    copies.add(copy);
    return copy;
  };
  const top = own(root);
  let node = top;
  for (let index = 0; index < path.length - 1; index++) {
    const step = path[index]!;
    const child = own(node[step]);
    node[step] = child;
    node = child;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = text;
  return top as T;
}

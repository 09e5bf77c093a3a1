/**
 * Reads the message columns of a span row (`input_messages`, `output_messages`,
 * `system_instructions`: JSON text of wire-contract shapes) for display. The text is only as
 * trustworthy as its producer, so parsing never throws: malformed JSON comes back as raw text,
 * and a message or part that does not match the contract is kept as raw JSON in its place
 * rather than hiding the rest of the conversation.
 */
import { MessagePartSchema, type MessagePart } from '@sightline/sdk/contract';
import { z } from 'zod';

export type DisplayPart =
  { kind: 'part'; part: MessagePart } | { kind: 'unrecognised'; json: string };

export type DisplayMessage =
  | {
      kind: 'message';
      role: string;
      name?: string;
      finishReason?: string;
      parts: DisplayPart[];
    }
  | { kind: 'unrecognised'; json: string };

export type ParsedColumn<T> =
  { kind: 'empty' } | { kind: 'items'; items: T[] } | { kind: 'raw'; text: string; reason: string };

// Looser than the contract's ChatMessageSchema on purpose: the parts are checked one by one.
const MessageShellSchema = z.object({
  role: z.string().min(1).max(64),
  name: z.string().max(1_000).optional(),
  finishReason: z.string().max(1_000).optional(),
  parts: z.array(z.unknown()),
});

/**
 * JSON nested deeper than this is shown as the raw text it arrived as: formatting it would
 * recurse that deep (and a producer can send thousands of levels).
 */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests arrays/objects deeper than `limit`; a linear scan, no parsing. */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c /* \\ */) index += 1;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) {
      depth -= 1;
    }
  }
  return false;
}

/** Pretty JSON of any value; never throws (a cycle or extreme nesting gives a placeholder). */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    // String(value) could recurse just as deep, so it is not a safe fallback.
    return '[value cannot be displayed: nested too deeply or circular]';
  }
}

/**
 * A value that may itself be JSON text (tool call arguments often arrive as a JSON string),
 * pretty-printed when it parses, else as given.
 */
export function prettyJsonValue(value: unknown): string {
  if (typeof value !== 'string') return prettyJson(value);
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  if (jsonNestsDeeperThan(trimmed, MAX_JSON_DEPTH)) return value;
  try {
    return prettyJson(JSON.parse(trimmed));
  } catch {
    return value;
  }
}

function parseJsonArray(text: string): ParsedColumn<unknown> {
  if (text.trim() === '') return { kind: 'empty' };
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return { kind: 'raw', text, reason: `nested more than ${MAX_JSON_DEPTH} levels deep` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'raw', text, reason: 'not valid JSON' };
  }
  if (value === null) return { kind: 'empty' };
  if (!Array.isArray(value)) return { kind: 'raw', text, reason: 'not a JSON array' };
  return value.length === 0 ? { kind: 'empty' } : { kind: 'items', items: value };
}

function toDisplayPart(item: unknown): DisplayPart {
  const part = MessagePartSchema.safeParse(item);
  return part.success
    ? { kind: 'part', part: part.data }
    : { kind: 'unrecognised', json: prettyJson(item) };
}

function toDisplayMessage(item: unknown): DisplayMessage {
  const shell = MessageShellSchema.safeParse(item);
  if (!shell.success) return { kind: 'unrecognised', json: prettyJson(item) };
  const { role, name, finishReason, parts } = shell.data;
  return { kind: 'message', role, name, finishReason, parts: parts.map(toDisplayPart) };
}

/** `input_messages` / `output_messages`: a JSON array of chat messages. */
export function parseMessagesColumn(text: string): ParsedColumn<DisplayMessage> {
  const parsed = parseJsonArray(text);
  return parsed.kind === 'items'
    ? { kind: 'items', items: parsed.items.map(toDisplayMessage) }
    : parsed;
}

/** `system_instructions`: a JSON array of message parts. */
export function parsePartsColumn(text: string): ParsedColumn<DisplayPart> {
  const parsed = parseJsonArray(text);
  return parsed.kind === 'items'
    ? { kind: 'items', items: parsed.items.map(toDisplayPart) }
    : parsed;
}

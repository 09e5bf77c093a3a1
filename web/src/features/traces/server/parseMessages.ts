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

/** Pretty JSON of any value; never throws. */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
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
  try {
    return prettyJson(JSON.parse(trimmed));
  } catch {
    return value;
  }
}

function parseJsonArray(text: string): ParsedColumn<unknown> {
  if (text.trim() === '') return { kind: 'empty' };
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

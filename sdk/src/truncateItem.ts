/**
 * Fits an item to the wire contract before it is sent, in two passes, each where it costs least:
 *
 * - `conformItem`, on the transport's drain, for every item: a value the contract cannot take
 *   as it is (a null metadata value, an empty name, a number that is not finite or not whole, a
 *   value outside an enumeration, a field of the wrong type) is replaced by one it can take or
 *   left out; where no honest stand-in exists (a score value that is not a finite number, an
 *   item without valid ids or times) the item is refused, with the reason. It reads only the
 *   fields it checks and copies only what it changes.
 * - `truncateItem`, in the exporter, for the few items that may exceed a limit: every string,
 *   list and map that is too long is cut, with a visible marker, and the span is flagged
 *   `truncated`. Values of any shape are cut, tool arguments and results and metadata included,
 *   and an item too large for a record even so keeps its identity and timing with its content
 *   replaced by markers: nothing is dropped for its size. An item that fits is returned unchanged.
 */
import {
  MessageRoleSchema,
  SpanKindSchema,
  SpanStatusCodeSchema,
  WIRE_LIMITS,
  isEpochMillis,
  isSpanId,
  isTraceId,
  truncationMarker,
  type ItemInput,
} from './contract/index.ts';
import { toPlainData, unreadableMarker } from './toPlainData.ts';

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
/** A marker an earlier cut left, so a second cut reports everything removed, not just its own. */
const EARLIER_MARKER = /…\[sightline: truncated (\d+) characters\]$/;

/** Cuts `value` to at most `maxChars` UTF-16 units, marker included, never inside a character. */
export function truncateText(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  let body = value;
  let earlier = 0;
  if (value.endsWith(' characters]')) {
    const found = EARLIER_MARKER.exec(value.slice(-80));
    if (found) {
      earlier = Number(found[1]);
      body = value.slice(0, value.length - found[0].length);
    }
  }
  // Room for the longest marker this cut can need, then the exact count of what goes.
  let end = Math.max(0, maxChars - truncationMarker(body.length + earlier).length);
  if (end > 0 && isHighSurrogate(body.charCodeAt(end - 1))) end -= 1;
  return body.slice(0, end) + truncationMarker(body.length - end + earlier);
}

/** Top-level string fields with a tighter limit than free text, by item field name. */
const FIELD_LIMITS: Record<string, number> = {
  name: WIRE_LIMITS.maxNameChars,
  errorType: WIRE_LIMITS.maxNameChars,
  requestModel: WIRE_LIMITS.maxNameChars,
  responseModel: WIRE_LIMITS.maxNameChars,
  serverAddress: WIRE_LIMITS.maxNameChars,
  responseId: WIRE_LIMITS.maxIdentifierChars,
  userId: WIRE_LIMITS.maxIdentifierChars,
  sessionId: WIRE_LIMITS.maxIdentifierChars,
  scoreId: WIRE_LIMITS.maxIdentifierChars,
  operationName: 64,
  provider: 64,
  environment: 64,
  release: 128,
};
/** String fields of a message part with a tighter limit than free text. */
const PART_FIELD_LIMITS: Record<string, number> = {
  id: WIRE_LIMITS.maxIdentifierChars,
  name: WIRE_LIMITS.maxIdentifierChars,
  mimeType: 255,
};
/** String fields of a message; the rest (its name) are held to the name limit. */
const MESSAGE_FIELD_LIMITS: Record<string, number> = { finishReason: 64 };
/** String fields of a tool and of request parameters. */
const TOOL_FIELD_LIMITS: Record<string, number> = {
  name: WIRE_LIMITS.maxIdentifierChars,
  callId: WIRE_LIMITS.maxIdentifierChars,
  type: 64,
};
const REQUEST_FIELD_LIMITS: Record<string, number> = { outputType: 64 };
/** Lists of short strings: finish reasons and stop sequences, by entries and characters. */
const FINISH_REASONS = { maxEntries: 64, maxChars: 64 };
const STOP_SEQUENCES = { maxEntries: 64, maxChars: 1_000 };
const MAX_KEY_CHARS = 256;

/** A field's own limit; a key named like an Object.prototype member has none. */
const limitOf = (limits: Record<string, number>, key: string): number | undefined =>
  Object.hasOwn(limits, key) ? limits[key] : undefined;

/** How far values are cut: the first pass uses the contract's limits, later ones less. */
export interface FitLimits {
  /** Characters in one text value. */
  maxTextChars: number;
  /** Entries kept in one array or object of free-form data (tool arguments, results…). */
  maxEntries: number;
  /** Nesting kept in free-form data; anything deeper becomes a marker. */
  maxDepth: number;
}

export const DEFAULT_FIT_LIMITS: FitLimits = {
  maxTextChars: WIRE_LIMITS.maxTextChars,
  maxEntries: 10_000,
  maxDepth: 32,
};

interface FitState extends FitLimits {
  truncated: boolean;
}

function fitText(value: string, maxChars: number, state: FitState): string {
  if (value.length <= maxChars) return value;
  state.truncated = true;
  return truncateText(value, maxChars);
}

const markerText = (removed: number, what: string) =>
  `…[sightline: ${removed} more ${what} truncated]`;
const DEEPER_MARKER = '…[sightline: deeper values truncated]';

/**
 * Keeps the first `max - 1` entries, fitted by `fit` (only those are visited), and a marker
 * entry saying how many were cut.
 */
function fitList<T>(
  list: readonly T[],
  max: number,
  fit: (entry: T) => T,
  marker: (removed: number) => T,
  state: FitState,
): T[] {
  const kept = list.length > max ? Math.max(0, max - 1) : list.length;
  const out: T[] = new Array<T>(kept);
  for (let index = 0; index < kept; index += 1) out[index] = fit(list[index]!);
  if (kept < list.length) {
    state.truncated = true;
    out.push(marker(list.length - kept));
  }
  return out;
}

/** The same for an object's entries; the marker is a `sightline.truncated` entry. */
function fitEntries(
  object: object,
  max: number,
  fit: (value: unknown) => unknown,
  what: string,
  state: FitState,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let kept = 0;
  let removed = 0;
  let lastKey = '';
  for (const key in object) {
    if (kept >= max) {
      removed += 1;
      continue;
    }
    kept += 1;
    lastKey = fitText(key, MAX_KEY_CHARS, state);
    out[lastKey] = fit((object as Record<string, unknown>)[key]);
  }
  if (removed > 0) {
    state.truncated = true;
    delete out[lastKey];
    out['sightline.truncated'] = markerText(removed + 1, what);
  }
  return out;
}

/**
 * Free-form data (tool arguments and results, request settings, metadata values): strings to
 * the text limit, arrays and objects to `maxEntries` (with a marker entry), nesting to
 * `maxDepth` (with a marker in place of what is deeper).
 */
function fitFree(value: unknown, state: FitState, depth: number): unknown {
  if (typeof value === 'string') return fitText(value, state.maxTextChars, state);
  if (value === null || typeof value !== 'object') return value;
  if (depth > state.maxDepth) {
    state.truncated = true;
    return DEEPER_MARKER;
  }
  const fitEntry = (entry: unknown) => fitFree(entry, state, depth + 1);
  if (Array.isArray(value))
    return fitList<unknown>(
      value,
      state.maxEntries,
      fitEntry,
      (removed) => markerText(removed, 'entries'),
      state,
    );
  return fitEntries(value, state.maxEntries, fitEntry, 'entries', state);
}

type Part = Record<string, unknown>;
type Message = { role: string; parts: unknown[]; [key: string]: unknown };

/** An object's string fields cut to their own limits (else free text), its other values as data. */
function fitFields(
  object: Record<string, unknown>,
  limits: Record<string, number>,
  state: FitState,
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in object) {
    const value = object[key];
    if (typeof value === 'string')
      out[key] = fitText(
        value,
        Math.min(limitOf(limits, key) ?? Infinity, state.maxTextChars),
        state,
      );
    else out[key] = fitFree(value, state, depth);
  }
  return out;
}

function fitPart(part: Part, state: FitState): Part {
  if (part === null || typeof part !== 'object') return part;
  return fitFields(part, PART_FIELD_LIMITS, state, 4);
}

/** A list of short strings (finish reasons, stop sequences) to its own counts. */
function fitTexts(
  list: unknown,
  limits: { maxEntries: number; maxChars: number },
  state: FitState,
): unknown {
  if (!Array.isArray(list)) return fitFree(list, state, 1);
  const maxChars = Math.min(limits.maxChars, state.maxTextChars);
  return fitList<unknown>(
    list,
    limits.maxEntries,
    (entry) => (typeof entry === 'string' ? fitText(entry, maxChars, state) : entry),
    (removed) => markerText(removed, 'entries'),
    state,
  );
}

function fitRequest(request: unknown, state: FitState): unknown {
  if (request === null || typeof request !== 'object' || Array.isArray(request))
    return fitFree(request, state, 1);
  const { stopSequences, ...rest } = request as Record<string, unknown>;
  const out = fitFields(rest, REQUEST_FIELD_LIMITS, state, 2);
  if (stopSequences !== undefined)
    out.stopSequences = fitTexts(stopSequences, STOP_SEQUENCES, state);
  return out;
}

function fitTool(tool: unknown, state: FitState): unknown {
  if (tool === null || typeof tool !== 'object' || Array.isArray(tool))
    return fitFree(tool, state, 1);
  return fitFields(tool as Record<string, unknown>, TOOL_FIELD_LIMITS, state, 2);
}

function fitParts(parts: unknown, state: FitState): unknown {
  if (!Array.isArray(parts)) return fitFree(parts, state, 3);
  return fitList<Part>(
    parts as Part[],
    Math.min(WIRE_LIMITS.maxPartsPerMessage, state.maxEntries),
    (part) => fitPart(part, state),
    (removed) => ({ type: 'text', content: markerText(removed, 'parts') }),
    state,
  );
}

function fitMessage(message: Message, state: FitState): Message {
  if (message === null || typeof message !== 'object') return message;
  const out: Record<string, unknown> = {};
  for (const key in message) {
    const value = message[key];
    if (key === 'parts') out.parts = fitParts(value, state);
    else if (typeof value === 'string') {
      const limit = limitOf(MESSAGE_FIELD_LIMITS, key) ?? WIRE_LIMITS.maxNameChars;
      out[key] = fitText(value, limit, state);
    } else out[key] = fitFree(value, state, 3);
  }
  return out as Message;
}

function fitMessages(messages: unknown, state: FitState): unknown {
  if (!Array.isArray(messages)) return fitFree(messages, state, 1);
  return fitList<Message>(
    messages as Message[],
    Math.min(WIRE_LIMITS.maxMessages, state.maxEntries),
    (message) => fitMessage(message, state),
    (removed) => ({
      role: 'system',
      parts: [{ type: 'text', content: markerText(removed, 'messages') }],
    }),
    state,
  );
}

/** The contract allows strings, finite numbers and booleans; anything else travels as JSON. */
function fitMetadataValue(value: unknown, state: FitState): unknown {
  if (typeof value === 'string') return fitText(value, WIRE_LIMITS.maxMetadataValueChars, state);
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
    return value;
  const json =
    typeof value === 'number' ? String(value) : (JSON.stringify(fitFree(value, state, 2)) ?? '');
  return fitText(json, WIRE_LIMITS.maxMetadataValueChars, state);
}

function fitMetadata(metadata: unknown, state: FitState): unknown {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
    return fitFree(metadata, state, 1);
  return fitEntries(
    metadata,
    WIRE_LIMITS.maxMetadataEntries,
    (value) => fitMetadataValue(value, state),
    'metadata entries',
    state,
  );
}

function fitPrompt(prompt: unknown, state: FitState): unknown {
  if (prompt === null || typeof prompt !== 'object') return fitFree(prompt, state, 1);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(prompt)) {
    if (key === 'name' && typeof value === 'string')
      out.name = fitText(value, WIRE_LIMITS.maxNameChars, state);
    else if (key === 'version' && typeof value === 'string')
      out.version = fitText(value, 64, state);
    else if (key === 'variables' && value !== null && typeof value === 'object') {
      const variables = fitFree(value, state, 2) as Record<string, unknown>;
      for (const name in variables) {
        const variable = variables[name];
        if (typeof variable !== 'string')
          variables[name] = JSON.stringify(variable) ?? String(variable);
      }
      out.variables = variables;
    } else out[key] = fitFree(value, state, 2);
  }
  return out;
}

/** The smallest limit any field has: a string this short fits anywhere. */
const SAFE_CHARS = 64;

/** Strings ≤ SAFE_CHARS, lists and maps ≤ SAFE_CHARS entries, shallow: fits every limit. */
function isSmall(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.length <= SAFE_CHARS;
  if (value === null || typeof value !== 'object') return true;
  if (depth > 4) return false;
  let entries = 0;
  for (const key in value) {
    entries += 1;
    if (entries > SAFE_CHARS || key.length > SAFE_CHARS) return false;
    if (!isSmall((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

function partsFit(parts: unknown, maxTextChars: number): boolean {
  if (!Array.isArray(parts) || parts.length > WIRE_LIMITS.maxPartsPerMessage) return false;
  for (const part of parts as Array<Record<string, unknown>>) {
    for (const key in part) {
      const value = part[key];
      if (key === 'content' && typeof value === 'string') {
        if (value.length > maxTextChars) return false;
      } else if (!isSmall(value, 1)) return false;
    }
  }
  return true;
}

function metadataFits(metadata: unknown): boolean {
  if (!isSmall(metadata)) return false;
  for (const key in metadata as Record<string, unknown>) {
    const value = (metadata as Record<string, unknown>)[key];
    if (
      typeof value !== 'string' &&
      typeof value !== 'boolean' &&
      !(typeof value === 'number' && Number.isFinite(value))
    )
      return false;
  }
  return true;
}

/**
 * A cheap scan that allocates nothing: true when the item certainly fits as it is (the common
 * case), so the copying fit below runs only for items that may need it.
 */
function fitsAsIs(item: ItemInput, maxTextChars: number): boolean {
  for (const key in item) {
    const value = (item as Record<string, unknown>)[key];
    if (key === 'inputMessages' || key === 'outputMessages') {
      if (!Array.isArray(value) || value.length > WIRE_LIMITS.maxMessages) return false;
      for (const message of value as Array<Record<string, unknown>>) {
        for (const field in message) {
          const entry = message[field];
          if (field === 'parts' ? !partsFit(entry, maxTextChars) : !isSmall(entry, 1)) return false;
        }
      }
    } else if (key === 'systemInstructions') {
      if (!partsFit(value, maxTextChars)) return false;
    } else if (key === 'metadata') {
      if (!metadataFits(value)) return false;
    } else if (!isSmall(value)) return false;
  }
  return true;
}

export function truncateItem(
  item: ItemInput,
  limits: Partial<FitLimits> = {},
): { item: ItemInput; truncated: boolean } {
  const state: FitState = { ...DEFAULT_FIT_LIMITS, ...limits, truncated: false };
  if (fitsAsIs(item, state.maxTextChars)) return { item, truncated: false };
  const isScore = item.type === 'score';
  const fitted: Record<string, unknown> = {};
  for (const key in item) {
    const value = (item as Record<string, unknown>)[key];
    if (key === 'inputMessages' || key === 'outputMessages')
      fitted[key] = fitMessages(value, state);
    else if (key === 'systemInstructions') fitted[key] = fitParts(value, state);
    else if (key === 'metadata') fitted[key] = fitMetadata(value, state);
    else if (key === 'prompt') fitted[key] = fitPrompt(value, state);
    else if (key === 'request') fitted[key] = fitRequest(value, state);
    else if (key === 'tool') fitted[key] = fitTool(value, state);
    else if (key === 'finishReasons') fitted[key] = fitTexts(value, FINISH_REASONS, state);
    else if (key === 'tags' && Array.isArray(value))
      fitted[key] = fitList<unknown>(
        value,
        WIRE_LIMITS.maxTags,
        (tag) => (typeof tag === 'string' ? fitText(tag, WIRE_LIMITS.maxTagChars, state) : tag),
        (removed) => markerText(removed, 'tags'),
        state,
      );
    else if (typeof value === 'string') {
      const limit = isScore && key === 'value' ? 1_000 : (limitOf(FIELD_LIMITS, key) ?? Infinity);
      fitted[key] = fitText(value, Math.min(limit, state.maxTextChars), state);
    } else fitted[key] = fitFree(value, state, 1);
  }
  if (state.truncated && fitted.type === 'span') fitted.truncated = true;
  return { item: fitted as ItemInput, truncated: state.truncated };
}

/**
 * What is left of an item when even the smallest limits do not make it fit a record: its ids,
 * names, times, status and usage, with each content field replaced by a marker.
 */
function skeletonOf(item: ItemInput): ItemInput {
  const skeleton: Record<string, unknown> = { ...item };
  const marker = (what: string) => `…[sightline: ${what} truncated: the item was too large]`;
  for (const field of ['inputMessages', 'outputMessages'] as const) {
    if (field in skeleton)
      skeleton[field] = [
        { role: 'system', parts: [{ type: 'text', content: marker('messages') }] },
      ];
  }
  if ('systemInstructions' in skeleton)
    skeleton.systemInstructions = [{ type: 'text', content: marker('instructions') }];
  if ('metadata' in skeleton) skeleton.metadata = { 'sightline.truncated': marker('metadata') };
  const prompt = skeleton.prompt as { variables?: unknown } | undefined;
  if (prompt && typeof prompt === 'object' && 'variables' in prompt) {
    const { variables: _variables, ...rest } = prompt;
    skeleton.prompt = rest;
  }
  if (skeleton.type === 'span') skeleton.truncated = true;
  return skeleton as ItemInput;
}

/**
 * Fits `item` until `accepts` takes it: first to the contract's limits, then with every limit
 * halved each time, and last as its skeleton. `accepts` encodes a candidate and says whether it
 * is small enough (a JSON text for a record, a frame for the buffer). Returns whether anything
 * was cut; throws only if even the skeleton is refused.
 */
export function fitItemWithin(
  item: ItemInput,
  accepts: (candidate: ItemInput) => boolean,
): boolean {
  let limits = DEFAULT_FIT_LIMITS;
  for (;;) {
    const { item: candidate, truncated } = truncateItem(item, limits);
    if (accepts(candidate)) return truncated;
    if (limits.maxTextChars <= SAFE_CHARS) break;
    limits = {
      maxTextChars: Math.max(SAFE_CHARS, Math.floor(limits.maxTextChars / 2)),
      maxEntries: Math.max(8, Math.floor(limits.maxEntries / 2)),
      maxDepth: Math.max(4, Math.floor(limits.maxDepth / 2)),
    };
  }
  const { item: skeleton } = truncateItem(skeletonOf(item), limits);
  if (accepts(skeleton)) return true;
  throw new Error('Sightline: an item did not fit a record even with its content cut');
}

// ---- values the contract refuses ------------------------------------------------------------

/** What a span, a score, a tool or a tool call is named when the caller gave no usable name. */
export const PLACEHOLDER_NAME = '(unnamed)';

/** An item the contract accepts, or why it cannot be sent. */
export type ConformedItem =
  { item: ItemInput; refused?: undefined } | { item?: undefined; refused: string };

type Fields = Record<string, unknown>;
/** The value itself when the contract takes it, a stand-in, or undefined to leave it out. */
export type Conform = (value: unknown) => unknown;
/** A field's rule; a required field is conformed even when it is missing. */
export type FieldRule = readonly [key: string, conform: Conform, required?: boolean];

const MAX_TOKEN_COUNT = 1e12;
const SPAN_KINDS: ReadonlySet<unknown> = new Set(SpanKindSchema.options);
const STATUS_CODES: ReadonlySet<unknown> = new Set(SpanStatusCodeSchema.options);
const MESSAGE_ROLES: ReadonlySet<unknown> = new Set(MessageRoleSchema.options);
/** Roles of other conventions (OpenAI, LangChain, Gemini), by the contract's role they mean. */
const ROLE_SYNONYMS: ReadonlyMap<unknown, string> = new Map([
  ['developer', 'system'],
  ['human', 'user'],
  ['ai', 'assistant'],
  ['model', 'assistant'],
  ['function', 'tool'],
]);

const isFields = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Text as it is; a number, boolean or BigInt as its text; anything else left out. */
const asText: Conform = (value) => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return undefined;
};
/** Identifiers (user, session, tool call ids) and tags must not be empty. */
const asIdentifier: Conform = (value) => asText(value) || undefined;
const asName: Conform = (value) => asText(value) || PLACEHOLDER_NAME;
/** Free text: what is not a string travels as its JSON (never throws, see `toPlainData`). */
const asContent: Conform = (value) => {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return undefined;
  const plain = toPlainData(value, { markFunctions: true });
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
};
const asFinite: Conform = (value) =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const asInteger: Conform = (value) => (Number.isSafeInteger(value) ? value : undefined);
const asCount: Conform = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? value : undefined;
const asTokenCount: Conform = (value) =>
  asCount(value) !== undefined && (value as number) <= MAX_TOKEN_COUNT ? value : undefined;
const asBoolean: Conform = (value) => (typeof value === 'boolean' ? value : undefined);
const oneOf =
  (allowed: ReadonlySet<unknown>): Conform =>
  (value) =>
    allowed.has(value) ? value : undefined;

/** A field's value; one whose getter throws reads as a marker saying so. */
function readField(object: Fields, key: string): unknown {
  try {
    return object[key];
  } catch (error) {
    return unreadableMarker(error);
  }
}

/** An own copy of an object's readable fields (a throwing getter is left out). */
function copyFields(object: Fields): Fields {
  const copy: Fields = {};
  try {
    for (const key of Object.keys(object)) {
      try {
        copy[key] = object[key];
      } catch {
        // Unreadable: left out, as JSON would leave out what it cannot write.
      }
    }
  } catch {
    // Not even its keys can be read.
  }
  return copy;
}

/** `object` with each ruled field conformed; copied only if one changes, other keys kept. */
function conformFields(object: Fields, rules: readonly FieldRule[]): Fields {
  let out = object;
  for (const [key, conform, required = false] of rules) {
    let conformed: unknown;
    try {
      if (!required && !(key in object)) continue;
      const value = object[key];
      conformed = conform(value);
      if (conformed === value) continue;
    } catch {
      // A value that cannot be read or conformed (a hostile getter or proxy) is not sent.
      conformed = required ? conform(undefined) : undefined;
    }
    if (out === object) out = copyFields(object);
    if (conformed === undefined) delete out[key];
    else out[key] = conformed;
  }
  return out;
}

/**
 * A list with each entry conformed (entries conformed to undefined left out), copied only if
 * one changes; a single value stands for a list of it.
 */
function conformList(value: unknown, conformEntry: Conform): unknown[] | undefined {
  if (!Array.isArray(value)) {
    const entry = value === null || value === undefined ? undefined : conformEntry(value);
    return entry === undefined ? undefined : [entry];
  }
  let out: unknown[] | undefined;
  for (let index = 0; index < value.length; index += 1) {
    const entry: unknown = value[index];
    const conformed = conformEntry(entry);
    if (out === undefined) {
      if (conformed === entry) continue;
      out = value.slice(0, index);
    }
    if (conformed !== undefined) out.push(conformed);
  }
  return out ?? value;
}

/** A record's values conformed (undefined left out) and its keys renamed by `renameKey`. */
function conformEntries(
  record: Fields,
  conformValue: Conform,
  renameKey: (key: string) => string = (key) => key,
): Fields {
  const keys = Object.keys(record);
  const values = keys.map((key) => readField(record, key));
  let out: Fields | undefined;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const value = values[index];
    const conformed = conformValue(value);
    const renamed = renameKey(key);
    if (out === undefined) {
      if (conformed === value && renamed === key) continue;
      out = {};
      for (let earlier = 0; earlier < index; earlier += 1) out[keys[earlier]!] = values[earlier];
    }
    if (conformed !== undefined) out[renamed] = conformed;
  }
  return out ?? record;
}

/**
 * Metadata values are strings, finite numbers and booleans: a null entry is left out, a number
 * that is not finite travels as its text. Objects, BigInts and functions are left to the
 * exporter, which writes them as JSON text or leaves them out (see `fitMetadataValue`).
 */
const conformMetadataValue: Conform = (value) => {
  if (value === null) return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
};
const metadataKey = (key: string) => key || PLACEHOLDER_NAME;
/** Prompt variables are text: other values travel as their JSON, null ones are left out. */
const conformVariable: Conform = (value) => (value === undefined ? value : asContent(value));

function unknownPartMarker(type: unknown): string {
  const named = typeof type === 'string' ? type.slice(0, 64) : typeof type;
  return `…[sightline: a message part of type "${named}" left out]`;
}

const TEXT_PART_RULES: readonly FieldRule[] = [
  ['content', (value) => asContent(value) ?? '', true],
];
const TOOL_CALL_RULES: readonly FieldRule[] = [
  ['name', asName, true],
  ['id', asIdentifier],
];
/** A response is required: JSON would leave out an undefined one, so it travels as null. */
const TOOL_RESULT_RULES: readonly FieldRule[] = [
  ['id', asIdentifier],
  ['response', (value) => (value === undefined ? null : value), true],
];
const MEDIA_RULES: readonly FieldRule[] = [
  ['mimeType', asText],
  ['uri', asText],
  ['bytes', asCount],
];

/**
 * Text becomes a text part, and so does a part without a type that has text content; a text
 * part's text may be in `text` (OpenAI's shape); a part of a type the contract does not know
 * (its content perhaps binary) is replaced by a marker.
 */
const conformPart: Conform = (part) => {
  if (typeof part === 'string') return { type: 'text', content: part };
  if (!isFields(part)) return undefined;
  switch (part.type) {
    case 'text':
    case 'reasoning':
      if (!('content' in part) && typeof part.text === 'string')
        return { type: part.type, content: part.text };
      return conformFields(part, TEXT_PART_RULES);
    case 'tool_call':
      return conformFields(part, TOOL_CALL_RULES);
    case 'tool_call_response':
      return conformFields(part, TOOL_RESULT_RULES);
    case 'media':
      return conformFields(part, MEDIA_RULES);
    default:
      if (part.type === undefined && typeof part.content === 'string')
        return { type: 'text', content: part.content };
      return { type: 'text', content: unknownPartMarker(part.type) };
  }
};

/**
 * A message: a role the contract does not know becomes its synonym or, failing that, the
 * side's own (`user` for input, `assistant` for output); parts missing are read from `content`
 * (OpenAI's shape); text becomes a message of one text part.
 */
function messageRules(sideRole: string): readonly FieldRule[] {
  return [
    [
      'role',
      (role) => (MESSAGE_ROLES.has(role) ? role : (ROLE_SYNONYMS.get(role) ?? sideRole)),
      true,
    ],
    ['name', asText],
    ['finishReason', asText],
  ];
}
const INPUT_MESSAGE_RULES = messageRules('user');
const OUTPUT_MESSAGE_RULES = messageRules('assistant');
function messageConformer(sideRole: string, rules: readonly FieldRule[]): Conform {
  return (message) => {
    if (typeof message === 'string') return { role: sideRole, parts: [conformPart(message)] };
    if (!isFields(message)) return undefined;
    let out = conformFields(message, rules);
    const fromContent = !('parts' in message) && 'content' in message;
    const parts = fromContent ? message.content : message.parts;
    const conformed = conformList(parts, conformPart) ?? [];
    if (conformed !== parts || fromContent) {
      if (out === message) out = copyFields(message);
      out.parts = conformed;
      if (fromContent) delete out.content;
    }
    return out;
  };
}
const conformInputMessage = messageConformer('user', INPUT_MESSAGE_RULES);
const conformOutputMessage = messageConformer('assistant', OUTPUT_MESSAGE_RULES);

const STATUS_RULES: readonly FieldRule[] = [
  ['code', (code) => (STATUS_CODES.has(code) ? code : 'unset'), true],
  ['message', asContent],
];
const conformStatus: Conform = (status) => {
  if (typeof status === 'string') return STATUS_CODES.has(status) ? { code: status } : undefined;
  return isFields(status) ? conformFields(status, STATUS_RULES) : undefined;
};

/** The conform of each entry of a list field (see `conformList`), by the field. */
const LIST_ENTRY_RULES = {
  finishReasons: asText,
  tags: asIdentifier,
  stopSequences: asText,
} as const;

const REQUEST_RULES: readonly FieldRule[] = [
  ['temperature', asFinite],
  ['topP', asFinite],
  ['topK', asFinite],
  ['maxTokens', asTokenCount],
  ['frequencyPenalty', asFinite],
  ['presencePenalty', asFinite],
  ['stopSequences', (value) => conformList(value, LIST_ENTRY_RULES.stopSequences)],
  ['seed', asInteger],
  [
    'choiceCount',
    (value) => (asInteger(value) !== undefined && (value as number) > 0 ? value : undefined),
  ],
  ['outputType', asText],
  ['stream', asBoolean],
];
const USAGE_RULES: readonly FieldRule[] = [
  ['inputTokens', asTokenCount],
  ['outputTokens', asTokenCount],
  ['cachedInputTokens', asTokenCount],
  ['reasoningTokens', asTokenCount],
];
const TOOL_RULES: readonly FieldRule[] = [
  ['name', asName, true],
  ['callId', asIdentifier],
  ['type', asText],
];
const conformTool: Conform = (tool) => {
  if (typeof tool === 'string') return { name: asName(tool) };
  return isFields(tool) ? conformFields(tool, TOOL_RULES) : undefined;
};

/** A prompt version is text or a whole number from 0; another number travels as its text. */
const asVersion: Conform = (version) => {
  if (typeof version === 'number')
    return Number.isSafeInteger(version) && version >= 0 ? version : asIdentifier(version);
  return typeof version === 'string' ? version || undefined : undefined;
};
const PROMPT_RULES: readonly FieldRule[] = [
  ['variables', (value) => (isFields(value) ? conformEntries(value, conformVariable) : undefined)],
];
/** A prompt reference without a name or a version refers to nothing: it is left out. */
const conformPrompt: Conform = (prompt) => {
  if (!isFields(prompt)) return undefined;
  const name = asIdentifier(prompt.name);
  const version = asVersion(prompt.version);
  if (name === undefined || version === undefined) return undefined;
  const out = conformFields(prompt, PROMPT_RULES);
  if (name === prompt.name && version === prompt.version) return out;
  return { ...(out === prompt ? copyFields(prompt) : out), name, version };
};

/** Span fields of free-form text (an empty one is allowed). */
const TEXT_FIELDS = [
  'errorType',
  'operationName',
  'provider',
  'requestModel',
  'responseModel',
  'responseId',
  'serverAddress',
  'environment',
  'release',
];
const SPAN_RULES: readonly FieldRule[] = [
  ['name', asName, true],
  ['parentSpanId', (value) => (isSpanId(value) ? value : undefined)],
  ['kind', oneOf(SPAN_KINDS)],
  ['status', conformStatus],
  ...TEXT_FIELDS.map((key): FieldRule => [key, asText]),
  ['userId', asIdentifier],
  ['sessionId', asIdentifier],
  ['request', (value) => (isFields(value) ? conformFields(value, REQUEST_RULES) : undefined)],
  ['usage', (value) => (isFields(value) ? conformFields(value, USAGE_RULES) : undefined)],
  ['finishReasons', (value) => conformList(value, LIST_ENTRY_RULES.finishReasons)],
  [
    'timeToFirstTokenMs',
    (value) => (asFinite(value) !== undefined && (value as number) >= 0 ? value : undefined),
  ],
  ['systemInstructions', (value) => conformList(value, conformPart)],
  ['inputMessages', (value) => conformList(value, conformInputMessage)],
  ['outputMessages', (value) => conformList(value, conformOutputMessage)],
  ['tool', conformTool],
  ['prompt', conformPrompt],
  ['tags', (value) => conformList(value, LIST_ENTRY_RULES.tags)],
  [
    'metadata',
    (value) =>
      isFields(value) ? conformEntries(value, conformMetadataValue, metadataKey) : undefined,
  ],
  ['truncated', asBoolean],
];
/**
 * The rules `conformSpan` applies, for the frame writer's one-pass path
 * (`ItemFrameWriter.writeSpan`): it writes a span these rules accept exactly as it is without
 * conforming it first, and leaves any other span to `conformItem`. A span's lists and records
 * follow `conformList` and `conformEntries`; its messages, `messageConformer`; its parts,
 * `conformPart` (text and reasoning parts).
 */
export const SPAN_CONFORM_RULES = {
  span: SPAN_RULES,
  status: STATUS_RULES,
  usage: USAGE_RULES,
  request: REQUEST_RULES,
  inputMessage: INPUT_MESSAGE_RULES,
  outputMessage: OUTPUT_MESSAGE_RULES,
  textPart: TEXT_PART_RULES,
  /** List entries, by the list's field. */
  listEntry: LIST_ENTRY_RULES as Readonly<Record<string, Conform>>,
  metadataValue: conformMetadataValue,
  metadataKey,
} as const;

const SCORE_RULES: readonly FieldRule[] = [
  ['name', asName, true],
  ['comment', asContent],
  ['userId', asIdentifier],
];

const refuse = (reason: string): ConformedItem => ({ refused: reason });

/** How a refused value is named in the reason: its kind, never its content. */
function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function conformSpan(span: Fields): ConformedItem {
  if (!isTraceId(span.traceId))
    return refuse('a span needs a trace id of 32 lower-case hex characters, not all zeros');
  if (!isSpanId(span.spanId))
    return refuse('a span needs a span id of 16 lower-case hex characters, not all zeros');
  if (!isEpochMillis(span.startTime) || !isEpochMillis(span.endTime))
    return refuse('a span needs start and end times in epoch milliseconds (2000 to 2100)');
  let out = conformFields(span, SPAN_RULES);
  if (span.endTime < span.startTime) {
    if (out === span) out = copyFields(span);
    out.endTime = span.startTime;
  }
  return { item: out as ItemInput };
}

function conformScore(score: Fields): ConformedItem {
  if (!isTraceId(score.traceId))
    return refuse('a score needs the id of the trace it scores: 32 lower-case hex characters');
  if (score.spanId !== undefined && !isSpanId(score.spanId))
    return refuse('a score’s span id must be 16 lower-case hex characters, not all zeros');
  if (typeof score.scoreId !== 'string' || score.scoreId === '')
    return refuse('a score needs a score id');
  if (!isEpochMillis(score.timestamp))
    return refuse('a score needs a timestamp in epoch milliseconds (2000 to 2100)');
  const value = score.value;
  const isValue =
    typeof value === 'string' || typeof value === 'boolean' || asFinite(value) !== undefined;
  if (!isValue)
    return refuse(
      `a score value must be a finite number, a string or a boolean, not ${describeValue(value)}`,
    );
  return { item: conformFields(score, SCORE_RULES) as ItemInput };
}

/**
 * Makes `item` one the contract accepts, or says why it cannot be sent. Never throws and never
 * modifies `item` or anything in it; returns `item` itself when it is accepted as it is.
 */
export function conformItem(item: ItemInput): ConformedItem {
  try {
    const fields = item as unknown;
    if (!isFields(fields)) return refuse('an item must be an object');
    if (fields.type === 'span') return conformSpan(fields);
    if (fields.type === 'score') return conformScore(fields);
    return refuse(`an item’s type must be "span" or "score", not ${describeValue(fields.type)}`);
  } catch (error) {
    return refuse(`an item could not be read (${unreadableMarker(error)})`);
  }
}

/**
 * Fits an item to the wire contract's limits before it is sent: every string, list and map
 * that is too long is cut, with a visible marker, and the span is flagged `truncated`. Values of
 * any shape are cut, tool arguments and results and metadata included, and an item too large
 * for a record even so keeps its identity and timing with its content replaced by markers:
 * nothing is dropped for its size. An item that fits is returned unchanged.
 */
import { WIRE_LIMITS, truncationMarker, type ItemInput } from './contract/index.ts';

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
const MAX_KEY_CHARS = 256;

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

function fitPart(part: Part, state: FitState): Part {
  if (part === null || typeof part !== 'object') return part;
  const out: Part = {};
  for (const key in part) {
    const value = part[key];
    if (typeof value === 'string')
      out[key] = fitText(value, PART_FIELD_LIMITS[key] ?? state.maxTextChars, state);
    else out[key] = fitFree(value, state, 4);
  }
  return out;
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
    else if (typeof value === 'string') out[key] = fitText(value, WIRE_LIMITS.maxNameChars, state);
    else out[key] = fitFree(value, state, 3);
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
    else if (key === 'tags' && Array.isArray(value))
      fitted[key] = fitList<unknown>(
        value,
        WIRE_LIMITS.maxTags,
        (tag) => (typeof tag === 'string' ? fitText(tag, WIRE_LIMITS.maxTagChars, state) : tag),
        (removed) => markerText(removed, 'tags'),
        state,
      );
    else if (typeof value === 'string') {
      const limit = isScore && key === 'value' ? 1_000 : (FIELD_LIMITS[key] ?? Infinity);
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

/**
 * Fits an item to the wire contract's limits before it is sent: every string, list and map
 * that is too long is cut, with a visible marker, and the span is flagged `truncated`. Nothing
 * is silently dropped, and an item that fits is returned unchanged.
 */
import { WIRE_LIMITS, truncationMarker, type ItemInput } from './contract/index.ts';

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Cuts `value` to at most `maxChars` UTF-16 units, marker included, never inside a character. */
export function truncateText(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  const marker = truncationMarker(value.length - maxChars);
  let end = Math.max(0, maxChars - marker.length);
  if (end > 0 && isHighSurrogate(value.charCodeAt(end - 1))) end -= 1;
  return value.slice(0, end) + marker;
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

interface FitState {
  truncated: boolean;
  maxTextChars: number;
}

function fitText(value: string, maxChars: number, state: FitState): string {
  if (value.length <= maxChars) return value;
  state.truncated = true;
  return truncateText(value, maxChars);
}

/** Deep: every string to the free-text limit (message contents, tool arguments, …). */
function fitDeep(value: unknown, state: FitState, depth = 0): unknown {
  if (typeof value === 'string') return fitText(value, state.maxTextChars, state);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((entry) => fitDeep(entry, state, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) out[key] = fitDeep(entry, state, depth + 1);
  return out;
}

/** Keeps the first `max - 1` entries and a marker entry saying how many were cut. */
function fitList<T>(
  list: readonly T[],
  max: number,
  marker: (removed: number) => T,
  state: FitState,
): T[] {
  if (list.length <= max) return [...list];
  state.truncated = true;
  return [...list.slice(0, max - 1), marker(list.length - (max - 1))];
}

const markerText = (removed: number, what: string) =>
  `…[sightline: ${removed} more ${what} truncated]`;

type Message = { role: string; parts: unknown[]; [key: string]: unknown };

function fitMessages(messages: readonly Message[], state: FitState): Message[] {
  return fitList(
    messages.map((message) => ({
      ...message,
      parts: fitList(
        message.parts,
        WIRE_LIMITS.maxPartsPerMessage,
        (removed) => ({ type: 'text', content: markerText(removed, 'parts') }),
        state,
      ),
    })),
    WIRE_LIMITS.maxMessages,
    (removed) => ({
      role: 'system',
      parts: [{ type: 'text', content: markerText(removed, 'messages') }],
    }),
    state,
  );
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
    } else if (!isSmall(value)) return false;
  }
  return true;
}

export function truncateItem(
  item: ItemInput,
  maxTextChars: number = WIRE_LIMITS.maxTextChars,
): { item: ItemInput; truncated: boolean } {
  if (fitsAsIs(item, maxTextChars)) return { item, truncated: false };
  const state: FitState = { truncated: false, maxTextChars };
  const fitted = fitDeep(item, state) as Record<string, unknown>;

  for (const [field, limit] of Object.entries(FIELD_LIMITS)) {
    const value = fitted[field];
    if (typeof value === 'string')
      fitted[field] = fitText(value, Math.min(limit, maxTextChars), state);
  }
  if (fitted.type === 'score' && typeof fitted.value === 'string') {
    fitted.value = fitText(fitted.value, 1_000, state);
  }
  if (Array.isArray(fitted.tags)) {
    fitted.tags = fitList(
      (fitted.tags as string[]).map((tag) => fitText(tag, WIRE_LIMITS.maxTagChars, state)),
      WIRE_LIMITS.maxTags,
      (removed) => markerText(removed, 'tags'),
      state,
    );
  }
  if (fitted.metadata && typeof fitted.metadata === 'object') {
    const entries = Object.entries(fitted.metadata as Record<string, unknown>).map(
      ([key, value]) =>
        [
          fitText(key, 256, state),
          typeof value === 'string'
            ? fitText(value, WIRE_LIMITS.maxMetadataValueChars, state)
            : value,
        ] as [string, unknown],
    );
    fitted.metadata = Object.fromEntries(
      fitList(
        entries,
        WIRE_LIMITS.maxMetadataEntries,
        (removed) => ['sightline.truncated', markerText(removed, 'metadata entries')],
        state,
      ),
    );
  }
  const prompt = fitted.prompt as { name?: unknown; version?: unknown } | undefined;
  if (prompt && typeof prompt === 'object') {
    if (typeof prompt.name === 'string')
      prompt.name = fitText(prompt.name, WIRE_LIMITS.maxNameChars, state);
    if (typeof prompt.version === 'string') prompt.version = fitText(prompt.version, 64, state);
  }
  for (const field of ['inputMessages', 'outputMessages'] as const) {
    if (Array.isArray(fitted[field]))
      fitted[field] = fitMessages(fitted[field] as Message[], state);
  }
  if (state.truncated && fitted.type === 'span') fitted.truncated = true;
  return { item: fitted as ItemInput, truncated: state.truncated };
}

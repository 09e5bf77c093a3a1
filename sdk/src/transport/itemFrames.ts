/**
 * The binary form in which finished items cross from the thread that records them to the thread
 * that exports them. Writing a frame costs the recording thread a fraction of `JSON.stringify`
 * (the measured hot spot): strings are copied as UTF-8 bytes without looking for characters to
 * escape, numbers as 4 or 8 bytes. The exporting thread turns frames into JSON text (escaping
 * there) or, for the few items that may exceed the wire limits, back into objects to fit.
 *
 * A batch is frames back to back: `[u32 length][u8 flags][value]`, where a value is a tag byte
 * and its payload; objects and arrays are closed by an END tag. Values outside plain JSON data
 * (class instances, dates, objects with `toJSON`) are stored as the plain data `toPlainData`
 * gives them (what `JSON.stringify` would write), and what `JSON.stringify` would throw on
 * (BigInt, cycles, throwing getters) or should not write out (binary data) as markers, so one
 * hostile value never costs the whole span.
 */
import { WIRE_LIMITS, isEpochMillis, isSpanId, isTraceId } from '../contract/index.ts';
import { CIRCULAR_MARKER, toPlainData, unreadableMarker } from '../toPlainData.ts';
import { SPAN_CONFORM_RULES, truncateText, type Conform, type FieldRule } from '../truncateItem.ts';

const TAG_NULL = 0;
const TAG_FALSE = 1;
const TAG_TRUE = 2;
const TAG_INT = 3;
const TAG_FLOAT = 4;
const TAG_STRING = 5;
const TAG_OBJECT = 6;
const TAG_ARRAY = 7;
const TAG_END = 8;
// Tag 9 held raw JSON text, which is no longer written.
/** An ASCII string of at most 255 characters with nothing to escape in JSON: u8 length. */
const TAG_SHORT_STRING = 10;
/** An object key from the writer's key table: u16 index. */
const TAG_KEY = 11;
/** Distinct keys the table holds; keys beyond are written out in full. */
const MAX_KEYS = 4_096;

/** Flag: the item may exceed a wire limit, so the exporter fits it (see `truncateItem`). */
export const FRAME_MAY_NEED_FITTING = 1;
/**
 * Flag: a value was cut on the way in (a string longer than any field keeps), so the span goes
 * out flagged `truncated` and is counted as truncated.
 */
export const FRAME_TRUNCATED = 2;
const FRAME_HEADER_BYTES = 5;

/**
 * Anything longer than this may be over a field limit (the smallest is 64 entries or
 * characters); a message part's `content` may be up to the free-text limit.
 */
const SMALL = 64;
const MAX_DEPTH = 64;
const MESSAGE_FIELDS = new Set(['inputMessages', 'outputMessages', 'systemInstructions']);
/** Where a value sits, for the checks that depend on it. */
const IN_ITEM = 0;
const IN_MESSAGES = 1;
const IN_CONTENT = 2;
const IN_METADATA = 3;
const INITIAL_BYTES = 256 * 1_024;
/**
 * Exported batches' memory kept for reuse. A batch's memory comes back once its records were
 * put (until then a failed export worker's batches are exported again from it), and a busy
 * service hands over several batches before a request goes (one per ~192 KiB of frames). A new
 * 256 KiB shared buffer costs 70–130 µs to allocate and fault in, which lands on one call: 8 are
 * kept, at most 1 MiB each (one that grew larger for a huge item is let go).
 */
const MAX_SPARES = 8;
const MAX_SPARE_BYTES = 1_048_576;

/** Frames handed over together, oldest first, with the key table they refer to. */
export interface FrameBatch {
  frames: Uint8Array;
  count: number;
  /**
   * The key table from its entry `keysFrom` (default 0) on. A table only grows, so a reader
   * that already knows the entries before `keysFrom` is sent only the rest (see `FrameKeys`).
   */
  keys: readonly string[];
  keysFrom?: number;
}

const sharedBuffer = (bytes: number): Buffer => Buffer.from(new SharedArrayBuffer(bytes));

/**
 * An array or an object of plain data, written as it is; anything else (class instances,
 * binary data, objects with `toJSON`, proxies that throw) goes through `toPlainData` first.
 */
const isPlainData = (value: object): boolean => {
  try {
    if (Array.isArray(value)) return true;
    const prototype = Object.getPrototypeOf(value) as unknown;
    return (
      (prototype === Object.prototype || prototype === null) &&
      typeof (value as { toJSON?: unknown }).toJSON !== 'function'
    );
  } catch {
    return false;
  }
};
const DEEPER_MARKER = '…[sightline: deeper values truncated]';

/** A plain object (not an array): what the one-pass span path walks itself. */
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && isPlainData(value);

/** A set of `conformFields` rules, by key, and how many of them are required. */
interface RuleSet {
  rules: ReadonlyMap<string, { conform: Conform; required: boolean }>;
  required: number;
}
const ruleSet = (rules: readonly FieldRule[]): RuleSet => ({
  rules: new Map(rules.map(([key, conform, required = false]) => [key, { conform, required }])),
  required: rules.filter(([, , required]) => required === true).length,
});
const SPAN_SET = ruleSet(SPAN_CONFORM_RULES.span);
const RECORD_SETS: Readonly<Record<string, RuleSet>> = {
  status: ruleSet(SPAN_CONFORM_RULES.status),
  usage: ruleSet(SPAN_CONFORM_RULES.usage),
  request: ruleSet(SPAN_CONFORM_RULES.request),
};
/**
 * A message's parts are written as parts (`#parts`); a message without them gets `[]` from
 * `messageConformer`, so here they are required.
 */
const PARTS: Conform = () => [];
const MESSAGE_PARTS: FieldRule = ['parts', PARTS, true];
const INPUT_MESSAGE_SET = ruleSet([...SPAN_CONFORM_RULES.inputMessage, MESSAGE_PARTS]);
const OUTPUT_MESSAGE_SET = ruleSet([...SPAN_CONFORM_RULES.outputMessage, MESSAGE_PARTS]);
const PART_CONTENT = ruleSet(SPAN_CONFORM_RULES.textPart).rules.get('content')!.conform;
const {
  listEntry: LIST_ENTRY,
  metadataValue: METADATA_VALUE,
  metadataKey: METADATA_KEY,
} = SPAN_CONFORM_RULES;
/** Values the one-pass path writes as they are: what is not one (an object…) takes the general path. */
const isPrimitive = (value: unknown): boolean =>
  typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol';

/**
 * Appends items as frames to one growing buffer. Frames can be taken off the front (the oldest
 * items, for a drop-oldest buffer) or the last one taken back (drop-newest), and the remaining
 * run copied out as a batch.
 */
export class ItemFrameWriter {
  #buffer = sharedBuffer(INITIAL_BYTES);
  #spares: Buffer[] = [];
  /**
   * Object keys repeat in every item: each is written once into this table and then as a
   * 3-byte reference, cheaper to write and to turn into JSON than the key itself.
   */
  readonly #keyIndex = new Map<string, number>();
  readonly #keys: string[] = [];
  #position = 0;
  /** The arrays and objects being written, outermost first: one met again is a cycle. */
  readonly #ancestors: object[] = [];
  #mayNeedFitting = false;
  #truncated = false;
  /** Start offset of every frame not yet taken, oldest first, from `#head`. */
  #starts: number[] = [];
  #head = 0;

  /** Frames held. */
  get count(): number {
    return this.#starts.length - this.#head;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.count === 0 ? 0 : this.#position - this.#starts[this.#head]!;
  }

  /**
   * Writes `item` as a frame and returns its size in bytes; `truncated` says it was cut before.
   * A string longer than any field keeps is cut here already, so a huge value costs no more
   * than the most of it that can be sent. What JSON cannot hold or what cannot be read (BigInt,
   * binary data, cycles, throwing getters) is written as a marker in its place (`toPlainData`).
   */
  write(item: object, truncated = false): number {
    const start = this.#position;
    try {
      this.#startFrame(truncated);
      this.#value(item, 0, IN_ITEM);
    } catch (error) {
      this.#position = start;
      throw error;
    }
    return this.#endFrame(start);
  }

  /**
   * Writes a span exactly as `write(conformItem(span).item)` would, in one pass, when
   * `conformItem` would take the span as it is: the usual case, since the SDK builds its spans
   * to the contract. Like the general path's writing and like JSON, it reads enumerable fields
   * only (conformItem would also convert and keep a field that is not enumerable and holds a
   * value to conform; here such a field is left out, and the span meets the contract either
   * way). Each value is checked with the rule `conformItem` applies to it
   * (`SPAN_CONFORM_RULES`) as it is written, which saves conforming first, a second walk of the
   * span (the SDK benchmark's span: 3.7 µs to conform and write, 2.6 µs in one pass). Returns
   * the frame's size, or -1, with nothing written, when the span needs the general path: a value
   * to conform, a tool or prompt reference, a message part other than text, metadata other than
   * strings, numbers and booleans, a value that throws while read.
   */
  writeSpan(span: unknown): number {
    const start = this.#position;
    const keys = this.#keys.length;
    try {
      this.#startFrame(false);
      if (this.#conformingSpan(span)) return this.#endFrame(start);
    } catch {
      // Unreadable values: the general path writes their markers and reports them.
    }
    this.#position = start;
    // Keys met before the span was left are not kept: the general path may never write them.
    for (const key of this.#keys.splice(keys)) this.#keyIndex.delete(key);
    return -1;
  }

  #startFrame(truncated: boolean): void {
    this.#mayNeedFitting = false;
    this.#truncated = truncated;
    this.#ancestors.length = 0;
    this.#ensure(FRAME_HEADER_BYTES + 1);
    this.#position += FRAME_HEADER_BYTES;
  }

  #endFrame(start: number): number {
    const buffer = this.#buffer;
    writeUint32(buffer, start, this.#position - start - 4);
    buffer[start + 4] =
      (this.#mayNeedFitting ? FRAME_MAY_NEED_FITTING : 0) |
      (this.#truncated ? FRAME_TRUNCATED | FRAME_MAY_NEED_FITTING : 0);
    this.#starts.push(start);
    return this.#position - start;
  }

  /** Takes the oldest frame back; returns its size. */
  dropOldest(): number {
    if (this.count === 0) return 0;
    const start = this.#starts[this.#head]!;
    this.#head += 1;
    const next = this.count === 0 ? this.#position : this.#starts[this.#head]!;
    if (this.count === 0) this.#reset();
    return next - start;
  }

  /** Takes the newest frame back; returns its size. */
  dropNewest(): number {
    if (this.count === 0) return 0;
    const start = this.#starts.pop()!;
    const size = this.#position - start;
    this.#position = start;
    if (this.count === 0) this.#reset();
    return size;
  }

  /**
   * Hands over every frame held as one batch, without copying: the writer goes on in another
   * buffer. The batch's memory is shared (it can be posted to a worker without a copy) and
   * comes back to the writer's spares through `release`.
   */
  takeBatch(): FrameBatch {
    const count = this.count;
    const frames =
      count === 0
        ? Buffer.alloc(0)
        : this.#buffer.subarray(this.#starts[this.#head]!, this.#position);
    this.#reset();
    this.#buffer = this.#spares.pop() ?? sharedBuffer(INITIAL_BYTES);
    return { frames, count, keys: this.#keys.slice() };
  }

  /** Gives a batch's memory back once it was exported, so it is reused rather than refaulted. */
  release(batch: FrameBatch): void {
    const memory = batch.frames.buffer;
    if (
      memory instanceof SharedArrayBuffer &&
      memory.byteLength <= MAX_SPARE_BYTES &&
      this.#spares.length < MAX_SPARES
    )
      this.#spares.push(Buffer.from(memory));
  }

  #reset(): void {
    this.#starts = [];
    this.#head = 0;
    this.#position = 0;
  }

  #ensure(bytes: number): void {
    if (this.#position + bytes <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < this.#position + bytes) size *= 2;
    const grown = sharedBuffer(size);
    this.#buffer.copy(grown, 0, 0, this.#position);
    this.#buffer = grown;
  }

  #value(value: unknown, depth: number, context: number): void {
    switch (typeof value) {
      case 'string':
        if (value.length > WIRE_LIMITS.maxTextChars) {
          this.#truncated = true;
          this.#mayNeedFitting = true;
          this.#string(truncateText(value, WIRE_LIMITS.maxTextChars));
          return;
        }
        if (value.length > (context === IN_CONTENT ? WIRE_LIMITS.maxTextChars : SMALL))
          this.#mayNeedFitting = true;
        this.#string(value);
        return;
      case 'number':
        this.#number(value);
        return;
      case 'boolean':
        this.#byte(value ? TAG_TRUE : TAG_FALSE);
        return;
      case 'object':
        if (value === null) this.#byte(TAG_NULL);
        else if (!isPlainData(value)) this.#value(toPlainData(value) ?? null, depth, context);
        else this.#container(value, depth, context);
        return;
      case 'bigint':
        this.#string(`[bigint ${value.toString()}]`);
        return;
      default:
        // undefined, functions and symbols: what JSON.stringify writes for them in an array.
        this.#byte(TAG_NULL);
    }
  }

  /**
   * A plain array or object; a cycle, or one that throws while it is read (a proxy), becomes a
   * marker in its place.
   */
  #container(value: object, depth: number, context: number): void {
    if (depth >= MAX_DEPTH) {
      this.#truncated = true;
      this.#string(DEEPER_MARKER);
      return;
    }
    if (this.#ancestors.includes(value)) {
      this.#string(CIRCULAR_MARKER);
      return;
    }
    const start = this.#position;
    this.#ancestors.push(value);
    try {
      if (Array.isArray(value))
        this.#array(value, depth, context === IN_MESSAGES ? IN_MESSAGES : IN_ITEM);
      else this.#object(value as Record<string, unknown>, depth, context);
    } catch (error) {
      this.#position = start;
      this.#string(unreadableMarker(error));
    } finally {
      this.#ancestors.pop();
    }
  }

  #object(object: Record<string, unknown>, depth: number, context: number): void {
    this.#byte(TAG_OBJECT);
    let entries = 0;
    for (const key in object) {
      let entry: unknown;
      try {
        entry = object[key];
      } catch (error) {
        entry = unreadableMarker(error);
      }
      let type = typeof entry;
      if (type === 'undefined' || type === 'function' || type === 'symbol') continue;
      if (type === 'object' && entry !== null && !isPlainData(entry as object)) {
        // What toJSON returns may be left out as a whole: decide before writing the key.
        entry = toPlainData(entry);
        if (entry === undefined) continue;
        type = typeof entry;
      }
      // Metadata values must be primitives: anything else is turned into JSON by the fitting.
      if (context === IN_METADATA && type === 'object') this.#mayNeedFitting = true;
      entries += 1;
      this.#key(key);
      let child = IN_ITEM;
      if (context === IN_MESSAGES || (depth === 0 && MESSAGE_FIELDS.has(key)))
        child = key === 'content' ? IN_CONTENT : IN_MESSAGES;
      else if (depth === 0 && key === 'metadata') child = IN_METADATA;
      this.#value(entry, depth + 1, child);
    }
    this.#endObject(entries);
  }

  #array(array: readonly unknown[], depth: number, context: number): void {
    this.#startArray(array.length);
    for (let index = 0; index < array.length; index += 1)
      this.#value(array[index], depth + 1, context);
    this.#byte(TAG_END);
  }

  /** The span's frame, as `conformSpan` then `#value` would have it; false: not one to write so. */
  #conformingSpan(span: unknown): boolean {
    if (!isRecord(span)) return false;
    const { startTime, endTime } = span;
    if (
      span.type !== 'span' ||
      !isTraceId(span.traceId) ||
      !isSpanId(span.spanId) ||
      !isEpochMillis(startTime) ||
      !isEpochMillis(endTime) ||
      endTime < startTime
    )
      return false;
    this.#byte(TAG_OBJECT);
    let entries = 0;
    let required = 0;
    for (const key in span) {
      const value = span[key];
      // Left out by JSON, and kept as it is by conformFields (a required field is counted below).
      if (value === undefined) continue;
      this.#key(key);
      let written: boolean;
      switch (key) {
        case 'type':
        case 'traceId':
        case 'spanId':
        case 'startTime':
        case 'endTime':
          this.#value(value, 1, IN_ITEM);
          written = true;
          break;
        case 'inputMessages':
          written = this.#messages(value, INPUT_MESSAGE_SET);
          break;
        case 'outputMessages':
          written = this.#messages(value, OUTPUT_MESSAGE_SET);
          break;
        case 'systemInstructions':
          written = this.#parts(value, 1);
          break;
        case 'status':
        case 'usage':
        case 'request':
          written = this.#ruledRecord(value, RECORD_SETS[key]!, 1);
          break;
        case 'finishReasons':
        case 'tags':
          written = this.#ruledList(value, LIST_ENTRY[key]!, 1);
          break;
        case 'metadata':
          written = this.#metadata(value);
          break;
        default: {
          const rule = SPAN_SET.rules.get(key);
          written = rule !== undefined && this.#ruledValue(value, rule.conform, 1, IN_ITEM);
          if (rule?.required) required += 1;
        }
      }
      if (!written) return false;
      entries += 1;
    }
    if (required !== SPAN_SET.required) return false;
    this.#endObject(entries);
    return true;
  }

  /** One value under a rule, if the rule keeps it as it is (see `conformFields`). */
  #ruledValue(value: unknown, conform: Conform, depth: number, context: number): boolean {
    if (!isPrimitive(value) || conform(value) !== value) return false;
    this.#value(value, depth, context);
    return true;
  }

  /**
   * A record of ruled values: status, usage, request parameters, or a message (see
   * `messageConformer`), whose parts are written as parts.
   */
  #ruledRecord(value: unknown, rules: RuleSet, depth: number, context = IN_ITEM): boolean {
    if (!isRecord(value)) return false;
    this.#byte(TAG_OBJECT);
    let entries = 0;
    let required = 0;
    for (const key in value) {
      const entry = value[key];
      // Not a ruled field (in a message, `content` instead of parts, a field of another convention).
      const rule = rules.rules.get(key);
      if (rule === undefined) return false;
      if (entry === undefined) {
        if (rule.conform(undefined) !== undefined) return false;
        continue;
      }
      this.#key(key);
      let written: boolean;
      if (rule.conform === PARTS) written = this.#parts(entry, depth + 1);
      else if (key === 'stopSequences')
        written = this.#ruledList(entry, LIST_ENTRY.stopSequences!, depth + 1);
      else written = this.#ruledValue(entry, rule.conform, depth + 1, context);
      if (!written) return false;
      if (rule.required) required += 1;
      entries += 1;
    }
    if (required !== rules.required) return false;
    this.#endObject(entries);
    return true;
  }

  /** A list whose entries are values under one rule (see `conformList`). */
  #ruledList(value: unknown, conform: Conform, depth: number): boolean {
    if (!Array.isArray(value)) return false;
    this.#startArray(value.length);
    for (let index = 0; index < value.length; index += 1) {
      const entry: unknown = value[index];
      // An undefined entry stays as it is, and is written as null (as JSON writes it).
      if (entry === undefined) this.#byte(TAG_NULL);
      else if (!this.#ruledValue(entry, conform, depth + 1, IN_ITEM)) return false;
    }
    this.#byte(TAG_END);
    return true;
  }

  /** Messages, each with its parts (see `messageConformer`). */
  #messages(value: unknown, rules: RuleSet): boolean {
    if (!Array.isArray(value)) return false;
    this.#startArray(value.length);
    for (let index = 0; index < value.length; index += 1)
      if (!this.#ruledRecord(value[index], rules, 2, IN_MESSAGES)) return false;
    this.#byte(TAG_END);
    return true;
  }

  /** Text and reasoning parts with their content (see `conformPart`). */
  #parts(value: unknown, depth: number): boolean {
    if (!Array.isArray(value)) return false;
    this.#startArray(value.length);
    for (let index = 0; index < value.length; index += 1) {
      const part: unknown = value[index];
      if (!isRecord(part) || (part.type !== 'text' && part.type !== 'reasoning')) return false;
      if (!('content' in part)) return false;
      this.#byte(TAG_OBJECT);
      let entries = 0;
      for (const key in part) {
        const entry = part[key];
        this.#key(key);
        if (key === 'type') this.#value(entry, depth + 2, IN_MESSAGES);
        else if (key !== 'content' || typeof entry !== 'string') return false;
        else if (!this.#ruledValue(entry, PART_CONTENT, depth + 2, IN_CONTENT)) return false;
        entries += 1;
      }
      this.#endObject(entries);
    }
    this.#byte(TAG_END);
    return true;
  }

  /** Metadata of strings, finite numbers and booleans (see `conformEntries`). */
  #metadata(value: unknown): boolean {
    if (!isRecord(value)) return false;
    this.#byte(TAG_OBJECT);
    let entries = 0;
    for (const key in value) {
      const entry = value[key];
      if (METADATA_KEY(key) !== key) return false;
      if (entry === undefined) continue;
      const type = typeof entry;
      if (type !== 'string' && type !== 'number' && type !== 'boolean') return false;
      if (METADATA_VALUE(entry) !== entry) return false;
      this.#key(key);
      this.#value(entry, 2, IN_METADATA);
      entries += 1;
    }
    this.#endObject(entries);
    return true;
  }

  #byte(tag: number): void {
    this.#ensure(1);
    this.#buffer[this.#position++] = tag;
  }

  /** Opens an array of `length` entries; one longer than the exporter lets through is flagged. */
  #startArray(length: number): void {
    this.#byte(TAG_ARRAY);
    if (length > SMALL) this.#mayNeedFitting = true;
  }

  /**
   * Closes an object of `entries` written entries; one with more than the exporter lets through
   * is flagged.
   */
  #endObject(entries: number): void {
    if (entries > SMALL) this.#mayNeedFitting = true;
    this.#byte(TAG_END);
  }

  #key(name: string): void {
    let key = name;
    if (key.length > WIRE_LIMITS.maxTextChars) {
      this.#truncated = true;
      key = truncateText(key, WIRE_LIMITS.maxTextChars);
    }
    let index = this.#keyIndex.get(key);
    if (index === undefined) {
      if (key.length > SMALL) this.#mayNeedFitting = true;
      if (key.length > SMALL || this.#keys.length >= MAX_KEYS) {
        this.#string(key);
        return;
      }
      index = this.#keys.length;
      this.#keyIndex.set(key, index);
      this.#keys.push(key);
    }
    this.#ensure(3);
    const buffer = this.#buffer;
    buffer[this.#position] = TAG_KEY;
    buffer[this.#position + 1] = index & 0xff;
    buffer[this.#position + 2] = index >>> 8;
    this.#position += 3;
  }

  #number(value: number): void {
    this.#ensure(9);
    const buffer = this.#buffer;
    if ((value | 0) === value) {
      buffer[this.#position] = TAG_INT;
      buffer.writeInt32LE(value, this.#position + 1);
      this.#position += 5;
    } else {
      buffer[this.#position] = TAG_FLOAT;
      buffer.writeDoubleLE(value, this.#position + 1);
      this.#position += 9;
    }
  }

  /**
   * Tag, byte length (u8 for short ASCII strings, else u32), UTF-8 bytes. Short strings (keys,
   * ids, names) are copied by hand, cheaper than a call into the encoder, and checked for
   * characters JSON escapes on the way, so the exporter copies them without looking.
   */
  #string(value: string): void {
    const length = value.length;
    this.#ensure(5 + length * 3);
    const buffer = this.#buffer;
    const start = this.#position;
    if (length <= SMALL) {
      let at = start + 2;
      for (let index = 0; index < length; index += 1) {
        const code = value.charCodeAt(index);
        if (code >= 0x80 || code < 0x20 || code === QUOTE || code === BACKSLASH) {
          at = -1;
          break;
        }
        buffer[at++] = code;
      }
      if (at >= 0) {
        buffer[start] = TAG_SHORT_STRING;
        buffer[start + 1] = length;
        this.#position = at;
        return;
      }
    }
    const bytes = buffer.write(value, start + 5, 'utf8');
    buffer[start] = TAG_STRING;
    writeUint32(buffer, start + 1, bytes);
    this.#position = start + 5 + bytes;
  }
}

function writeUint32(buffer: Buffer, at: number, value: number): void {
  buffer[at] = value & 0xff;
  buffer[at + 1] = (value >>> 8) & 0xff;
  buffer[at + 2] = (value >>> 16) & 0xff;
  buffer[at + 3] = value >>> 24;
}

function readUint32(buffer: Buffer, at: number): number {
  return (
    (buffer[at]! | (buffer[at + 1]! << 8) | (buffer[at + 2]! << 16)) + buffer[at + 3]! * 0x1000000
  );
}

/** Calls `visit` with every frame's value range and flags in a batch, oldest first. */
export function forEachFrame(
  frames: Uint8Array,
  visit: (start: number, end: number, mayNeedFitting: boolean, flags: number) => void,
): void {
  const view = Buffer.from(frames.buffer, frames.byteOffset, frames.byteLength);
  let position = 0;
  while (position + FRAME_HEADER_BYTES <= view.length) {
    const length = readUint32(view, position);
    const end = position + 4 + length;
    const flags = view[position + 4]!;
    visit(position + FRAME_HEADER_BYTES, end, (flags & FRAME_MAY_NEED_FITTING) !== 0, flags);
    position = end;
  }
}

/** A batch's key table as the reader uses it: names, and their JSON bytes. */
export class FrameKeys {
  readonly names: string[] = [];
  readonly json: Buffer[] = [];

  /**
   * Learns the keys of a batch: `names` are the table's entries from `from` on. A table only
   * grows, so only the entries not known yet are added; a batch whose entries start after the
   * last one known would leave a gap, and is refused.
   */
  update(names: readonly string[], from = 0): this {
    if (from > this.names.length)
      throw new Error(`item frames: the key table skips from ${this.names.length} to ${from}`);
    for (let index = this.names.length; index < from + names.length; index += 1) {
      const name = names[index - from]!;
      this.names.push(name);
      this.json.push(Buffer.from(JSON.stringify(name)));
    }
    return this;
  }
}

/** The item a frame holds, as objects (for the exporter's fitting path). */
export function frameToItem(frames: Buffer, start: number, keys: FrameKeys): unknown {
  const reader = { position: start, keys };
  return readValue(frames, reader);
}

function readValue(frames: Buffer, reader: { position: number; keys: FrameKeys }): unknown {
  const tag = frames[reader.position++];
  switch (tag) {
    case TAG_KEY: {
      const index = frames[reader.position]! | (frames[reader.position + 1]! << 8);
      reader.position += 2;
      return reader.keys.names[index];
    }
    case TAG_NULL:
      return null;
    case TAG_FALSE:
      return false;
    case TAG_TRUE:
      return true;
    case TAG_INT:
      reader.position += 4;
      return frames.readInt32LE(reader.position - 4);
    case TAG_FLOAT: {
      reader.position += 8;
      const value = frames.readDoubleLE(reader.position - 8);
      return Number.isFinite(value) ? value : null;
    }
    case TAG_SHORT_STRING: {
      const length = frames[reader.position]!;
      reader.position += 1 + length;
      return frames.toString('latin1', reader.position - length, reader.position);
    }
    case TAG_STRING: {
      const length = readUint32(frames, reader.position);
      const text = frames.toString('utf8', reader.position + 4, reader.position + 4 + length);
      reader.position += 4 + length;
      return text;
    }
    case TAG_ARRAY: {
      const array: unknown[] = [];
      while (frames[reader.position] !== TAG_END) array.push(readValue(frames, reader));
      reader.position += 1;
      return array;
    }
    case TAG_OBJECT: {
      const object: Record<string, unknown> = {};
      while (frames[reader.position] !== TAG_END) {
        const key = readValue(frames, reader) as string;
        object[key] = readValue(frames, reader);
      }
      reader.position += 1;
      return object;
    }
    default:
      throw new Error(`corrupt item frame: tag ${String(tag)} at ${reader.position - 1}`);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** A growing byte buffer that JSON is written into. */
export class JsonBytes {
  buffer: Buffer;
  length = 0;

  constructor(initialBytes = 16 * 1_024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  ensure(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  ascii(text: string): void {
    this.ensure(text.length);
    for (let index = 0; index < text.length; index += 1)
      this.buffer[this.length++] = text.charCodeAt(index);
  }

  text(text: string): void {
    this.ensure(text.length * 3);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }
}

/**
 * Appends the JSON text of the frame value at `start` to `out`: the text `JSON.stringify` gives
 * for the item. Short strings were checked when written; longer ones are scanned and copied by
 * native code, and only one that holds a character to escape goes through `JSON.stringify`.
 */
export function frameToJson(frames: Buffer, start: number, out: JsonBytes, keys: FrameKeys): void {
  const end = writeJsonValue(frames, start, out, keys.json);
  if (end < 0) throw new Error(`corrupt item frame at ${start}`);
}

/** Writes the value at `at`; returns the offset after it (negative on a corrupt frame). */
/**
 * An object's (key: value pairs) or an array's (values) entries up to TAG_END, comma-separated
 * inside braces or brackets; -1 when an entry cannot be read.
 */
function writeJsonContainer(
  frames: Buffer,
  at: number,
  out: JsonBytes,
  keys: Buffer[],
  pairs: boolean,
): number {
  out.byte(pairs ? 0x7b : 0x5b);
  let position = at + 1;
  let first = true;
  while (frames[position] !== TAG_END) {
    if (!first) out.byte(0x2c);
    first = false;
    if (pairs) {
      position = writeJsonValue(frames, position, out, keys);
      if (position < 0) return position;
      out.byte(0x3a);
    }
    position = writeJsonValue(frames, position, out, keys);
    if (position < 0) return position;
  }
  out.byte(pairs ? 0x7d : 0x5d);
  return position + 1;
}

function writeJsonValue(frames: Buffer, at: number, out: JsonBytes, keys: Buffer[]): number {
  const tag = frames[at]!;
  switch (tag) {
    case TAG_KEY: {
      const key = keys[frames[at + 1]! | (frames[at + 2]! << 8)];
      if (!key) return -1;
      out.ensure(key.length);
      for (let index = 0; index < key.length; index += 1) out.buffer[out.length++] = key[index]!;
      return at + 3;
    }
    case TAG_SHORT_STRING: {
      const length = frames[at + 1]!;
      out.ensure(length + 2);
      const target = out.buffer;
      let to = out.length;
      target[to++] = QUOTE;
      for (let index = at + 2, end = at + 2 + length; index < end; index += 1)
        target[to++] = frames[index]!;
      target[to++] = QUOTE;
      out.length = to;
      return at + 2 + length;
    }
    case TAG_STRING: {
      const length = readUint32(frames, at + 1);
      writeLongString(frames, at + 5, at + 5 + length, out);
      return at + 5 + length;
    }
    case TAG_OBJECT:
      return writeJsonContainer(frames, at, out, keys, true);
    case TAG_ARRAY:
      return writeJsonContainer(frames, at, out, keys, false);
    case TAG_INT:
      out.ascii(String(frames.readInt32LE(at + 1)));
      return at + 5;
    case TAG_FLOAT: {
      const value = frames.readDoubleLE(at + 1);
      out.ascii(Number.isFinite(value) ? String(value) : 'null');
      return at + 9;
    }
    case TAG_NULL:
      out.ascii('null');
      return at + 1;
    case TAG_FALSE:
      out.ascii('false');
      return at + 1;
    case TAG_TRUE:
      out.ascii('true');
      return at + 1;
    default:
      return -1;
  }
}

function writeLongString(frames: Buffer, begin: number, end: number, out: JsonBytes): void {
  if (!isJsonSafe(frames, begin, end)) {
    writeEscapedString(frames, begin, end, out);
    return;
  }
  out.ensure(end - begin + 2);
  out.buffer[out.length++] = QUOTE;
  frames.copy(out.buffer, out.length, begin, end);
  out.length += end - begin;
  out.buffer[out.length++] = QUOTE;
}

/** The short escapes JSON.stringify writes, by the byte they stand for (0: none, `\u00XX`). */
const SHORT_ESCAPES = new Uint8Array(0x60);
for (const [byte, letter] of [
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [QUOTE, '"'],
  [BACKSLASH, '\\'],
] as const)
  SHORT_ESCAPES[byte] = letter.charCodeAt(0);
const HEX_DIGITS = Buffer.from('0123456789abcdef');

/**
 * A string holding characters JSON escapes (newlines, in most real prompts), written byte by
 * byte as JSON.stringify writes it: control characters, `"` and `\` escaped, everything else
 * copied. The frame's bytes are the UTF-8 of a JavaScript string, and JSON writes characters
 * beyond ASCII as they are, so nothing is decoded: a 540-character text with six newlines went
 * from 1.8 µs (decoded, `JSON.stringify`, encoded again) to 1.5 µs.
 */
function writeEscapedString(frames: Buffer, begin: number, end: number, out: JsonBytes): void {
  out.ensure(end - begin + 2);
  let target = out.buffer;
  let to = out.length;
  target[to++] = QUOTE;
  for (let index = begin; index < end; index += 1) {
    const code = frames[index]!;
    if (isSafeByte(code)) {
      target[to++] = code;
      continue;
    }
    // Room for this escape (at most 6 bytes) and the rest of the string as it is.
    out.length = to;
    out.ensure(6 + end - index);
    target = out.buffer;
    target[to++] = BACKSLASH;
    const letter = SHORT_ESCAPES[code]!;
    if (letter !== 0) target[to++] = letter;
    else {
      target[to++] = 0x75; // u
      target[to++] = 0x30;
      target[to++] = 0x30;
      target[to++] = HEX_DIGITS[code >>> 4]!;
      target[to++] = HEX_DIGITS[code & 0x0f]!;
    }
  }
  target[to++] = QUOTE;
  out.length = to;
}

const wordViews = new WeakMap<ArrayBufferLike, Int32Array>();

/**
 * True when no byte in the range is one JSON escapes (a control character, `"` or `\`).
 * Tests four bytes at a time with the "has a byte less than n / equal to c" bit tricks (exact
 * as a yes/no answer), about four times faster than a byte loop or a regular expression.
 */
function isJsonSafe(frames: Buffer, begin: number, end: number): boolean {
  const memory = frames.buffer;
  let words = wordViews.get(memory);
  if (!words) {
    words = new Int32Array(memory, 0, memory.byteLength >>> 2);
    wordViews.set(memory, words);
  }
  const base = frames.byteOffset;
  let index = begin;
  while (index < end && ((base + index) & 3) !== 0) {
    if (!isSafeByte(frames[index]!)) return false;
    index += 1;
  }
  const lastWord = (base + end) >>> 2;
  for (let word = (base + index) >>> 2; word < lastWord; word += 1) {
    const value = words[word]!;
    const quote = value ^ 0x22222222;
    const backslash = value ^ 0x5c5c5c5c;
    if (
      (((value - 0x20202020) & ~value) |
        ((quote - 0x01010101) & ~quote) |
        ((backslash - 0x01010101) & ~backslash)) &
      0x80808080
    )
      return false;
    index += 4;
  }
  for (; index < end; index += 1) if (!isSafeByte(frames[index]!)) return false;
  return true;
}

const isSafeByte = (code: number): boolean => code >= 0x20 && code !== QUOTE && code !== BACKSLASH;

/**
 * Reads an OpenTelemetry span's attributes by type, remembering which keys were used so that
 * what no convention claimed can travel on as metadata. Flattened lists (`gen_ai.prompt.0.role`,
 * `llm.input_messages.1.message.content`) are read back as indexed groups.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';

export type Json = Record<string, unknown>;

/** Entries of one flattened list item, keyed by the rest of the attribute name. */
export type IndexedGroup = Map<string, AttributeValue>;

export class AttributeReader {
  readonly #attributes: Attributes;
  readonly #consumed = new Set<string>();

  constructor(attributes: Attributes) {
    this.#attributes = attributes;
  }

  has(key: string): boolean {
    return this.#attributes[key] !== undefined && this.#attributes[key] !== null;
  }

  raw(key: string): AttributeValue | undefined {
    const value = this.#attributes[key];
    if (value === undefined || value === null) return undefined;
    this.#consumed.add(key);
    return value;
  }

  /** The first of `keys` that holds a string (all of them are consumed: they are synonyms). */
  string(...keys: string[]): string | undefined {
    let found: string | undefined;
    for (const key of keys) {
      const value = this.raw(key);
      if (found !== undefined) continue;
      if (typeof value === 'string' && value !== '') found = value;
      else if (typeof value === 'number' || typeof value === 'boolean') found = String(value);
    }
    return found;
  }

  /** The first of `keys` that holds a finite number (all of them are consumed). */
  number(...keys: string[]): number | undefined {
    let found: number | undefined;
    for (const key of keys) {
      const value = this.raw(key);
      const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (found === undefined && typeof parsed === 'number' && Number.isFinite(parsed))
        found = parsed;
    }
    return found;
  }

  /** Token counts and the like: non-negative integers. */
  count(...keys: string[]): number | undefined {
    const value = this.number(...keys);
    return value !== undefined && value >= 0 ? Math.round(value) : undefined;
  }

  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return undefined;
  }

  /** A string array attribute, or one string (some instrumentations send JSON text). */
  strings(key: string): string[] | undefined {
    const value = this.raw(key);
    if (Array.isArray(value))
      return value.filter((item): item is string => typeof item === 'string');
    if (typeof value !== 'string') return undefined;
    const parsed = parseJson(value);
    if (Array.isArray(parsed))
      return parsed.filter((item): item is string => typeof item === 'string');
    return [value];
  }

  /** An attribute holding JSON text, parsed (undefined when absent or not JSON). */
  json(key: string): unknown {
    const value = this.raw(key);
    return typeof value === 'string' ? parseJson(value) : undefined;
  }

  /** `prefix.N.rest` attributes grouped by N, in index order (keys consumed). */
  indexed(prefix: string): IndexedGroup[] {
    const groups = new Map<number, IndexedGroup>();
    const head = `${prefix}.`;
    for (const key of Object.keys(this.#attributes)) {
      if (!key.startsWith(head)) continue;
      const rest = key.slice(head.length);
      const dot = rest.indexOf('.');
      const index = Number(dot === -1 ? rest : rest.slice(0, dot));
      if (!Number.isInteger(index) || index < 0 || dot === -1) continue;
      const value = this.raw(key);
      if (value === undefined) continue;
      let group = groups.get(index);
      if (!group) groups.set(index, (group = new Map()));
      group.set(rest.slice(dot + 1), value);
    }
    return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
  }

  /** Attributes under `prefix.` (consumed), keyed by the rest of their name. */
  prefixed(prefix: string): Map<string, AttributeValue> {
    const found = new Map<string, AttributeValue>();
    for (const key of Object.keys(this.#attributes)) {
      if (!key.startsWith(`${prefix}.`)) continue;
      const value = this.raw(key);
      if (value !== undefined) found.set(key.slice(prefix.length + 1), value);
    }
    return found;
  }

  /** Attributes no mapper read. */
  remaining(): [string, AttributeValue][] {
    return Object.entries(this.#attributes).filter(
      (entry): entry is [string, AttributeValue] =>
        !this.#consumed.has(entry[0]) && entry[1] !== undefined && entry[1] !== null,
    );
  }

  /** Whether any attribute name starts with one of the prefixes. */
  hasPrefix(...prefixes: string[]): boolean {
    return Object.keys(this.#attributes).some((key) =>
      prefixes.some((prefix) => key.startsWith(prefix)),
    );
  }
}

/** Entries of an indexed group under `prefix.M.rest`, grouped by M. */
export function subIndexed(group: IndexedGroup, prefix: string): IndexedGroup[] {
  const groups = new Map<number, IndexedGroup>();
  for (const [key, value] of group) {
    if (!key.startsWith(`${prefix}.`)) continue;
    const rest = key.slice(prefix.length + 1);
    const dot = rest.indexOf('.');
    const index = Number(dot === -1 ? rest : rest.slice(0, dot));
    if (!Number.isInteger(index) || dot === -1) continue;
    let sub = groups.get(index);
    if (!sub) groups.set(index, (sub = new Map()));
    sub.set(rest.slice(dot + 1), value);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, sub]) => sub);
}

export function groupString(group: IndexedGroup, key: string): string | undefined {
  const value = group.get(key);
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** Tool arguments as a value when they are JSON text, else as they came. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return {};
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null;
export const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

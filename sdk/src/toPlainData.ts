/**
 * Turns any value into plain JSON data without ever throwing, value by value: what JSON cannot
 * hold, or what cannot be read, becomes a readable marker in its place instead of failing the
 * whole span. Binary data is never read, only measured, so a large buffer costs nothing.
 */

/** Nesting followed before the rest is replaced by a marker. */
const MAX_DEPTH = 64;
export const CIRCULAR_MARKER = '[circular]';
const DEEPER_MARKER = '…[sightline: deeper values truncated]';

export interface PlainDataOptions {
  /** Functions and symbols as markers (`[function]`, `Symbol(x)`) instead of left out as in JSON. */
  markFunctions?: boolean;
}

/** `[bigint 10]`, `[binary 2048 bytes]`, `[circular]`, `[unreadable: TypeError]`… */
export function toPlainData(value: unknown, options: PlainDataOptions = {}): unknown {
  return plain(value, '', [], 0, options.markFunctions === true);
}

/** The marker for a value whose reading threw. */
export function unreadableMarker(error: unknown): string {
  let name: string = typeof error;
  try {
    if (error instanceof Error && typeof error.name === 'string') name = error.name;
  } catch {
    // A hostile error object: its type is all that is said.
  }
  return `[unreadable: ${name}]`;
}

/** The marker for binary data, or undefined when `value` is not binary. */
export function binaryMarker(value: object): string | undefined {
  if (ArrayBuffer.isView(value)) return `[binary ${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer)
    return `[binary ${value.byteLength} bytes]`;
  return undefined;
}

function plain(
  value: unknown,
  key: string,
  ancestors: object[],
  depth: number,
  markFunctions: boolean,
): unknown {
  try {
    switch (typeof value) {
      case 'bigint':
        return `[bigint ${value.toString()}]`;
      case 'number':
        return Number.isFinite(value) ? value : null;
      case 'function':
        return markFunctions ? '[function]' : undefined;
      case 'symbol':
        return markFunctions ? value.toString() : undefined;
      case 'object':
        break;
      default:
        return value;
    }
    if (value === null) return null;
    const binary = binaryMarker(value);
    if (binary !== undefined) return binary;
    if (ancestors.includes(value)) return CIRCULAR_MARKER;
    if (depth >= MAX_DEPTH) return DEEPER_MARKER;
    if (value instanceof Number || value instanceof String || value instanceof Boolean)
      return value.valueOf();
    ancestors.push(value);
    try {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function')
        return plain(toJSON.call(value, key), key, ancestors, depth + 1, markFunctions);
      if (Array.isArray(value)) {
        const out: unknown[] = [];
        for (let index = 0; index < value.length; index += 1) {
          const entry = readEntry(value, String(index), ancestors, depth, markFunctions);
          out.push(entry === undefined ? null : entry);
        }
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const name of Object.keys(value)) {
        const entry = readEntry(value, name, ancestors, depth, markFunctions);
        if (entry !== undefined) out[name] = entry;
      }
      return out;
    } finally {
      ancestors.pop();
    }
  } catch (error) {
    return unreadableMarker(error);
  }
}

/** One entry, its getter guarded: a throwing getter spoils only its own entry. */
function readEntry(
  holder: object,
  name: string,
  ancestors: object[],
  depth: number,
  markFunctions: boolean,
): unknown {
  let entry: unknown;
  try {
    entry = (holder as Record<string, unknown>)[name];
  } catch (error) {
    return unreadableMarker(error);
  }
  return plain(entry, name, ancestors, depth + 1, markFunctions);
}

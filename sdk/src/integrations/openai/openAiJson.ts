/**
 * Reading the loosely typed JSON of OpenAI-format requests and responses: narrowing values
 * without trusting them, tool-call arguments (JSON text parsed when it parses) and media given
 * as URLs or `data:` URIs (the bytes never leave the process, only their size).
 */
import type { MessagePart } from '../../contract/index.ts';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null;

export const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

export const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Tool-call arguments arrive as JSON text; the contract keeps them as a value when they parse. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return {};
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Decoded size of base64 text. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

const DATA_URI = /^data:([^;,]*)(;base64)?,/;

/** A media part for a URL, or for a `data:` URI its type and decoded size (never its bytes). */
export function mediaFromDataUri(uri: string): MessagePart {
  const match = DATA_URI.exec(uri);
  if (!match) return { type: 'media', uri };
  const payload = uri.slice(match[0].length);
  return {
    type: 'media',
    ...(match[1] ? { mimeType: match[1] } : {}),
    bytes: match[2] !== undefined ? base64Bytes(payload) : payload.length,
  };
}

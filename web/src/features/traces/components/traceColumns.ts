/**
 * The columns of the trace explorer: which exist, which are shown by default, which sort on
 * the server, and reading/writing the user's choice (kept in localStorage, a viewing
 * preference rather than part of a shared link).
 */

import { cutText } from './CappedText.tsx';

const PREVIEW_CHARS = 160;

/** One line of at most PREVIEW_CHARS: control and line-separator characters read as spaces. */
export function preview(text: string): string {
  let flat = '';
  let previousWasSpace = false;
  for (const char of text.slice(0, PREVIEW_CHARS * 2)) {
    const code = char.codePointAt(0) ?? 0;
    const isControl =
      code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
    if (isControl) {
      if (!previousWasSpace) flat += ' ';
      previousWasSpace = true;
    } else {
      flat += char;
      previousWasSpace = false;
    }
  }
  return flat.length > PREVIEW_CHARS || text.length > PREVIEW_CHARS * 2
    ? `${cutText(flat, PREVIEW_CHARS)}…`
    : flat;
}

export const TRACE_COLUMNS = [
  { id: 'startTime', label: 'Time (UTC)', sortField: 'start_time', defaultVisible: true },
  { id: 'name', label: 'Name', defaultVisible: true },
  { id: 'status', label: 'Status', defaultVisible: true },
  { id: 'model', label: 'Model', defaultVisible: true },
  { id: 'durationMs', label: 'Latency', sortField: 'duration_ms', defaultVisible: true },
  { id: 'tokens', label: 'Tokens in / out', sortField: 'total_tokens', defaultVisible: true },
  { id: 'costUsd', label: 'Cost', sortField: 'cost_usd', defaultVisible: true },
  { id: 'userId', label: 'User', defaultVisible: true },
  { id: 'sessionId', label: 'Session', defaultVisible: false },
  { id: 'prompt', label: 'Prompt', defaultVisible: true },
  { id: 'environment', label: 'Environment', defaultVisible: false },
  { id: 'tags', label: 'Tags', defaultVisible: false },
  { id: 'findings', label: 'Findings', defaultVisible: true },
  { id: 'evalFailed', label: 'Failed evals', defaultVisible: false },
  { id: 'inputPreview', label: 'Input', defaultVisible: true },
  { id: 'outputPreview', label: 'Output', defaultVisible: false },
  { id: 'spanCount', label: 'Spans', defaultVisible: false },
  { id: 'traceId', label: 'Trace id', defaultVisible: false },
] as const;

export type TraceColumnId = (typeof TRACE_COLUMNS)[number]['id'];

export const COLUMNS_STORAGE_KEY = 'sightline.traces.columns.v1';

export function defaultColumnVisibility(): Record<string, boolean> {
  return Object.fromEntries(TRACE_COLUMNS.map((column) => [column.id, column.defaultVisible]));
}

/** The stored choice, or the defaults when there is none or it is not ours. */
export function readColumnVisibility(stored: string | null): Record<string, boolean> {
  const visibility = defaultColumnVisibility();
  if (!stored) return visibility;
  try {
    const value: unknown = JSON.parse(stored);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return visibility;
    for (const [id, shown] of Object.entries(value)) {
      if (Object.hasOwn(visibility, id) && typeof shown === 'boolean') visibility[id] = shown;
    }
  } catch {
    // A corrupt preference falls back to the defaults.
  }
  return visibility;
}

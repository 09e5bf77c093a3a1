/** Limits of the trace pages. */

/**
 * Trace content is written by whoever holds an ingest key: it is shown as text only, and
 * long values are cut so one span cannot make the page unusable.
 */
export const CONTENT_DISPLAY = {
  /** Characters shown at first for one message part or JSON value. */
  previewChars: 20_000,
  /** Characters shown at most, behind "show more". */
  maxChars: 200_000,
  /** Characters of an error message in a tooltip. */
  tooltipChars: 500,
  /** Indentation levels the span tree draws; deeper spans stay at this level. */
  maxTreeIndent: 16,
} as const;

/** Trace ids are 32 lower-case hex characters, span ids 16 (wire contract). */
export const TRACE_ID_PATTERN = /^[0-9a-f]{32}$/;
export const SPAN_ID_PATTERN = /^[0-9a-f]{16}$/;

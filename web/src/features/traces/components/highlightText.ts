/**
 * Splits untrusted text into segments at the offsets of findings, so a page can mark where a
 * finding sits without ever building HTML. Offsets come from the store and are not trusted
 * either: they are clamped to the text, never split a surrogate pair, overlapping findings
 * mark the overlap with all their labels, and the number of ranges is capped.
 */

export interface TextRange {
  /** UTF-16 code unit offsets; `end` is exclusive. */
  start: number;
  end: number;
  label: string;
}

export interface TextSegment {
  text: string;
  /** Labels of the ranges covering this segment; empty for plain text. */
  marks: string[];
}

export const MAX_HIGHLIGHT_RANGES = 500;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A boundary moved off the middle of a surrogate pair (to the pair's start). */
function safeBoundary(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return Math.min(Math.max(index, 0), text.length);
  return isHighSurrogate(text.charCodeAt(index - 1)) ? index - 1 : index;
}

export function segmentText(
  text: string,
  ranges: readonly TextRange[],
  maxRanges = MAX_HIGHLIGHT_RANGES,
): TextSegment[] {
  const usable: TextRange[] = [];
  for (const range of ranges) {
    if (usable.length >= maxRanges) break;
    if (!Number.isFinite(range.start) || !Number.isFinite(range.end)) continue;
    const start = safeBoundary(text, Math.floor(range.start));
    const end = safeBoundary(text, Math.ceil(range.end));
    if (end > start) usable.push({ start, end, label: range.label });
  }
  if (usable.length === 0) return text === '' ? [] : [{ text, marks: [] }];

  const boundaries = [
    ...new Set([0, text.length, ...usable.flatMap((r) => [r.start, r.end])]),
  ].sort((a, b) => a - b);
  const segments: TextSegment[] = [];
  for (let index = 0; index < boundaries.length - 1; index += 1) {
    const from = boundaries[index]!;
    const to = boundaries[index + 1]!;
    const marks = usable
      .filter((range) => range.start <= from && range.end >= to)
      .map((range) => range.label);
    const last = segments[segments.length - 1];
    const piece = text.slice(from, to);
    // Neighbours with the same marks read as one segment.
    if (last && last.marks.join('\u0000') === marks.join('\u0000')) last.text += piece;
    else segments.push({ text: piece, marks: [...new Set(marks)] });
  }
  return segments;
}

/** The ranges that fall in `[offset, offset + length)`, shifted to start at 0. */
export function shiftRanges(
  ranges: readonly TextRange[],
  offset: number,
  length: number,
): TextRange[] {
  return ranges
    .filter((range) => range.end > offset && range.start < offset + length)
    .map((range) => ({
      start: Math.max(0, range.start - offset),
      end: Math.min(length, range.end - offset),
      label: range.label,
    }));
}

/**
 * Cuts oversize text values of an item to fit the wire limits, marking each cut so that
 * truncation is visible downstream and nothing is silently dropped.
 */
import { WIRE_LIMITS, truncationMarker, type ItemInput } from './contract/index.ts';

export function truncateText(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  const marker = truncationMarker(value.length - maxChars);
  return value.slice(0, Math.max(0, maxChars - marker.length)) + marker;
}

/**
 * Returns the item with every string longer than `maxChars` truncated (deeply, including
 * message parts and tool arguments), and whether anything was cut.
 */
export function truncateItem(
  item: ItemInput,
  maxChars: number = WIRE_LIMITS.maxTextChars,
): { item: ItemInput; truncated: boolean } {
  let truncated = false;
  const visit = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') {
      if (value.length <= maxChars) return value;
      truncated = true;
      return truncateText(value, maxChars);
    }
    if (depth > 32 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((entry) => visit(entry, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) out[key] = visit(entry, depth + 1);
    return out;
  };
  const result = visit(item, 0) as ItemInput;
  if (truncated && result.type === 'span') result.truncated = true;
  return { item: result, truncated };
}

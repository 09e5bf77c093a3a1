/**
 * Context words: whether words that announce a PII type ("phone", "born", "my name is") sit
 * just before or after a candidate. Only a small window is lower-cased and searched, so the
 * cost is constant per candidate.
 */
export const CONTEXT_WINDOW = 48;

export function hasContextBefore(
  text: string,
  start: number,
  words: RegExp,
  window = CONTEXT_WINDOW,
): boolean {
  return words.test(text.slice(Math.max(0, start - window), start).toLowerCase());
}

export function hasContextAfter(
  text: string,
  end: number,
  words: RegExp,
  window = CONTEXT_WINDOW,
): boolean {
  return words.test(text.slice(end, end + window).toLowerCase());
}

export function hasContextAround(
  text: string,
  start: number,
  end: number,
  words: RegExp,
  window = CONTEXT_WINDOW,
): boolean {
  return hasContextBefore(text, start, words, window) || hasContextAfter(text, end, words, window);
}

/**
 * The matches of a global pattern, in order, like `[...text.matchAll(pattern)]` but without
 * the RegExp clone that matchAll makes on every call: cloning re-reads the pattern source,
 * which costs microseconds for the long address and name patterns, more than scanning a
 * typical message with them.
 */
export function allMatches(pattern: RegExp, text: string): RegExpExecArray[] {
  const matches: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    matches.push(match);
    // An empty match would stop the scan where it is (as matchAll, step over it).
    if (match[0].length === 0)
      pattern.lastIndex = advance(text, pattern.lastIndex, pattern.unicode);
  }
  return matches;
}

function advance(text: string, index: number, unicode: boolean): number {
  if (!unicode || index + 1 >= text.length) return index + 1;
  const code = text.charCodeAt(index);
  const next = text.charCodeAt(index + 1);
  const pair = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
  return index + (pair ? 2 : 1);
}

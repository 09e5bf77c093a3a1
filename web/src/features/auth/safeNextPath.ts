/**
 * Where to go after sign-in: only a path on this site. `//evil.example` and `/\evil.example`
 * are read by browsers as other hosts, so they fall back to `/` like any other non-path.
 */
export function safeNextPath(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return '/';
  }
  // Control characters (a newline in a header) have no business in a path.
  const hasControlCharacter = [...value].some(
    (char) => char.charCodeAt(0) < 0x20 || char === '\u007f',
  );
  return hasControlCharacter ? '/' : value;
}

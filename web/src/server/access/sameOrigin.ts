/**
 * The same-origin rule for cookie-authenticated mutations (CSRF): a browser sends Origin on
 * every cross-origin request and on same-origin POST/PUT/PATCH/DELETE, so a mutation whose
 * Origin is not this app's own host is refused. A request without Origin falls back to the
 * browser's Sec-Fetch-Site; with neither, it did not come from a current browser page and
 * is refused too (programs use API tokens, which no other site can make a browser send).
 */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

export function isSameOriginRequest(request: Request): boolean {
  const host = request.headers.get('host')?.toLowerCase();
  const origin = request.headers.get('origin');
  if (origin && origin !== 'null') {
    const fromHost = originHost(origin);
    return host !== undefined && fromHost !== undefined && fromHost === host;
  }
  if (origin === 'null') return false;
  return request.headers.get('sec-fetch-site') === 'same-origin';
}

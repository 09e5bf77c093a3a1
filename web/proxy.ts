/**
 * Runs before every request but the `/api/v1` API's: refuses Host names the app is not
 * configured to serve (SIGHTLINE_WEB_ALLOWED_HOSTS, loopback by default), sends page requests
 * without a session cookie to /sign-in, and tells pages their own path (for `?next=` after
 * sign-in). The redirect is a convenience only: every page and route checks the session and
 * the role itself. `/api/v1` routes check the Host themselves (apiRoute): running the proxy
 * costs an API request ~2 ms, and it has nothing else to do for them.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { refuseDisallowedHost } from './src/server/allowedHost.ts';
import { PATH_HEADER, SESSION_COOKIE_NAMES } from './src/features/auth/constants.ts';

/** Paths reachable without signing in. */
const PUBLIC_PREFIXES = ['/sign-in', '/api/', '/_next/', '/favicon'];

export const config = { matcher: '/((?!api/v1/).*)' };

export function proxy(request: NextRequest): Response {
  const refused = refuseDisallowedHost(request);
  if (refused) return refused;
  const { pathname, search } = request.nextUrl;
  const isPublic = PUBLIC_PREFIXES.some((prefix) => pathname.startsWith(prefix));
  const hasSessionCookie = SESSION_COOKIE_NAMES.some((name) => request.cookies.has(name));
  if (!isPublic && !hasSessionCookie && request.method === 'GET') {
    const signIn = new URL('/sign-in', request.url);
    signIn.searchParams.set('next', `${pathname}${search}`);
    return NextResponse.redirect(signIn);
  }
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${pathname}${search}`);
  return NextResponse.next({ request: { headers } });
}

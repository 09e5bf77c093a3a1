/**
 * Which Host headers the web app serves. Until sign-in exists the app is reachable on
 * loopback only, and a page on another site could still reach it through DNS rebinding
 * (its own name resolving to 127.0.0.1): such requests carry that site's name as Host.
 * The proxy applies it to pages, `apiRoute` to `/api/v1` (which the proxy skips).
 */
import { serverEnv } from '../../../functions/config/env.ts';

/** `host[:port]` (or `[v6]:port`) → lower-case host name without the port. */
export function hostName(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  const colon = value.lastIndexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

export function isAllowedHost(hostHeader: string | null, allowedHosts: readonly string[]): boolean {
  if (!hostHeader) return false;
  return allowedHosts.includes(hostName(hostHeader));
}

/** The 421 answer to a request for a Host this app does not serve, or undefined when it does. */
export function refuseDisallowedHost(request: Request): Response | undefined {
  if (isAllowedHost(request.headers.get('host'), serverEnv().SIGHTLINE_WEB_ALLOWED_HOSTS)) {
    return undefined;
  }
  return new Response('Host not allowed. Set SIGHTLINE_WEB_ALLOWED_HOSTS to serve this name.\n', {
    status: 421,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

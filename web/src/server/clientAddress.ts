/**
 * The client's address behind trusted proxies (SIGHTLINE_TRUSTED_PROXY_HOPS), and the address
 * better-auth's per-address rate limit keys on. Each proxy appends the address it saw to
 * X-Forwarded-For, so with `hops` of them the client's is the `hops`-th entry from the end;
 * anything before it is whatever the client sent. The auth handler
 * (web/src/features/auth/server/auth.ts) puts the rate-limit address in CLIENT_ADDRESS_HEADER,
 * replacing any value the client sent, and better-auth reads only that header.
 */
import { z } from 'zod';

export const CLIENT_ADDRESS_HEADER = 'x-sightline-client-address';

/**
 * The bucket of every request whose address is unknown or not an IP address. better-auth skips
 * its limit for a request without a valid IP, so such requests share one bucket instead: a
 * client that sends no (or a garbled) X-Forwarded-For is limited, never unlimited.
 */
export const UNKNOWN_CLIENT_ADDRESS = '0.0.0.0';

export function clientAddressFrom(forwardedFor: string | null, hops: number): string | undefined {
  if (!forwardedFor || hops < 1) return undefined;
  const entries = forwardedFor
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.length >= hops ? entries[entries.length - hops] : undefined;
}

const isIpAddress = (value: string) =>
  z.ipv4().safeParse(value).success || z.ipv6().safeParse(value).success;

/**
 * The address a request counts against in the per-address limit: the one the trusted proxies
 * saw, or (without trusted proxies) the first X-Forwarded-For entry, better-auth's own reading;
 * UNKNOWN_CLIENT_ADDRESS when there is none or it is not an IP address.
 */
export function rateLimitAddress(forwardedFor: string | null, hops: number): string {
  const address =
    hops > 0 ? clientAddressFrom(forwardedFor, hops) : forwardedFor?.split(',')[0]?.trim();
  return address && isIpAddress(address) ? address : UNKNOWN_CLIENT_ADDRESS;
}

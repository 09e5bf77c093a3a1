/**
 * The client's address behind trusted proxies (SIGHTLINE_TRUSTED_PROXY_HOPS). Each proxy
 * appends the address it saw to X-Forwarded-For, so with `hops` of them the client's is the
 * `hops`-th entry from the end; anything before it is whatever the client sent. The proxy
 * (web/proxy.ts) puts it in CLIENT_ADDRESS_HEADER, replacing any value the client sent, and
 * better-auth's per-address rate limit reads that header.
 */
export const CLIENT_ADDRESS_HEADER = 'x-sightline-client-address';

export function clientAddressFrom(forwardedFor: string | null, hops: number): string | undefined {
  if (!forwardedFor || hops < 1) return undefined;
  const entries = forwardedFor
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.length >= hops ? entries[entries.length - hops] : undefined;
}

import { describe, expect, it } from 'vitest';
import { clientAddressFrom, rateLimitAddress, UNKNOWN_CLIENT_ADDRESS } from './clientAddress.ts';

describe('clientAddressFrom', () => {
  it('takes the address the outermost trusted proxy appended, not what the client sent', () => {
    // The client forged the first entry; API Gateway (one trusted hop) appended the real one.
    expect(clientAddressFrom('10.9.8.7, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddressFrom('203.0.113.7', 1)).toBe('203.0.113.7');
    // Two trusted hops (e.g. CloudFront, then API Gateway): the second entry from the end.
    expect(clientAddressFrom('1.1.1.1, 198.51.100.4 , 130.176.0.1', 2)).toBe('198.51.100.4');
  });

  it('gives nothing without trusted proxies, without the header, or with too few entries', () => {
    expect(clientAddressFrom('203.0.113.7', 0)).toBeUndefined();
    expect(clientAddressFrom(null, 1)).toBeUndefined();
    expect(clientAddressFrom(' , ', 1)).toBeUndefined();
    expect(clientAddressFrom('203.0.113.7', 2)).toBeUndefined();
  });
});

describe('rateLimitAddress', () => {
  it.each([
    ['the address the trusted proxy saw', '10.9.8.7, 203.0.113.7', 1, '203.0.113.7'],
    ['the first entry without trusted proxies', '198.51.100.4, 10.0.0.1', 0, '198.51.100.4'],
    ['an IPv6 address', '2001:db8::1', 0, '2001:db8::1'],
  ])('keys on %s', (_case, forwardedFor, hops, expected) => {
    expect(rateLimitAddress(forwardedFor, hops)).toBe(expected);
  });

  // better-auth skips its per-address limit for a request it finds no IP for.
  it.each([
    ['no X-Forwarded-For', null, 0],
    ['no X-Forwarded-For behind a trusted proxy', null, 1],
    ['an entry that is no IP address', 'not-an-ip', 0],
    ['an empty first entry', ' , 203.0.113.7', 0],
    ['too few entries for the trusted proxies', '203.0.113.7', 2],
  ])('puts a request with %s in the shared bucket', (_case, forwardedFor, hops) => {
    expect(rateLimitAddress(forwardedFor, hops)).toBe(UNKNOWN_CLIENT_ADDRESS);
  });
});

import { describe, expect, it } from 'vitest';
import { clientAddressFrom } from './clientAddress.ts';

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

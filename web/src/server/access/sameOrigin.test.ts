import { describe, expect, it } from 'vitest';
import { isSameOriginRequest } from './sameOrigin.ts';

const request = (headers: Record<string, string>) =>
  new Request('http://127.0.0.1:3000/api/v1/projects/demo/ingest-keys', {
    method: 'POST',
    headers,
  });

describe('isSameOriginRequest', () => {
  it.each([
    [{ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }, true],
    [{ host: 'localhost:3000', origin: 'http://localhost:3000' }, true],
    // Same site, other port: SameSite=Lax would still send the cookie.
    [{ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:4000' }, false],
    [{ host: '127.0.0.1:3000', origin: 'https://evil.example' }, false],
    [{ host: '127.0.0.1:3000', origin: 'null' }, false],
    [{ host: '127.0.0.1:3000', origin: 'not a url' }, false],
    [{ host: '127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }, true],
    [{ host: '127.0.0.1:3000', 'sec-fetch-site': 'same-site' }, false],
    [{ host: '127.0.0.1:3000' }, false],
  ])('%j → %s', (headers, expected) => {
    expect(isSameOriginRequest(request(headers))).toBe(expected);
  });
});

/**
 * The client factory's HTTP settings, against a local HTTP server that records what the real
 * @clickhouse/client sends.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerEnv } from '../config/env.ts';
import { createClickHouseClient, isLoopbackUrl } from './clickhouseClient.ts';

describe('isLoopbackUrl', () => {
  it.each([
    ['http://127.0.0.1:8123', true],
    ['http://127.4.5.6', true],
    ['http://localhost:8123', true],
    ['http://[::1]:8123', true],
    ['https://abc.eu-west-1.aws.clickhouse.cloud:8443', false],
    ['http://10.0.0.5:8123', false],
    ['http://127.0.0.1.example.com', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });
});

describe('createClickHouseClient over loopback', () => {
  const seen: { url: string; acceptEncoding: string | undefined }[] = [];
  const server = http.createServer((request, response) => {
    seen.push({ url: request.url ?? '', acceptEncoding: request.headers['accept-encoding'] });
    request.resume();
    request.on('end', () => {
      response.setHeader('X-ClickHouse-Format', 'JSONEachRow');
      response.end('{"one":1}\n');
    });
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('asks for answers uncompressed', async () => {
    const client = await createClickHouseClient(parseServerEnv({ SIGHTLINE_HOME: '/tmp' }), {
      url,
      username: 'default',
      password: '',
    });
    try {
      const result = await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' });
      expect(await result.json()).toEqual([{ one: 1 }]);
    } finally {
      await client.close();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).not.toContain('enable_http_compression=1');
    expect(seen[0]?.acceptEncoding ?? '').not.toContain('gzip');
  });
});

/**
 * The client factory's HTTP settings, against a local HTTP server that records what the real
 * @clickhouse/client sends.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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

  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a query without waiting for a timer first, and reuses its keep-alive socket', async () => {
    // Prepare: timers that never fire. The unpatched client waits for a setTimeout(0) before
    // every request (patches/@clickhouse+client+*.patch), so its query would never be sent.
    const client = await createClickHouseClient(parseServerEnv({ SIGHTLINE_HOME: '/tmp' }), {
      url,
      username: 'default',
      password: '',
    });
    const sockets = new Set<unknown>();
    const onConnection = (socket: unknown) => sockets.add(socket);
    server.on('connection', onConnection);
    seen.length = 0;
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'setImmediate'] });
    try {
      // Act
      for (let index = 0; index < 3; index += 1) {
        const result = await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' });
        expect(await result.json()).toEqual([{ one: 1 }]);
      }
    } finally {
      vi.useRealTimers();
      server.off('connection', onConnection);
      await client.close();
    }
    // Assess
    expect(seen).toHaveLength(3);
    expect(sockets.size).toBe(1);
  });

  it('does not reuse a keep-alive socket idle past its time to live', async () => {
    // Prepare: a socket idle for longer than the client's idle-socket TTL (2.5 s by default),
    // with the client's own TTL timers held back, as on an event loop too busy to run them.
    const client = await createClickHouseClient(parseServerEnv({ SIGHTLINE_HOME: '/tmp' }), {
      url,
      username: 'default',
      password: '',
    });
    const sockets = new Set<unknown>();
    const onConnection = (socket: unknown) => sockets.add(socket);
    server.on('connection', onConnection);
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      await (await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })).json();
      vi.setSystemTime(Date.now() + 3_000);
      // Act
      await (await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })).json();
    } finally {
      vi.useRealTimers();
      server.off('connection', onConnection);
      await client.close();
    }
    // Assess: the second query went out on a new connection.
    expect(sockets.size).toBe(2);
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
    expect(seen.at(-1)?.url).not.toContain('enable_http_compression=1');
    expect(seen.at(-1)?.acceptEncoding ?? '').not.toContain('gzip');
  });
});

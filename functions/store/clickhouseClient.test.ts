/**
 * The client factory's HTTP settings, against a local HTTP server that records what the real
 * @clickhouse/client sends.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClickHouseClient } from '@clickhouse/client';
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

  // A test that fails while its timers are fake must not leave them to the next.
  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * Runs `use` with a client of the factory for the local server, under `fakeTimers` if given;
   * returns the connections the server accepted meanwhile.
   */
  async function withClient(
    use: (client: ClickHouseClient) => Promise<void>,
    fakeTimers?: NonNullable<Parameters<typeof vi.useFakeTimers>[0]>['toFake'],
  ): Promise<number> {
    const client = await createClickHouseClient(parseServerEnv({ SIGHTLINE_HOME: '/tmp' }), {
      url,
      username: 'default',
      password: '',
    });
    const sockets = new Set<unknown>();
    const onConnection = (socket: unknown) => sockets.add(socket);
    server.on('connection', onConnection);
    if (fakeTimers) vi.useFakeTimers({ toFake: fakeTimers });
    try {
      await use(client);
    } finally {
      vi.useRealTimers();
      server.off('connection', onConnection);
      await client.close();
    }
    return sockets.size;
  }

  const selectOne = async (client: ClickHouseClient) =>
    (await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })).json();

  it('sends a query without waiting for a timer first, and reuses its keep-alive socket', async () => {
    // Prepare: timers that never fire. The unpatched client waits for a setTimeout(0) before
    // every request (patches/@clickhouse+client+*.patch), so its query would never be sent.
    seen.length = 0;
    const answers: unknown[] = [];
    // Act
    const connections = await withClient(
      async (client) => {
        for (let index = 0; index < 3; index += 1) answers.push(await selectOne(client));
      },
      ['setTimeout', 'setInterval', 'setImmediate'],
    );
    // Assess
    expect(answers).toEqual([[{ one: 1 }], [{ one: 1 }], [{ one: 1 }]]);
    expect(seen).toHaveLength(3);
    expect(connections).toBe(1);
  });

  it('does not reuse a keep-alive socket idle past its time to live', async () => {
    // Prepare: a socket idle for longer than the client's idle-socket TTL (2.5 s by default),
    // with the client's own TTL timers held back, as on an event loop too busy to run them.
    const connections = await withClient(
      async (client) => {
        await selectOne(client);
        vi.setSystemTime(Date.now() + 3_000);
        // Act
        await selectOne(client);
      },
      ['setTimeout', 'Date'],
    );
    // Assess: the second query went out on a new connection.
    expect(connections).toBe(2);
  });

  it('asks for answers uncompressed', async () => {
    let answer: unknown;
    await withClient(async (client) => {
      answer = await selectOne(client);
    });
    expect(answer).toEqual([{ one: 1 }]);
    expect(seen.at(-1)?.url).not.toContain('enable_http_compression=1');
    expect(seen.at(-1)?.acceptEncoding ?? '').not.toContain('gzip');
  });
});

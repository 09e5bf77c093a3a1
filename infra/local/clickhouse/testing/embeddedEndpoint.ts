/**
 * Test fixtures for the embedded ClickHouse HTTP endpoint: an engine on a fresh temporary
 * SIGHTLINE_HOME with the endpoint served on a free loopback port, `@clickhouse/client`
 * instances pointed at it, and unique table names so tests never share data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  ClickHouseLogLevel,
  createClient,
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
} from '@clickhouse/client';
import { parseServerEnv } from '../../../../functions/config/env.ts';
import {
  openEmbeddedClickHouse,
  type EmbeddedClickHouse,
} from '../../../../functions/store/clickhouseClient.ts';
import { startClickHouseHttpServer } from '../ClickHouseHttpServer.ts';
import type { ClickHouseHttpServer, ClickHouseHttpServerOptions } from '../types.ts';

export const TEST_AUTH = { username: 'sightline_test', password: "p@ss w'rd:\\%" } as const;

export interface EmbeddedEndpoint {
  embedded: EmbeddedClickHouse;
  server: ClickHouseHttpServer;
  /** Another endpoint on the same engine, with different options. */
  startServer(options?: Omit<ClickHouseHttpServerOptions, 'engine'>): Promise<ClickHouseHttpServer>;
  /** An HTTP client on the endpoint, authenticated unless told otherwise. */
  httpClient(config?: ClickHouseClientConfigOptions): ClickHouseClient;
  /** `fetch` a path (with query string) on the endpoint, authenticated with headers. */
  fetch(pathAndQuery: string, init?: RequestInit & { authenticated?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

export async function startEmbeddedEndpoint(): Promise<EmbeddedEndpoint> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'sightline-clickhouse-http-'));
  const embedded = await openEmbeddedClickHouse(parseServerEnv({ SIGHTLINE_HOME: home }));
  const servers: ClickHouseHttpServer[] = [];
  const clients: ClickHouseClient[] = [];
  const startServer = async (options: Omit<ClickHouseHttpServerOptions, 'engine'> = {}) => {
    const started = await startClickHouseHttpServer({ engine: embedded.engine, ...options });
    servers.push(started);
    return started;
  };
  const server = await startServer({ auth: { ...TEST_AUTH } });
  return {
    embedded,
    server,
    startServer,
    httpClient(config = {}) {
      const client = createClient({
        url: server.url,
        username: TEST_AUTH.username,
        password: TEST_AUTH.password,
        log: { level: ClickHouseLogLevel.OFF },
        ...config,
      });
      clients.push(client);
      return client;
    },
    fetch(pathAndQuery, init = {}) {
      const { authenticated = true, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (authenticated) {
        headers.set('X-ClickHouse-User', TEST_AUTH.username);
        headers.set('X-ClickHouse-Key', TEST_AUTH.password);
      }
      return fetch(`${server.url}${pathAndQuery}`, { ...rest, headers });
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await Promise.all(servers.map((started) => started.close()));
      await embedded.client.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A table name no other test uses. */
export function uniqueTableName(purpose: string): string {
  return `${purpose}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

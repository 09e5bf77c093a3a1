/**
 * The one ClickHouse client factory. Every process gets its client here: over HTTP when
 * `CLICKHOUSE_URL` is set (a server, ClickHouse Cloud, or the local stack's loopback
 * endpoint), otherwise the embedded chDB engine on a data directory under SIGHTLINE_HOME.
 * Only one process may own an embedded data directory; the others use its HTTP endpoint.
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import {
  createClient,
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
} from '@clickhouse/client';
import { serverEnv, type ServerEnv } from '../config/env.ts';

export type { ClickHouseClient };

export interface ClickHouseTarget {
  kind: 'http' | 'embedded';
  /** URL for `http`, data directory for `embedded`. */
  location: string;
}

/** Where the embedded engine keeps its data for a given SIGHTLINE_HOME. */
export function embeddedDataPath(home: string): string {
  return path.resolve(home, 'clickhouse');
}

export function clickhouseTarget(env: ServerEnv = serverEnv()): ClickHouseTarget {
  if (env.CLICKHOUSE_URL) return { kind: 'http', location: env.CLICKHOUSE_URL };
  return { kind: 'embedded', location: embeddedDataPath(env.SIGHTLINE_HOME) };
}

export async function createClickHouseClient(
  env: ServerEnv = serverEnv(),
  overrides: { url?: string; username?: string; password?: string } = {},
): Promise<ClickHouseClient> {
  const url = overrides.url ?? env.CLICKHOUSE_URL;
  const common = {
    database: env.CLICKHOUSE_DATABASE,
    application: 'sightline',
    clickhouse_settings: { date_time_input_format: 'best_effort' as const },
  };
  if (url) {
    return createClient({
      ...common,
      url,
      username: overrides.username ?? env.CLICKHOUSE_USER,
      password: overrides.password ?? env.CLICKHOUSE_PASSWORD,
    });
  }
  const dataPath = embeddedDataPath(env.SIGHTLINE_HOME);
  mkdirSync(dataPath, { recursive: true });
  // Imported lazily: the native engine is only loaded by the process that owns the data.
  const { createChdbConnection } = await import('chdb/connection');
  // chdb types its Connection against its own copy of @clickhouse/client-common; the shapes
  // are identical, only the declaration files differ.
  const connection = createChdbConnection({
    path: dataPath,
  }) as unknown as ClickHouseClientConfigOptions['connection'];
  return createClient({ ...common, connection });
}

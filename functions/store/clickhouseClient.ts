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
import type { ChdbConnection } from 'chdb/connection';
import { z } from 'zod';
import { ConfigurationError, serverEnv, type ServerEnv } from '../config/env.ts';
import { isLoopbackHostname } from '../config/loopback.ts';
import { CodeOnlyClickHouseLogger } from './clickhouseErrors.ts';

export type { ClickHouseClient };

/** The embedded engine, opened by the one process that owns its data directory. */
export interface EmbeddedClickHouse {
  /** The in-process client on the engine. */
  client: ClickHouseClient;
  /**
   * The engine connection the client runs on, for the local stack's ClickHouse HTTP endpoint
   * (`startClickHouseHttpServer({ engine })`), which serves the same engine to other processes.
   * Closing the client closes it.
   */
  engine: ChdbConnection;
  dataPath: string;
}

/** Where the embedded engine keeps its data for a given SIGHTLINE_HOME. */
export function embeddedDataPath(home: string): string {
  return path.resolve(home, 'clickhouse');
}

const ConnectionSecretSchema = z.object({
  url: z.url(),
  username: z.string().min(1),
  password: z.string(),
  database: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional(),
});

/** In AWS the connection lives in Secrets Manager (cached by Powertools across invocations). */
async function readConnectionSecret(
  secretArn: string,
  forceFetch = false,
): Promise<z.infer<typeof ConnectionSecretSchema>> {
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await getSecret(secretArn, { transform: 'json', maxAge: 300, forceFetch });
  const parsed = ConnectionSecretSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigurationError(
      `The ClickHouse connection secret ${secretArn} must be JSON { url, username, password, database? }: ${parsed.error.issues.map((issue) => issue.path.join('.') + ' ' + issue.message).join('; ')}`,
    );
  }
  return parsed.data;
}

export async function createClickHouseClient(
  env: ServerEnv = serverEnv(),
  overrides: {
    url?: string;
    username?: string;
    password?: string;
    /** Read the connection secret again instead of from the cache (after a rotation). */
    refreshSecret?: boolean;
  } = {},
): Promise<ClickHouseClient> {
  const secret =
    !overrides.url && !env.CLICKHOUSE_URL && env.CLICKHOUSE_SECRET_ARN
      ? await readConnectionSecret(env.CLICKHOUSE_SECRET_ARN, overrides.refreshSecret)
      : undefined;
  const url = overrides.url ?? env.CLICKHOUSE_URL ?? secret?.url;
  if (url) {
    return createClient({
      ...clientDefaults(env),
      url,
      // Compressing answers pays over a network; over loopback (the local stack's endpoint)
      // it only adds work at both ends, ~1 ms a query on the benchmark machine.
      ...(isLoopbackUrl(url) ? { compression: { response: false } } : {}),
      // A keep-alive socket idle past its TTL is destroyed by its age right before a request
      // picks one, so a socket the server may have closed meanwhile is never reused. That makes
      // the timer tick the client otherwise waits before every request (>= 1 ms a query, for
      // its idle-socket timers to run) redundant: patches/@clickhouse+client+*.patch skips it
      // when this is on.
      keep_alive: { eagerly_destroy_stale_sockets: true },
      username: overrides.username ?? secret?.username ?? env.CLICKHOUSE_USER,
      password: overrides.password ?? secret?.password ?? env.CLICKHOUSE_PASSWORD,
      ...(secret?.database ? { database: secret.database } : {}),
    });
  }
  return (await openEmbeddedClickHouse(env)).client;
}

/** Whether `url` names this machine (a loopback address or localhost). */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHostname(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Opens the embedded engine on SIGHTLINE_HOME (or `options.dataPath`) and returns the
 * in-process client together with its engine connection. One engine per process: open it
 * once, in the process that owns the data directory.
 */
export async function openEmbeddedClickHouse(
  env: ServerEnv = serverEnv(),
  options: { dataPath?: string } = {},
): Promise<EmbeddedClickHouse> {
  // Not a file the web build should trace (the web app never opens the engine): without the
  // comment, Turbopack would copy the whole repository into the web app's Lambda package.
  const dataPath = path.resolve(
    /*turbopackIgnore: true*/ options.dataPath ?? embeddedDataPath(env.SIGHTLINE_HOME),
  );
  mkdirSync(dataPath, { recursive: true });
  // Imported lazily: the native engine is only loaded by the process that owns the data.
  const { createChdbConnection } = await import('chdb/connection');
  const engine = createChdbConnection({ path: dataPath });
  const client = createClient({
    ...clientDefaults(env),
    // chdb types its Connection against its own copy of @clickhouse/client-common; the
    // shapes are identical, only the declaration files differ.
    connection: engine as unknown as ClickHouseClientConfigOptions['connection'],
  });
  return { client, engine, dataPath };
}

function clientDefaults(env: ServerEnv) {
  return {
    // The client's default logger writes whole errors, query and row text included.
    log: { LoggerClass: CodeOnlyClickHouseLogger },
    database: env.CLICKHOUSE_DATABASE,
    application: 'sightline',
    clickhouse_settings: { date_time_input_format: 'best_effort' as const },
  };
}

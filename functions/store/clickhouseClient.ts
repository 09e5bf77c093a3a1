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
import { z } from 'zod';
import { ConfigurationError, serverEnv, type ServerEnv } from '../config/env.ts';

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
): Promise<z.infer<typeof ConnectionSecretSchema>> {
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await getSecret(secretArn, { transform: 'json', maxAge: 300 });
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
  overrides: { url?: string; username?: string; password?: string } = {},
): Promise<ClickHouseClient> {
  const secret =
    !overrides.url && !env.CLICKHOUSE_URL && env.CLICKHOUSE_SECRET_ARN
      ? await readConnectionSecret(env.CLICKHOUSE_SECRET_ARN)
      : undefined;
  const url = overrides.url ?? env.CLICKHOUSE_URL ?? secret?.url;
  const common = {
    database: env.CLICKHOUSE_DATABASE,
    application: 'sightline',
    clickhouse_settings: { date_time_input_format: 'best_effort' as const },
  };
  if (url) {
    return createClient({
      ...common,
      url,
      username: overrides.username ?? secret?.username ?? env.CLICKHOUSE_USER,
      password: overrides.password ?? secret?.password ?? env.CLICKHOUSE_PASSWORD,
      ...(secret?.database ? { database: secret.database } : {}),
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

/**
 * The web process's one ClickHouse client, built lazily by the shared factory and reused by
 * every request, and the wrapper every read goes through. The web app always reads ClickHouse
 * over HTTP (CLICKHOUSE_URL, or the connection secret in AWS): the embedded engine belongs to
 * the process that owns its data directory (the local stack), never to the web server.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouseClient } from '../../../functions/store/clickhouseClient.ts';
import { storeFailureCode } from '../../../functions/store/clickhouseErrors.ts';
import { ConfigurationError, serverEnv } from '../../../functions/config/env.ts';
import { InvalidRequestError, StoreUnavailableError } from './errors.ts';

// Kept on globalThis so `next dev` module reloads do not open a new connection pool each time.
const holder = globalThis as typeof globalThis & {
  sightlineClickHouse?: Promise<ClickHouseClient>;
};

async function createWebClient(): Promise<ClickHouseClient> {
  const env = serverEnv();
  // Without either, the factory would open the embedded engine in this process.
  if (!env.CLICKHOUSE_URL && !env.CLICKHOUSE_SECRET_ARN) {
    throw new ConfigurationError(
      'CLICKHOUSE_URL is not set. The web app reads ClickHouse over HTTP: start it through the local stack, or set CLICKHOUSE_URL (and CLICKHOUSE_USER / CLICKHOUSE_PASSWORD) to a ClickHouse server.',
    );
  }
  return createClickHouseClient(env);
}

export function getClickHouseClient(): Promise<ClickHouseClient> {
  if (!holder.sightlineClickHouse) {
    const created = createWebClient();
    holder.sightlineClickHouse = created;
    // A failed creation (bad configuration) is retried on the next request, not cached.
    created.catch(() => {
      if (holder.sightlineClickHouse === created) holder.sightlineClickHouse = undefined;
    });
  }
  return holder.sightlineClickHouse;
}

/** Repository errors that mean "this cannot be asked", not "the store is down". */
const REQUEST_ERROR_CODES = new Set(['INVALID_QUERY', 'INVALID_CURSOR', 'INVALID_REQUEST']);

function requestErrorOf(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && REQUEST_ERROR_CODES.has(code) ? error : undefined;
}

/**
 * Runs a read against ClickHouse. A bad configuration surfaces as the ConfigurationError it is;
 * a question the repositories refuse (INVALID_QUERY, INVALID_CURSOR) becomes an
 * InvalidRequestError (400 from the API, a readable panel on a page); any other failure
 * (connection, query) becomes a StoreUnavailableError that carries its code only.
 */
export async function withClickHouse<T>(
  read: (client: ClickHouseClient) => Promise<T>,
): Promise<T> {
  try {
    return await read(await getClickHouseClient());
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    const requestError = requestErrorOf(error);
    if (requestError) throw new InvalidRequestError(requestError.message);
    // Code and type only, as ingest logs them (docs/security.md); no cause is kept either,
    // so nothing that logs the thrown error prints the query's text.
    const failureCode = storeFailureCode(error);
    console.error(`ClickHouse query failed: ${failureCode}`);
    throw new StoreUnavailableError(failureCode);
  }
}

/**
 * Runs an explore read against ClickHouse like `withClickHouse`, except that the repositories'
 * "you asked something that cannot be answered" errors (INVALID_QUERY, INVALID_CURSOR) reach
 * the caller as InvalidRequestError — a 400 from the API and a readable panel on a page —
 * instead of being reported as the store being unavailable.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { withClickHouse } from '../../../server/clickhouse.ts';
import { InvalidRequestError } from '../../../server/errors.ts';

const REQUEST_ERROR_CODES = new Set(['INVALID_QUERY', 'INVALID_CURSOR', 'INVALID_REQUEST']);

function requestErrorOf(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && REQUEST_ERROR_CODES.has(code) ? error : undefined;
}

export async function readStore<T>(read: (client: ClickHouseClient) => Promise<T>): Promise<T> {
  let requestError: Error | undefined;
  try {
    return await withClickHouse(async (client) => {
      try {
        return await read(client);
      } catch (error) {
        requestError = requestErrorOf(error);
        throw error;
      }
    });
  } catch (error) {
    if (requestError) throw new InvalidRequestError(requestError.message);
    throw error;
  }
}

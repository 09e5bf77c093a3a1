/**
 * Recognises errors ClickHouse itself returned (as opposed to network failures). The
 * embedded engine's connection throws `ClickHouseError`s built from its own copy of
 * `@clickhouse/client-common`, so `instanceof` alone misses them: the class name and the
 * numeric code identify both kinds.
 */
import { ClickHouseError } from '@clickhouse/client';

export interface ClickHouseErrorInfo {
  code: string;
  type: string | undefined;
}

export function clickHouseErrorOf(error: unknown): ClickHouseErrorInfo | undefined {
  if (error instanceof ClickHouseError) return { code: error.code, type: error.type };
  const candidate = error as {
    constructor?: { name?: unknown };
    code?: unknown;
    type?: unknown;
  } | null;
  if (candidate?.constructor?.name === 'ClickHouseError' && typeof candidate.code === 'string') {
    return {
      code: candidate.code,
      type: typeof candidate.type === 'string' ? candidate.type : undefined,
    };
  }
  return undefined;
}

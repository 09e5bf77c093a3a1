/**
 * Recognises errors ClickHouse itself returned (as opposed to network failures). The
 * embedded engine's connection throws `ClickHouseError`s built from its own copy of
 * `@clickhouse/client-common`, so `instanceof` alone misses them: the class name and the
 * numeric code identify both kinds.
 */
import {
  ClickHouseError,
  type ErrorLogParams,
  type Logger,
  type WarnLogParams,
} from '@clickhouse/client';

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

/** An error code: ClickHouse's names and numbers, Node's `ECONNREFUSED`; nothing free-form. */
const ERROR_CODE = /^[A-Za-z0-9_]{1,64}$/;

function plainCode(value: unknown): string | undefined {
  return typeof value === 'string' && ERROR_CODE.test(value) ? value : undefined;
}

/**
 * What a failed request is known by in logs and on pages: ClickHouse's error code and type
 * (`62 SYNTAX_ERROR`), or the network error's code (`ECONNREFUSED`; Node 20 often wraps one
 * attempt per address family in an AggregateError with an empty message), else the error's
 * class. Never its message: ClickHouse quotes the query or the row it could not parse, and so
 * a person's search text or trace content, and the client's messages name the server.
 */
export function storeFailureCode(error: unknown): string {
  const clickhouse = clickHouseErrorOf(error);
  if (clickhouse) {
    const type = plainCode(clickhouse.type);
    return [plainCode(clickhouse.code) ?? 'UNKNOWN', ...(type ? [type] : [])].join(' ');
  }
  if (!(error instanceof Error)) return 'UNKNOWN';
  const inner = error instanceof AggregateError ? (error.errors[0] as unknown) : undefined;
  return (
    plainCode((error as Error & { code?: unknown }).code) ??
    plainCode((inner as { code?: unknown } | undefined)?.code) ??
    plainCode(error.name) ??
    'UNKNOWN'
  );
}

/**
 * The ClickHouse client's own log lines (a failed request, a dropped socket) with the error's
 * code only: its default logger prints the whole error. Every client this project makes uses it.
 */
export class CodeOnlyClickHouseLogger implements Logger {
  trace(): void {}
  debug(): void {}
  info(): void {}
  warn({ module, message, err }: WarnLogParams): void {
    console.warn(
      `[@clickhouse/client][${module}] ${message}${err ? ` ${storeFailureCode(err)}` : ''}`,
    );
  }
  error({ module, message, err }: ErrorLogParams): void {
    console.error(`[@clickhouse/client][${module}] ${message} ${storeFailureCode(err)}`);
  }
}

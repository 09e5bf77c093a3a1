/**
 * Errors of the embedded ClickHouse HTTP endpoint: the named errors its start-up throws, and
 * `ClickHouseException`, the one shape every failed request is answered with — ClickHouse's
 * `Code: <n>. DB::Exception: <message>. (<TYPE>) (version <v>)` text and its HTTP status —
 * so `@clickhouse/client` parses the code, type and message as it does from a real server.
 */
import {
  ClickHouseErrorCode,
  HTTP_STATUS_BY_CLICKHOUSE_CODE,
  type ClickHouseErrorName,
} from './constants.ts';

export class ClickHouseHttpServerError extends Error {
  readonly code: string = 'CLICKHOUSE_HTTP_SERVER_ERROR';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ClickHouseHttpServerError';
  }
}

export class InvalidServerOptionsError extends ClickHouseHttpServerError {
  override readonly code = 'INVALID_SERVER_OPTIONS';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidServerOptionsError';
  }
}

/** A request's failure, as ClickHouse would report it. */
export class ClickHouseException extends ClickHouseHttpServerError {
  override readonly code = 'CLICKHOUSE_EXCEPTION';
  readonly clickhouseCode: number;
  readonly clickhouseType: string;
  /** `Code: <n>. DB::Exception: <message>. (<TYPE>)`, without the version suffix. */
  readonly text: string;
  readonly httpStatus: number;
  constructor(
    clickhouseCode: number,
    clickhouseType: string,
    text: string,
    options?: ErrorOptions & { httpStatus?: number },
  ) {
    super(text, options);
    this.name = 'ClickHouseException';
    this.clickhouseCode = clickhouseCode;
    this.clickhouseType = clickhouseType;
    this.text = text;
    this.httpStatus =
      options?.httpStatus ?? HTTP_STATUS_BY_CLICKHOUSE_CODE.get(clickhouseCode) ?? 500;
  }

  /** An exception raised by the HTTP layer itself, worded like the engine words its own. */
  static of(
    type: ClickHouseErrorName,
    message: string,
    options?: { httpStatus?: number },
  ): ClickHouseException {
    const code = ClickHouseErrorCode[type];
    const sentence = /[.?!]$/.test(message) ? message : `${message}.`;
    return new ClickHouseException(
      code,
      type,
      `Code: ${code}. DB::Exception: ${sentence} (${type})`,
      options,
    );
  }

  /** The response body: ClickHouse appends the server version and a newline. */
  responseBody(serverVersion: string): string {
    return /\(version [^)]*\)\s*$/.test(this.text)
      ? `${this.text}\n`
      : `${this.text} (version ${serverVersion})\n`;
  }
}

// chDB reports engine failures with ClickHouse's own text, `Code: 60. DB::Exception: ...
// (UNKNOWN_TABLE)`, and sets `.clickhouseCode` on most (not on streaming errors). The code is
// read from the leading `Code: <n>.`; the type from the last `(UPPER_CASE)` group at the end,
// because a wrapped exception repeats the inner `Code:`/`(TYPE)` markers inside its message.
const ENGINE_TEXT = /^Code: (\d+)\. [\s\S]*\(([A-Z][A-Z0-9_]*)\)\s*$/;

/** Maps anything a request handler caught to the exception the client is answered with. */
export function toClickHouseException(error: unknown): ClickHouseException {
  if (error instanceof ClickHouseException) return error;
  const message = error instanceof Error ? error.message : String(error);
  const match = ENGINE_TEXT.exec(message.trim());
  if (match) {
    return new ClickHouseException(
      Number(match[1]),
      match[2] ?? 'UNKNOWN_EXCEPTION',
      message.trim(),
      {
        cause: error,
      },
    );
  }
  const chdbCode = (error as { code?: unknown } | null)?.code;
  const mapped =
    chdbCode === 'CHDB_BIND'
      ? ClickHouseException.of('BAD_QUERY_PARAMETER', message)
      : ClickHouseException.of('UNKNOWN_EXCEPTION', message);
  return new ClickHouseException(mapped.clickhouseCode, mapped.clickhouseType, mapped.text, {
    cause: error,
  });
}

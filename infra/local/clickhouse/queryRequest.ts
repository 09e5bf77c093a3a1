/**
 * What an HTTP query request asks of the engine, read the way ClickHouse's HTTP handler reads
 * it: the URL (and form) parameters split into the query, its id, database, default format,
 * bound `param_*` values, HTTP-layer options and engine settings; the full statement text
 * (URL `query`, a newline, then the body); and the shape of that statement, which decides how
 * it runs (streamed SELECT, raw INSERT passthrough, or a buffered statement).
 */
import {
  HttpLayerSetting,
  HttpParameter,
  QUERY_PARAMETER_PREFIX,
  ServerDefaults,
} from './constants.ts';
import { ClickHouseException } from './errors.ts';

export interface QueryRequest {
  /** The `query` URL parameter; the body completes it (insert data) or is the query. */
  urlQuery: string | undefined;
  queryId: string | undefined;
  database: string | undefined;
  defaultFormat: string;
  /** Bound values by name (without `param_`), as the client sent the text. */
  params: Map<string, string>;
  /** Engine settings to apply to the query's session. */
  settings: Map<string, string>;
  compressResponse: boolean;
  compressionLevel: number;
  /** Buffer the whole result before answering (ClickHouse's `wait_end_of_query=1`). */
  waitEndOfQuery: boolean;
}

const IGNORED_PARAMETERS = new Set<string>([
  HttpParameter.user,
  HttpParameter.password,
  HttpParameter.quotaKey,
  HttpParameter.stacktrace,
  HttpParameter.bufferSize,
  HttpParameter.clientProtocolVersion,
  HttpParameter.role,
  HttpParameter.sessionTimeout,
  HttpParameter.sessionCheck,
]);

export function parseQueryRequest(parameters: Iterable<[string, string]>): QueryRequest {
  const request: QueryRequest = {
    urlQuery: undefined,
    queryId: undefined,
    database: undefined,
    defaultFormat: ServerDefaults.defaultFormat,
    params: new Map(),
    settings: new Map(),
    compressResponse: false,
    compressionLevel: ServerDefaults.compressionLevel,
    waitEndOfQuery: false,
  };
  for (const [name, value] of parameters) {
    if (name.startsWith(QUERY_PARAMETER_PREFIX)) {
      request.params.set(name.slice(QUERY_PARAMETER_PREFIX.length), value);
      continue;
    }
    if (IGNORED_PARAMETERS.has(name)) continue;
    switch (name) {
      case HttpParameter.query:
        request.urlQuery = value;
        break;
      case HttpParameter.queryId:
        request.queryId = value === '' ? undefined : validQueryId(value);
        break;
      case HttpParameter.database:
        request.database = value === '' ? undefined : value;
        break;
      case HttpParameter.defaultFormat:
        request.defaultFormat = value === '' ? request.defaultFormat : validFormat(value);
        break;
      case HttpParameter.sessionId:
      case HttpParameter.closeSession:
        if (value !== '') {
          throw ClickHouseException.of(
            'NOT_IMPLEMENTED',
            'HTTP sessions (session_id) are not supported by the embedded ClickHouse endpoint; every request runs in its own session',
          );
        }
        break;
      case HttpParameter.compress:
      case HttpParameter.decompress:
        if (isTrue(value)) {
          throw ClickHouseException.of(
            'NOT_IMPLEMENTED',
            `ClickHouse's native block compression (${name}=1) is not supported by the embedded endpoint; use HTTP compression (Content-Encoding, enable_http_compression=1)`,
          );
        }
        break;
      case HttpParameter.waitEndOfQuery:
      case HttpLayerSetting.httpWaitEndOfQuery:
        request.waitEndOfQuery = isTrue(value);
        break;
      case HttpLayerSetting.enableHttpCompression:
        request.compressResponse = isTrue(value);
        break;
      case HttpLayerSetting.httpZlibCompressionLevel:
        request.compressionLevel = compressionLevel(value);
        break;
      default:
        request.settings.set(name, value);
    }
  }
  return request;
}

function isTrue(value: string): boolean {
  return value === '1' || value.toLowerCase() === 'true';
}

function validQueryId(value: string): string {
  // It is echoed in a response header, so it must be printable ASCII.
  if (!/^[\x20-\x7e]{1,1000}$/.test(value)) {
    throw ClickHouseException.of(
      'BAD_ARGUMENTS',
      'query_id must be 1 to 1000 printable ASCII characters',
    );
  }
  return value;
}

function validFormat(value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(value)) {
    throw ClickHouseException.of('UNKNOWN_FORMAT', `Unknown format ${value.slice(0, 100)}`);
  }
  return value;
}

function compressionLevel(value: string): number {
  const level = Number(value);
  if (!Number.isInteger(level) || level < 1 || level > 9) {
    throw ClickHouseException.of(
      'BAD_ARGUMENTS',
      `http_zlib_compression_level must be an integer from 1 to 9, not ${value.slice(0, 20)}`,
    );
  }
  return level;
}

/** ClickHouse's rule for the statement text: URL `query`, a newline, then the body. */
export function statementText(urlQuery: string | undefined, body: Buffer): string {
  if (urlQuery === undefined || urlQuery === '') return body.toString('utf8');
  return body.length === 0 ? urlQuery : `${urlQuery}\n${body.toString('utf8')}`;
}

/**
 * The statement that prepares a query's session: its settings, and `readonly = 2` for a GET
 * (ClickHouse runs GET requests read-only so a link or an <img> cannot change data).
 */
export function settingsStatement(
  settings: ReadonlyMap<string, string>,
  readOnlyRequest: boolean,
): string | undefined {
  const assignments: string[] = [];
  for (const [name, value] of settings) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw ClickHouseException.of('UNKNOWN_SETTING', `Unknown setting '${name.slice(0, 100)}'`);
    }
    // Over HTTP every setting value is text the engine parses per the setting's type; a
    // string literal hands the engine exactly that text.
    assignments.push(`${name} = ${sqlStringLiteral(value)}`);
  }
  const readonly = settings.get('readonly');
  if (readOnlyRequest && (readonly === undefined || readonly === '0')) {
    assignments.push(`readonly = 2`);
  }
  return assignments.length === 0 ? undefined : `SET ${assignments.join(', ')}`;
}

/** ClickHouse's default `max_query_size`: the longest statement text it parses. */
const DEFAULT_MAX_QUERY_SIZE = 262_144;

/**
 * The statements that bind a request's `param_<name>` values, as `SET param_<name> = '<text>'`:
 * the engine then parses each value's text per its placeholder's declared type, exactly as a
 * server parses an HTTP `param_` value, and the value never enters the query's own text. Names
 * are quoted, so any name a server would store is stored (an empty one, which no placeholder
 * can name, is skipped). A statement longer than the engine's parse limit is preceded by a
 * raised limit and followed by the default again, so long values (a server takes up to 1 MiB
 * of URL) do not count against the request's own query.
 */
export function parameterStatements(params: ReadonlyMap<string, string>): string[] {
  const assignments: string[] = [];
  for (const [name, value] of params) {
    if (name !== '')
      assignments.push(`${sqlIdentifier(`param_${name}`)} = ${sqlStringLiteral(value)}`);
  }
  if (assignments.length === 0) return [];
  const statement = `SET ${assignments.join(', ')}`;
  const bytes = Buffer.byteLength(statement);
  if (bytes < DEFAULT_MAX_QUERY_SIZE) return [statement];
  return [`SET max_query_size = ${bytes + 1}`, statement, 'SET max_query_size = DEFAULT'];
}

export function useDatabaseStatement(database: string): string {
  return `USE ${sqlIdentifier(database)}`;
}

/** A back-quoted identifier: any name, escaped as the engine's lexer reads it. */
function sqlIdentifier(name: string): string {
  return `\`${name.replace(/[\\`]/g, (char) => `\\${char}`).replace(/\0/g, '\\0')}\``;
}

function sqlStringLiteral(value: string): string {
  return `'${value.replace(/[\\']/g, (char) => `\\${char}`).replace(/\0/g, '\\0')}'`;
}

const LEADING_NOISE = /^(\s+|--[^\n]*(\n|$)|#[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*/;

function firstKeyword(sql: string): string {
  const rest = sql.slice(LEADING_NOISE.exec(sql)?.[0].length ?? 0);
  if (rest.startsWith('(')) return '(';
  return (/^[A-Za-z]+/.exec(rest)?.[0] ?? '').toUpperCase();
}

/** chDB can stream only SELECT-shaped statements; the rest run buffered. */
export function isStreamableStatement(sql: string): boolean {
  const keyword = firstKeyword(sql);
  return keyword === 'SELECT' || keyword === 'WITH' || keyword === '(';
}

export function isInsertStatement(sql: string): boolean {
  return firstKeyword(sql) === 'INSERT';
}

/** The format the result is written in: the statement's own FORMAT clause, else the default. */
export function outputFormat(sql: string, defaultFormat: string): string {
  if (isInsertStatement(sql)) return defaultFormat;
  return /\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)\s*;?\s*$/i.exec(sql)?.[1] ?? defaultFormat;
}

/** An INSERT whose data is all in the body and whose FORMAT is the last thing in the query. */
export function isInsertAwaitingData(urlQuery: string): boolean {
  return isInsertStatement(urlQuery) && /\bFORMAT\s+[A-Za-z][A-Za-z0-9_]*\s*$/i.test(urlQuery);
}

/** Formats chDB's raw insert passthrough accepts (its whitelist). */
const RAW_INSERT_FORMATS = [
  'JSONEachRow',
  'JSONCompactEachRow',
  'CSV',
  'CSVWithNames',
  'TSV',
  'TabSeparated',
  'TSVWithNames',
  'TabSeparatedWithNames',
] as const;

export type RawInsertFormat = (typeof RAW_INSERT_FORMATS)[number];

export interface RawInsertTarget {
  table: string;
  columns: string[] | undefined;
  format: RawInsertFormat;
}

const IDENTIFIER = '[A-Za-z0-9_]+';
const CANONICAL_INSERT = new RegExp(
  `^\\s*INSERT\\s+INTO\\s+(${IDENTIFIER}(?:\\.${IDENTIFIER})?)` +
    `(?:\\s*\\(\\s*(${IDENTIFIER}(?:\\s*,\\s*${IDENTIFIER})*)\\s*\\))?` +
    `\\s+FORMAT\\s+(${RAW_INSERT_FORMATS.join('|')})\\s*$`,
);

/**
 * The target of an insert in the shape `@clickhouse/client` writes (`INSERT INTO t (a, b)
 * FORMAT JSONEachRow`, plain identifiers, a text format). Such inserts hand the body to the
 * engine as bytes (no UTF-16 copy) and report the rows written; any other shape runs as text.
 */
export function rawInsertTarget(urlQuery: string): RawInsertTarget | undefined {
  const match = CANONICAL_INSERT.exec(urlQuery);
  if (!match) return undefined;
  return {
    table: match[1] as string,
    columns: match[2]?.split(',').map((column) => column.trim()),
    format: match[3] as RawInsertFormat,
  };
}

export function contentTypeFor(format: string): string {
  if (/JSON/i.test(format)) return 'application/json; charset=UTF-8';
  if (/^(TSV|TabSeparated)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  if (/^CSV/i.test(format)) return 'text/csv; charset=UTF-8';
  if (
    /^(RowBinary|Native|Parquet|Arrow|ORC|Avro|Protobuf|MsgPack|CapnProto|BSON|Npy)/i.test(format)
  ) {
    return 'application/octet-stream';
  }
  return 'text/plain; charset=UTF-8';
}

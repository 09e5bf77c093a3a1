/**
 * Fixed values of the embedded ClickHouse HTTP endpoint: ClickHouse error codes it emits or
 * maps, the HTTP statuses ClickHouse gives them, the URL parameters the HTTP layer consumes
 * itself, and the server's default limits.
 */

/** ClickHouse error codes by name (values checked against the engine's `errorCodeToName`). */
export const ClickHouseErrorCode = {
  UNSUPPORTED_METHOD: 1,
  CANNOT_PARSE_TEXT: 6,
  THERE_IS_NO_COLUMN: 8,
  DUPLICATE_COLUMN: 15,
  CANNOT_PARSE_ESCAPE_SEQUENCE: 25,
  CANNOT_PARSE_QUOTED_STRING: 26,
  CANNOT_PARSE_INPUT_ASSERTION_FAILED: 27,
  BAD_ARGUMENTS: 36,
  UNKNOWN_ELEMENT_IN_AST: 37,
  CANNOT_PARSE_DATE: 38,
  CANNOT_PARSE_DATETIME: 41,
  ILLEGAL_COLUMN: 44,
  UNKNOWN_FUNCTION: 46,
  UNKNOWN_IDENTIFIER: 47,
  NOT_IMPLEMENTED: 48,
  UNKNOWN_TYPE: 50,
  TYPE_MISMATCH: 53,
  UNKNOWN_STORAGE: 56,
  UNKNOWN_TABLE: 60,
  SYNTAX_ERROR: 62,
  UNKNOWN_AGGREGATE_FUNCTION: 63,
  CANNOT_PARSE_NUMBER: 72,
  UNKNOWN_FORMAT: 73,
  CANNOT_OPEN_FILE: 76,
  UNKNOWN_TYPE_OF_QUERY: 78,
  UNKNOWN_DATABASE: 81,
  UNKNOWN_COMPRESSION_METHOD: 89,
  UNKNOWN_SETTING: 115,
  INCORRECT_DATA: 117,
  UNKNOWN_TYPE_OF_AST_NODE: 123,
  UNKNOWN_DIRECTION_OF_SORTING: 152,
  TIMEOUT_EXCEEDED: 159,
  TOO_DEEP_AST: 167,
  TOO_BIG_AST: 168,
  UNKNOWN_USER: 192,
  WRONG_PASSWORD: 193,
  REQUIRED_PASSWORD: 194,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  SOCKET_TIMEOUT: 209,
  UNEXPECTED_AST_STRUCTURE: 223,
  QUERY_IS_TOO_LARGE: 229,
  CANNOT_DECOMPRESS: 271,
  VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE: 321,
  UNKNOWN_DATABASE_ENGINE: 336,
  CANNOT_PARSE_UUID: 376,
  HTTP_LENGTH_REQUIRED: 381,
  QUERY_WAS_CANCELLED: 394,
  CANNOT_COMPILE_REGEXP: 427,
  CANNOT_SCHEDULE_TASK: 439,
  CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING: 441,
  UNKNOWN_QUERY_PARAMETER: 456,
  BAD_QUERY_PARAMETER: 457,
  ACCESS_DENIED: 497,
  UNKNOWN_ROLE: 511,
  SET_NON_GRANTED_ROLE: 512,
  AUTHENTICATION_FAILED: 516,
  CANNOT_PARSE_IPV4: 675,
  CANNOT_PARSE_IPV6: 676,
  UNKNOWN_EXCEPTION: 1002,
} as const;

export type ClickHouseErrorName = keyof typeof ClickHouseErrorCode;

const C = ClickHouseErrorCode;

/**
 * The HTTP status ClickHouse's own HTTP handler gives an exception code (its
 * `exceptionCodeToHTTPStatus`); every other code is a 500.
 */
export const HTTP_STATUS_BY_CLICKHOUSE_CODE: ReadonlyMap<number, number> = new Map([
  [C.REQUIRED_PASSWORD, 401],
  ...[C.UNKNOWN_USER, C.WRONG_PASSWORD, C.AUTHENTICATION_FAILED, C.SET_NON_GRANTED_ROLE].map(
    (code) => [code, 403] as const,
  ),
  ...[
    C.BAD_ARGUMENTS,
    C.CANNOT_COMPILE_REGEXP,
    C.CANNOT_PARSE_TEXT,
    C.CANNOT_PARSE_ESCAPE_SEQUENCE,
    C.CANNOT_PARSE_QUOTED_STRING,
    C.CANNOT_PARSE_DATE,
    C.CANNOT_PARSE_DATETIME,
    C.CANNOT_PARSE_NUMBER,
    C.CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING,
    C.CANNOT_PARSE_IPV4,
    C.CANNOT_PARSE_IPV6,
    C.CANNOT_PARSE_INPUT_ASSERTION_FAILED,
    C.CANNOT_PARSE_UUID,
    C.DUPLICATE_COLUMN,
    C.ILLEGAL_COLUMN,
    C.UNKNOWN_ELEMENT_IN_AST,
    C.UNKNOWN_TYPE_OF_AST_NODE,
    C.THERE_IS_NO_COLUMN,
    C.TOO_DEEP_AST,
    C.TOO_BIG_AST,
    C.UNEXPECTED_AST_STRUCTURE,
    C.SYNTAX_ERROR,
    C.INCORRECT_DATA,
    C.TYPE_MISMATCH,
    C.VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE,
  ].map((code) => [code, 400] as const),
  ...[
    C.UNKNOWN_TABLE,
    C.UNKNOWN_FUNCTION,
    C.UNKNOWN_IDENTIFIER,
    C.UNKNOWN_TYPE,
    C.UNKNOWN_STORAGE,
    C.UNKNOWN_DATABASE,
    C.UNKNOWN_SETTING,
    C.UNKNOWN_DIRECTION_OF_SORTING,
    C.UNKNOWN_AGGREGATE_FUNCTION,
    C.UNKNOWN_FORMAT,
    C.UNKNOWN_DATABASE_ENGINE,
    C.UNKNOWN_TYPE_OF_QUERY,
    C.UNKNOWN_ROLE,
  ].map((code) => [code, 404] as const),
  [C.QUERY_IS_TOO_LARGE, 413],
  [C.NOT_IMPLEMENTED, 501],
  [C.SOCKET_TIMEOUT, 503],
  [C.CANNOT_OPEN_FILE, 503],
  [C.CANNOT_SCHEDULE_TASK, 503],
  [C.TOO_MANY_SIMULTANEOUS_QUERIES, 503],
  [C.HTTP_LENGTH_REQUIRED, 411],
  [C.TIMEOUT_EXCEEDED, 408],
]);

/**
 * URL parameters ClickHouse's HTTP handler consumes itself rather than treating as settings.
 * `param_*` (bound query parameters) are recognised by prefix.
 */
export const HttpParameter = {
  query: 'query',
  queryId: 'query_id',
  database: 'database',
  defaultFormat: 'default_format',
  user: 'user',
  password: 'password',
  quotaKey: 'quota_key',
  sessionId: 'session_id',
  sessionTimeout: 'session_timeout',
  sessionCheck: 'session_check',
  closeSession: 'close_session',
  compress: 'compress',
  decompress: 'decompress',
  role: 'role',
  stacktrace: 'stacktrace',
  bufferSize: 'buffer_size',
  waitEndOfQuery: 'wait_end_of_query',
  clientProtocolVersion: 'client_protocol_version',
} as const;

export const QUERY_PARAMETER_PREFIX = 'param_';

/**
 * Settings that only steer the HTTP layer. The ones this server implements are read here and
 * not passed to the engine; any other setting is applied to the query's engine session.
 */
export const HttpLayerSetting = {
  enableHttpCompression: 'enable_http_compression',
  httpZlibCompressionLevel: 'http_zlib_compression_level',
  httpWaitEndOfQuery: 'http_wait_end_of_query',
} as const;

export const ServerDefaults = {
  host: '127.0.0.1',
  port: 0,
  /** Largest request body accepted, before and after decompression. */
  maxRequestBodyBytes: 256 * 1024 * 1024,
  /** ClickHouse's own `http_max_uri_size` default; long `param_*` values travel in the URL. */
  maxUrlBytes: 1024 * 1024,
  /** Queries run on the engine at once; the rest wait in line (chDB's native pool is 4 threads). */
  maxConcurrentQueries: 8,
  /** Requests allowed to wait for a slot before the server answers TOO_MANY_SIMULTANEOUS_QUERIES. */
  maxQueuedQueries: 1000,
  /** ClickHouse's `http_zlib_compression_level` default. */
  compressionLevel: 3,
  /** How long `close()` lets in-flight requests finish before cutting their connections. */
  closeGraceMs: 5000,
  defaultFormat: 'TabSeparated',
} as const;

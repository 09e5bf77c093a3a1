/**
 * Serves ClickHouse's HTTP interface from the process that owns the embedded chDB engine, so
 * other local processes (web app, CLI, tests) reach the same data with a plain
 * `CLICKHOUSE_URL`. It answers what `@clickhouse/client` and curl users rely on: `/ping`,
 * queries in the URL and/or body, `param_*` bound values, `database`, `default_format`,
 * `query_id`, settings as URL parameters, gzip/deflate/br request and response compression,
 * the `X-ClickHouse-*` headers, and errors in ClickHouse's text shape and status codes.
 *
 * Each request runs on its own connection to the engine (a chDB Session on the data directory
 * of the in-process client's connection; chDB runs every connection to a directory on the one
 * engine). Not on the in-process client's own connection: a connection runs one query at a
 * time and keeps SET, USE and bound values, which would leak between requests. Bound values
 * are set on the request's own connection (`SET param_…`), so parameterised queries run in
 * parallel like any others. SELECTs without bound values stream chunk by chunk; everything
 * else (and `wait_end_of_query=1`) is buffered whole by the engine before the answer starts.
 *
 * Not served: HTTP sessions (`session_id`), ClickHouse's native block compression, external
 * data tables, binary insert formats, progress headers.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { pipeline, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Session, StreamChunk } from 'chdb';
import { isLoopbackHostname, LOOPBACK_HOSTNAMES } from '../../../functions/config/loopback.ts';
import { listenOnLoopback } from '../services/listenOnLoopback.ts';
import { assertAuthenticated, presentedCredentials } from './authenticateRequest.ts';
import { ServerDefaults } from './constants.ts';
import { ClickHouseException, InvalidServerOptionsError, toClickHouseException } from './errors.ts';
import {
  contentTypeFor,
  isInsertAwaitingData,
  isStreamableStatement,
  outputFormat,
  parseQueryRequest,
  rawInsertTarget,
  parameterStatements,
  settingsStatement,
  statementText,
  useDatabaseStatement,
  type QueryRequest,
} from './queryRequest.ts';
import { QuerySlots } from './QuerySlots.ts';
import { parseMultipartForm, readRequestBody, zstd } from './requestBody.ts';
import type { ClickHouseHttpServer, ClickHouseHttpServerOptions, EmbeddedEngine } from './types.ts';

export type {
  ClickHouseHttpAuth,
  ClickHouseHttpServer,
  ClickHouseHttpServerOptions,
  EmbeddedEngine,
} from './types.ts';

interface EngineInfo {
  /** chDB's Session class, loaded with the native engine only when a server starts. */
  Session: typeof Session;
  dataPath: string;
  version: string;
  timezone: string;
}

interface QuerySummary {
  read_rows: string;
  read_bytes: string;
  written_rows: string;
  written_bytes: string;
  total_rows_to_read: string;
  result_rows: string;
  result_bytes: string;
  elapsed_ns: string;
}

type ResponseEncoding = 'gzip' | 'deflate' | 'br' | 'zstd';

export async function startClickHouseHttpServer(
  options: ClickHouseHttpServerOptions,
): Promise<ClickHouseHttpServer> {
  const host = options.host ?? ServerDefaults.host;
  const limits = {
    maxRequestBodyBytes: positiveInteger(
      'maxRequestBodyBytes',
      options.maxRequestBodyBytes ?? ServerDefaults.maxRequestBodyBytes,
    ),
    maxConcurrentQueries: positiveInteger(
      'maxConcurrentQueries',
      options.maxConcurrentQueries ?? ServerDefaults.maxConcurrentQueries,
    ),
    maxQueuedQueries: positiveInteger(
      'maxQueuedQueries',
      options.maxQueuedQueries ?? ServerDefaults.maxQueuedQueries,
    ),
  };
  if (options.auth && (options.auth.username === '' || typeof options.auth.password !== 'string')) {
    throw new InvalidServerOptionsError('auth needs a non-empty username and a password string');
  }
  const engine = await readEngineInfo(options.engine);
  const slots = new QuerySlots(limits.maxConcurrentQueries, limits.maxQueuedQueries);
  const logger = options.logger ?? console;
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const context: RequestContext = {
    engine,
    slots,
    auth: options.auth,
    maxRequestBodyBytes: limits.maxRequestBodyBytes,
    checkHost: isLoopback(host),
    isClosing: () => closing,
    logger,
  };
  const server = http.createServer(
    // Long `param_*` values travel in the URL, as with ClickHouse's 1 MiB http_max_uri_size.
    { maxHeaderSize: ServerDefaults.maxUrlBytes + 64 * 1024 },
    (request, response) => {
      const handled = handleRequest(context, request, response).catch((error: unknown) => {
        logger.warn(
          `[clickhouse-http] unexpected fault answering a request: ${describeError(error)}`,
        );
        response.destroy();
      });
      inFlight.add(handled);
      void handled.finally(() => inFlight.delete(handled));
    },
  );
  const bound = await listenOnLoopback(server, {
    service: 'the ClickHouse HTTP endpoint',
    port: options.port ?? ServerDefaults.port,
    host,
  });
  const urlHost = isIP(bound.host) === 6 ? `[${bound.host}]` : bound.host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${bound.port}`,
    host: bound.host,
    port: bound.port,
    close() {
      closed ??= (async () => {
        closing = true;
        slots.refuseWaiting(
          ClickHouseException.of(
            'QUERY_WAS_CANCELLED',
            'The embedded ClickHouse endpoint is shutting down',
          ),
        );
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = new Promise((resolve) =>
          setTimeout(resolve, ServerDefaults.closeGraceMs).unref(),
        );
        await Promise.race([Promise.allSettled([...inFlight]), grace]);
        // An engine call cannot be interrupted; requests still running lose their connection
        // and release their engine session when the call returns.
        server.closeAllConnections();
        await serverClosed;
      })();
      return closed;
    },
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidServerOptionsError(`${name} must be a positive integer, not ${value}`);
  }
  return value;
}

function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTNAMES.has(host) || host.startsWith('127.');
}

async function readEngineInfo(engine: EmbeddedEngine): Promise<EngineInfo> {
  const { Session } = await import('chdb');
  const dataPath = engine.chdb.session.path;
  const session = new Session(dataPath);
  try {
    const result = await session.queryAsync('SELECT version(), timezone()', {
      format: 'TabSeparated',
    });
    const [version = 'unknown', timezone = 'UTC'] = result.text().trim().split('\t');
    return { Session, dataPath, version, timezone };
  } finally {
    session.close();
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

interface RequestContext {
  engine: EngineInfo;
  slots: QuerySlots;
  auth: ClickHouseHttpServerOptions['auth'];
  maxRequestBodyBytes: number;
  /** Refuse Host headers that are not loopback names (DNS rebinding), when bound to loopback. */
  checkHost: boolean;
  isClosing: () => boolean;
  logger: Pick<Console, 'warn'>;
}

async function handleRequest(
  context: RequestContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://embedded-clickhouse');
  const queryId = validQueryIdOrNew(url.searchParams.get('query_id'));
  response.setHeader('X-ClickHouse-Query-Id', queryId);
  response.setHeader('X-ClickHouse-Timezone', context.engine.timezone);
  // The client's disconnect aborts a queued request and a running stream.
  const disconnected = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) disconnected.abort(new Error('client disconnected'));
  });
  try {
    if (context.isClosing()) {
      response.setHeader('Connection', 'close');
      throw ClickHouseException.of(
        'QUERY_WAS_CANCELLED',
        'The embedded ClickHouse endpoint is shutting down',
      );
    }
    refuseBrowserRequests(context, request);
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') {
      response.setHeader('Allow', 'GET, POST, HEAD');
      throw ClickHouseException.of('UNSUPPORTED_METHOD', `HTTP method ${method} is not supported`, {
        httpStatus: 405,
      });
    }
    if (url.pathname === '/ping' || (url.pathname === '/' && isLiveness(method, url, request))) {
      sendText(response, 200, 'Ok.\n');
      return;
    }
    assertAuthenticated(context.auth, presentedCredentials(request.headers, url.searchParams));
    const body =
      method === 'POST'
        ? await readRequestBody(request, context.maxRequestBodyBytes)
        : Buffer.alloc(0);
    const contentType = request.headers['content-type'] ?? '';
    const form = /^multipart\/form-data/i.test(contentType)
      ? parseMultipartForm(body, contentType)
      : undefined;
    const parameters: [string, string][] = [...url.searchParams];
    for (const field of form ?? []) parameters.push([field.name, field.value]);
    const query = parseQueryRequest(parameters);
    await runQuery(context, query, {
      body: form ? Buffer.alloc(0) : body,
      readOnly: method !== 'POST',
      request,
      response,
      signal: disconnected.signal,
    });
  } catch (error) {
    if (disconnected.signal.aborted) return;
    const exception = toClickHouseException(error);
    if (exception.clickhouseType === 'UNKNOWN_EXCEPTION') {
      context.logger.warn(
        `[clickhouse-http] query ${queryId} failed with an unexpected error: ${describeError(error)}`,
      );
    }
    sendException(context, request, response, exception);
  }
}

function validQueryIdOrNew(value: string | null): string {
  return value !== null && /^[\x20-\x7e]{1,1000}$/.test(value) ? value : randomUUID();
}

/** `GET /` with no query is ClickHouse's liveness answer, like `/ping`. */
function isLiveness(method: string, url: URL, request: IncomingMessage): boolean {
  return (
    method !== 'POST' &&
    !url.searchParams.has('query') &&
    request.headers['content-length'] === undefined
  );
}

/**
 * A web page must not be able to drive the local engine: browsers label cross-site requests
 * with `Origin`/`Sec-Fetch-Site`, and a DNS-rebound page reaches loopback under a foreign Host.
 * Programs (`@clickhouse/client`, curl, Node's fetch) send neither.
 */
function refuseBrowserRequests(context: RequestContext, request: IncomingMessage): void {
  const fetchSite = request.headers['sec-fetch-site'];
  if (
    request.headers.origin !== undefined ||
    fetchSite === 'cross-site' ||
    fetchSite === 'same-site'
  ) {
    throw ClickHouseException.of(
      'ACCESS_DENIED',
      'Requests from web pages (with an Origin header) are refused by the embedded ClickHouse endpoint',
      { httpStatus: 403 },
    );
  }
  if (!context.checkHost) return;
  const hostname = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (!isLoopbackHostname(hostname)) {
    throw ClickHouseException.of(
      'ACCESS_DENIED',
      `Host '${hostname.slice(0, 100)}' is not a loopback name; the embedded ClickHouse endpoint only answers requests addressed to this machine`,
      { httpStatus: 403 },
    );
  }
}

interface Exchange {
  body: Buffer;
  readOnly: boolean;
  request: IncomingMessage;
  response: ServerResponse;
  signal: AbortSignal;
}

async function runQuery(context: RequestContext, query: QueryRequest, exchange: Exchange) {
  const { body, response } = exchange;
  const urlQuery = query.urlQuery ?? '';
  const rawInsert =
    body.length > 0 && query.params.size === 0 ? rawInsertTarget(urlQuery) : undefined;
  const sql = rawInsert ? urlQuery : statementText(query.urlQuery, body);
  if (sql.trim() === '') throw ClickHouseException.of('SYNTAX_ERROR', 'Empty query');
  const format = outputFormat(sql, query.defaultFormat);
  const encoding = query.compressResponse
    ? responseEncoding(exchange.request.headers['accept-encoding'])
    : undefined;
  const respond = (bytes: Uint8Array, summary: QuerySummary) =>
    sendResult(response, { bytes, summary, format, encoding, level: query.compressionLevel });

  // An insert without rows succeeds, as on a server; the engine would refuse an empty body.
  if (isInsertAwaitingData(urlQuery) && body.every(isWhitespaceByte)) {
    await respond(new Uint8Array(0), summaryOf({}));
    return;
  }

  const release = await context.slots.acquire(exchange.signal);
  let session: Session | undefined;
  try {
    const opened = new context.engine.Session(context.engine.dataPath);
    session = opened;
    // The request's bound values, settings and database, as statements run before its own. A
    // buffered SELECT carries them in front of its SQL (one engine call instead of several:
    // each costs the engine ~0.4 ms); streams take one statement, and other statements (an
    // INSERT with its data inline) are left whole, so those run them first. Values are bound
    // with `SET param_…`, not chDB's binder: that one runs one query at a time process-wide,
    // so concurrent requests (a page's panels, a trace's three reads) would queue.
    const preamble = [
      ...parameterStatements(query.params),
      settingsStatement(query.settings, exchange.readOnly),
      query.database ? useDatabaseStatement(query.database) : undefined,
    ].filter((statement) => statement !== undefined);
    const prepareSession = async () => {
      for (const statement of preamble.splice(0)) await opened.queryAsync(statement);
    };
    const withPreamble = async (statement: string) => {
      if (!isStreamableStatement(statement)) await prepareSession();
      return preamble.length === 0 ? statement : `${preamble.join('; ')}; ${statement}`;
    };

    if (rawInsert) {
      await prepareSession();
      const written = await session.insert({
        table: rawInsert.table,
        ...(rawInsert.columns ? { columns: rawInsert.columns } : {}),
        format: rawInsert.format,
        values: body,
      });
      await respond(
        new Uint8Array(0),
        summaryOf({
          writtenRows: written.rowsWritten,
          writtenBytes: written.bytesWritten,
          elapsed: written.elapsed,
        }),
      );
      return;
    }
    // Bound SELECTs are buffered, their values in front of the SQL (streaming would run them
    // as separate engine calls first).
    if (!query.waitEndOfQuery && query.params.size === 0 && isStreamableStatement(sql)) {
      await prepareSession();
      const streamed = await streamResult(
        session,
        sql,
        { format, encoding, level: query.compressionLevel },
        context.engine.version,
        exchange,
      );
      if (streamed) return;
    }
    const result = await session.queryAsync(await withPreamble(sql), { format });
    await respond(result.bytes(), summaryOfResult(result));
  } finally {
    session?.close();
    release();
  }
}

function isWhitespaceByte(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function summaryOfResult(result: { rowsRead: number; bytesRead: number; elapsed: number }) {
  return summaryOf({ rows: result.rowsRead, bytes: result.bytesRead, elapsed: result.elapsed });
}

function summaryOf(values: {
  rows?: number;
  bytes?: number;
  writtenRows?: number;
  writtenBytes?: number;
  elapsed?: number;
}): QuerySummary {
  const text = (value: number | undefined) => String(value ?? 0);
  return {
    read_rows: text(values.rows ?? values.writtenRows),
    read_bytes: text(values.bytes ?? values.writtenBytes),
    written_rows: text(values.writtenRows),
    written_bytes: text(values.writtenBytes),
    total_rows_to_read: '0',
    result_rows: text(values.rows),
    result_bytes: text(values.bytes),
    elapsed_ns: String(Math.round((values.elapsed ?? 0) * 1e9)),
  };
}

/**
 * Streams a SELECT's result. The first chunk is fetched before answering, so a query that
 * fails to start gets a proper error status; a failure after that is appended in ClickHouse's
 * in-stream exception block (announced by `X-ClickHouse-Exception-Tag`), which
 * `@clickhouse/client` recognises. Returns false when chDB cannot stream the statement.
 */
async function streamResult(
  session: Session,
  sql: string,
  output: { format: string; encoding: ResponseEncoding | undefined; level: number },
  serverVersion: string,
  exchange: Exchange,
): Promise<boolean> {
  const { format, encoding } = output;
  const { response, signal } = exchange;
  let chunks: AsyncIterator<StreamChunk>;
  let first: IteratorResult<StreamChunk>;
  const started = process.hrtime.bigint();
  try {
    chunks = session.queryStream(sql, { format, signal })[Symbol.asyncIterator]();
    first = await chunks.next();
  } catch (error) {
    if (isStreamingUnsupported(error)) return false;
    throw error;
  }
  const tag = randomUUID().replace(/-/g, '').slice(0, 16);
  const summary = summaryOf({
    rows: first.done ? 0 : first.value.numRows,
    bytes: first.done ? 0 : first.value.numBytes,
  });
  summary.elapsed_ns = String(process.hrtime.bigint() - started);
  response.writeHead(200, {
    ...resultHeaders(format, summary, encoding),
    'X-ClickHouse-Exception-Tag': tag,
  });
  const out = encodedOutput(response, encoding, output.level);
  try {
    for (let next = first; !next.done; next = await chunks.next()) {
      await write(out, next.value.raw(), signal);
    }
  } catch (error) {
    if (signal.aborted) return true;
    out.write(inStreamException(toClickHouseException(error), tag, serverVersion));
  } finally {
    await chunks.return?.();
  }
  out.end();
  await finished(response).catch(() => {});
  return true;
}

function isStreamingUnsupported(error: unknown): boolean {
  return error instanceof Error && /Streaming query is not supported/.test(error.message);
}

// ClickHouse 25.11+ ends a stream that failed midway with
// `\r\n__exception__\r\n<tag>\n<message>\n<length> <tag>\r\n__exception__\r\n`, where length
// counts the message's bytes plus its newline; `@clickhouse/client` reads it from the end.
function inStreamException(exception: ClickHouseException, tag: string, serverVersion: string) {
  const message = exception.responseBody(serverVersion).trimEnd();
  const length = Buffer.byteLength(message) + 1;
  return Buffer.from(
    `\r\n__exception__\r\n${tag}\n${message}\n${length} ${tag}\r\n__exception__\r\n`,
  );
}

async function write(out: Writable, data: Uint8Array, signal: AbortSignal): Promise<void> {
  if (out.write(data)) return;
  await once(out, 'drain', { signal });
}

function encodedOutput(
  response: ServerResponse,
  encoding: ResponseEncoding | undefined,
  level: number,
): Writable {
  if (!encoding) return response;
  const encoder = createEncoder(encoding, level);
  pipeline(encoder, response, () => {});
  return encoder;
}

function createEncoder(encoding: ResponseEncoding, level: number) {
  switch (encoding) {
    case 'gzip':
      return zlib.createGzip({ level });
    case 'deflate':
      return zlib.createDeflate({ level });
    case 'br':
      return zlib.createBrotliCompress({
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: level },
      });
    case 'zstd':
      return (zstd.createZstdCompress as () => ReturnType<typeof zlib.createGzip>)();
  }
}

/** ClickHouse's preference among the encodings the client accepts. */
function responseEncoding(acceptEncoding: string | undefined): ResponseEncoding | undefined {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => !/;\s*q=0(\.0*)?$/.test(entry))
      .map((entry) => entry.split(';')[0]?.trim()),
  );
  const preference: ResponseEncoding[] = ['gzip', 'deflate', 'br'];
  if (zstd.createZstdCompress) preference.push('zstd');
  return preference.find((encoding) => accepted.has(encoding));
}

function resultHeaders(
  format: string,
  summary: QuerySummary,
  encoding: ResponseEncoding | undefined,
): http.OutgoingHttpHeaders {
  return {
    'Content-Type': contentTypeFor(format),
    'X-ClickHouse-Format': format,
    'X-ClickHouse-Summary': JSON.stringify(summary),
    ...(encoding ? { 'Content-Encoding': encoding, Vary: 'Accept-Encoding' } : {}),
  };
}

async function sendResult(
  response: ServerResponse,
  result: {
    bytes: Uint8Array;
    summary: QuerySummary;
    format: string;
    encoding: ResponseEncoding | undefined;
    level: number;
  },
): Promise<void> {
  const headers = resultHeaders(result.format, result.summary, result.encoding);
  const payload = result.encoding
    ? await encodeWhole(result.bytes, result.encoding, result.level)
    : result.bytes;
  response.writeHead(200, { ...headers, 'Content-Length': payload.byteLength });
  response.end(payload);
  await finished(response).catch(() => {});
}

function encodeWhole(bytes: Uint8Array, encoding: ResponseEncoding, level: number) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const encoder = createEncoder(encoding, level);
    encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    encoder.on('end', () => resolve(Buffer.concat(chunks)));
    encoder.on('error', reject);
    encoder.end(bytes);
  });
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function sendException(
  context: RequestContext,
  request: IncomingMessage,
  response: ServerResponse,
  exception: ClickHouseException,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = exception.responseBody(context.engine.version);
  const headers: http.OutgoingHttpHeaders = {
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Length': Buffer.byteLength(body),
    'X-ClickHouse-Exception-Code': String(exception.clickhouseCode),
  };
  if (exception.httpStatus === 401) headers['WWW-Authenticate'] = 'Basic realm="ClickHouse"';
  // A body left unread (refused before or while reading it) must not be parsed as the next
  // request on this connection.
  if (!request.complete) headers.Connection = 'close';
  response.writeHead(exception.httpStatus, headers);
  response.end(body);
}

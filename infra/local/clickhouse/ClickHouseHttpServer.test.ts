import http from 'node:http';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseError, TupleParam } from '@clickhouse/client';
import { Session } from 'chdb';
import { startClickHouseHttpServer } from './ClickHouseHttpServer.ts';
import { ClickHouseErrorCode } from './constants.ts';
import {
  TEST_AUTH,
  startEmbeddedEndpoint,
  uniqueTableName,
  type EmbeddedEndpoint,
} from './testing/embeddedEndpoint.ts';

const HOSTILE_STRINGS = [
  "it's",
  'back\\slash \\N \\t',
  'line1\nline2\r\n\ttabbed',
  "'; DROP TABLE spans; --",
  'double "quoted" and `ticked`',
  'unicode ☃ 😀 é 中文',
  '',
  '\\',
  "''",
  '{x:String}',
];

let endpoint: EmbeddedEndpoint;

beforeAll(async () => {
  endpoint = await startEmbeddedEndpoint();
});

afterAll(async () => {
  await endpoint?.close();
});

async function createTable(name: string, columns: string): Promise<void> {
  await endpoint
    .httpClient()
    .command({ query: `CREATE TABLE ${name} (${columns}) ENGINE = MergeTree ORDER BY tuple()` });
}

async function expectClickHouseError(
  promise: Promise<unknown>,
  expected: { code: number; type: string; message?: RegExp },
): Promise<ClickHouseError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ClickHouseError);
  const clickhouseError = error as ClickHouseError;
  expect(clickhouseError.code).toBe(String(expected.code));
  expect(clickhouseError.type).toBe(expected.type);
  if (expected.message) expect(clickhouseError.message).toMatch(expected.message);
  return clickhouseError;
}

describe('liveness', () => {
  it('answers ping() from @clickhouse/client', async () => {
    const result = await endpoint.httpClient().ping();

    expect(result).toEqual({ success: true });
  });

  it.each(['/ping', '/'])('answers a plain GET %s with Ok. and no credentials', async (path) => {
    const response = await endpoint.fetch(path, { authenticated: false });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Ok.\n');
  });

  it('runs a query given in the URL of a plain fetch', async () => {
    const response = await endpoint.fetch('/?query=SELECT%201');

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('1\n');
    expect(response.headers.get('x-clickhouse-format')).toBe('TabSeparated');
  });
});

describe('statements through @clickhouse/client', () => {
  it('creates a table with command(), inserts JSONEachRow rows and reads them back', async () => {
    const table = uniqueTableName('events');
    await createTable(table, 'id UInt64, label String, at DateTime64(3)');
    const client = endpoint.httpClient();

    const inserted = await client.insert({
      table,
      values: HOSTILE_STRINGS.map((label, id) => ({ id, label, at: '2024-05-06 07:08:09.123' })),
      format: 'JSONEachRow',
    });
    const rows = await client
      .query({ query: `SELECT id, label, at FROM ${table} ORDER BY id`, format: 'JSONEachRow' })
      .then((result) => result.json<{ id: string; label: string; at: string }>());

    expect(inserted.summary?.written_rows).toBe(String(HOSTILE_STRINGS.length));
    expect(rows.map((row) => row.label)).toEqual(HOSTILE_STRINGS);
    expect(rows[0]?.at).toBe('2024-05-06 07:08:09.123');
  });

  it.each(HOSTILE_STRINGS.map((value) => [JSON.stringify(value), value]))(
    'finds a stored row by the bound String %s',
    async (_label, value) => {
      const table = uniqueTableName('lookup');
      await createTable(table, 'id UInt8, label String');
      const client = endpoint.httpClient();
      await client.insert({
        table,
        values: [
          { id: 1, label: value },
          { id: 2, label: `${value}x` },
        ],
        format: 'JSONEachRow',
      });

      const rows = await client
        .query({
          query: `SELECT id, label FROM ${table} WHERE label = {label:String}`,
          query_params: { label: value },
          format: 'JSONEachRow',
        })
        .then((result) => result.json<{ id: number; label: string }>());

      expect(rows).toEqual([{ id: 1, label: value }]);
    },
  );

  it.each(HOSTILE_STRINGS.map((value) => [JSON.stringify(value), value]))(
    'hands the engine the bound text of %s unchanged, inside arrays, maps and tuples too',
    async (_label, value) => {
      const withNul = `${value}\0end`;
      const [row] = await endpoint
        .httpClient()
        .query({
          query: `SELECT {s:String} AS s, {n:Nullable(String)} AS n, {a:Array(String)} AS a,
            {m:Map(String, Array(String))} AS m, {t:Tuple(String, UInt8)} AS t,
            {j:String} AS j`,
          query_params: {
            s: withNul,
            n: value,
            a: [value, 'x'],
            m: new Map([[value, [value, withNul]]]),
            t: new TupleParam([value, 7]),
            j: JSON.stringify({ value }),
          },
          format: 'JSONEachRow',
        })
        .then((result) => result.json<Record<string, unknown>>());

      expect(row).toEqual({
        s: withNul,
        n: value,
        a: [value, 'x'],
        m: { [value]: [value, withNul] },
        t: [value, 7],
        j: JSON.stringify({ value }),
      });
    },
  );

  it('binds parameters of many types exactly as a server parses them', async () => {
    const at = new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 987));
    const params = {
      text: "'; DROP TABLE t; -- \\ \n ☃",
      big: 18446744073709551615n,
      negative: -9223372036854775808n,
      at,
      atText: '2024-02-29 23:59:58.987',
      tags: ["it's", 'a\\b', 'new\nline', ''],
      missing: null,
      present: 'here',
      attributes: new Map([
        ["k'ey", 'v\\al'],
        ['empty', ''],
      ]),
      pair: new TupleParam(['x"y', 7]),
      ratio: 0.1,
      flag: true,
      amount: '12345678901234567890.123456789',
    };

    const [row] = await endpoint
      .httpClient()
      .query({
        query: `SELECT {text:String} AS text, toString({big:UInt64}) AS big, toString({negative:Int64}) AS negative,
          {at:DateTime64(3, 'UTC')} AS at, {atText:DateTime64(3, 'UTC')} AS at_text,
          {tags:Array(String)} AS tags, {missing:Nullable(String)} AS missing,
          {present:Nullable(String)} AS present, {attributes:Map(String, String)} AS attributes,
          {pair:Tuple(String, UInt8)} AS pair, {ratio:Float64} AS ratio, {flag:Bool} AS flag,
          toString({amount:Decimal(38, 9)}) AS amount`,
        query_params: params,
        format: 'JSONEachRow',
      })
      .then((result) => result.json<Record<string, unknown>>());

    expect(row).toEqual({
      text: params.text,
      big: '18446744073709551615',
      negative: '-9223372036854775808',
      at: '2024-02-29 23:59:58.987',
      at_text: '2024-02-29 23:59:58.987',
      tags: params.tags,
      missing: null,
      present: 'here',
      attributes: { "k'ey": 'v\\al', empty: '' },
      pair: ['x"y', 7],
      ratio: 0.1,
      flag: true,
      amount: '12345678901234567890.123456789',
    });
  });

  it('sends long bound values in a multipart body when the client is told to', async () => {
    const long = `${'x'.repeat(10_000)}'\n`;

    const [row] = await endpoint
      .httpClient({ use_multipart_params: true })
      .query({
        query: 'SELECT {long:String} AS long, {n:UInt8} AS n',
        query_params: { long, n: 5 },
        format: 'JSONEachRow',
      })
      .then((result) => result.json<{ long: string; n: number }>());

    expect(row).toEqual({ long, n: 5 });
  });

  it('binds a value longer than the statement limit, and the query itself keeps that limit', async () => {
    const long = `${"it's ".repeat(60_000)}\\`;

    const [row] = await endpoint
      .httpClient({ use_multipart_params: true })
      .query({
        query: "SELECT length({long:String}) AS chars, getSetting('max_query_size') AS limit",
        query_params: { long },
        format: 'JSONEachRow',
      })
      .then((result) => result.json<{ chars: number; limit: number }>());

    expect(row).toEqual({ chars: long.length, limit: 262_144 });
  });

  it.each([
    ['a raw tab in a String', 'a\tb', 'String', 457, 'BAD_QUERY_PARAMETER'],
    ['a trailing backslash', 'a\\', 'String', 25, 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
    ['text that is no number', '12x', 'UInt32', 457, 'BAD_QUERY_PARAMETER'],
  ])('refuses %s in a bound value as a server does', async (_case, text, type, code, name) => {
    const response = await endpoint.fetch(
      `/?${new URLSearchParams({ query: `SELECT {v:${type}} AS v`, param_v: text })}`,
    );

    // A server answers 500 for BAD_QUERY_PARAMETER: its status table does not list it.
    expect(response.status).toBe(code === 457 ? 500 : 400);
    expect(response.headers.get('x-clickhouse-exception-code')).toBe(String(code));
    expect(await response.text()).toContain(`(${name})`);
  });

  it('takes any parameter name a server takes, and a name never reaches the SQL', async () => {
    const table = uniqueTableName('names');
    await createTable(table, 'id UInt8');
    const hostileName = `a\` = 1; DROP TABLE ${table}; --`;
    const response = await endpoint.fetch(
      `/?${new URLSearchParams({
        query: 'SELECT {a$b:String} AS v, {1a:UInt8} AS n FORMAT JSONEachRow',
        param_a$b: 'x',
        param_1a: '7',
        [`param_${hostileName}`]: 'y',
        'param_a-b': 'unused',
        param_: 'nameless',
      })}`,
    );

    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text())).toEqual({ v: 'x', n: 7 });
    const tables = await endpoint
      .httpClient()
      .query({ query: `EXISTS TABLE ${table}`, format: 'JSONEachRow' })
      .then((result) => result.json<{ result: number }>());
    expect(tables).toEqual([{ result: 1 }]);
  });

  it('runs exec() with the query in the body and returns the raw stream', async () => {
    const result = await endpoint.httpClient().exec({ query: 'SELECT 40 + 2 FORMAT CSV' });
    let text = '';
    for await (const chunk of result.stream) text += String(chunk);

    expect(text).toBe('42\n');
  });

  it('runs exec() inserts with the data in the body, in any statement shape', async () => {
    const table = uniqueTableName('exec_insert');
    await createTable(table, 'id UInt8, label String');
    const client = endpoint.httpClient();

    await client.exec({
      query: `INSERT INTO ${table} (id, label) SETTINGS async_insert = 0 FORMAT CSV`,
      values: Readable.from([Buffer.from('1,"a,b"\n2,"c""d"\n')]),
    });
    const empty = await endpoint.fetch(
      `/?query=${encodeURIComponent(`INSERT INTO ${table} FORMAT JSONEachRow`)}`,
      { method: 'POST', body: '' },
    );
    const rows = await client
      .query({ query: `SELECT label FROM ${table} ORDER BY id`, format: 'JSONEachRow' })
      .then((result) => result.json<{ label: string }>());

    expect(empty.status).toBe(200);
    expect(rows).toEqual([{ label: 'a,b' }, { label: 'c"d' }]);
  });

  it('uses the database a client is configured with', async () => {
    const database = uniqueTableName('db');
    await endpoint.httpClient().command({ query: `CREATE DATABASE ${database}` });
    const scoped = endpoint.httpClient({ database });
    await scoped.command({ query: 'CREATE TABLE scoped (n UInt8) ENGINE = Memory' });
    await scoped.insert({ table: 'scoped', values: [{ n: 9 }], format: 'JSONEachRow' });

    const rows = await endpoint
      .httpClient()
      .query({ query: `SELECT n FROM ${database}.scoped`, format: 'JSONEachRow' })
      .then((result) => result.json());

    expect(rows).toEqual([{ n: 9 }]);
  });

  it('applies settings to the one request that sends them', async () => {
    const client = endpoint.httpClient();
    const maxThreads = () =>
      client
        .query({ query: "SELECT getSetting('max_threads') AS n", format: 'JSONEachRow' })
        .then((result) => result.json<{ n: string | number }>());

    const withSetting = await client
      .query({
        query: "SELECT getSetting('max_threads') AS n",
        format: 'JSONEachRow',
        clickhouse_settings: { max_threads: 3 },
      })
      .then((result) => result.json<{ n: string | number }>());
    const without = await maxThreads();

    expect(Number(withSetting[0]?.n)).toBe(3);
    expect(Number(without[0]?.n)).not.toBe(3);
  });

  it.each([
    { shape: 'with bound values', queryParams: { x: 7 }, settings: {} },
    { shape: 'buffered whole (wait_end_of_query)', settings: { wait_end_of_query: 1 as const } },
  ])(
    'runs a SELECT $shape with its settings and database, and GETs read-only',
    async ({ queryParams, settings }) => {
      const database = uniqueTableName('db');
      await endpoint.httpClient().command({ query: `CREATE DATABASE ${database}` });
      const scoped = endpoint.httpClient({ database });
      const query = `SELECT getSetting('max_threads') AS threads, currentDatabase() AS db,
        getSetting('readonly') AS readonly${queryParams ? ', {x:UInt8} AS x' : ''}`;

      const [row] = await scoped
        .query({
          query,
          format: 'JSONEachRow',
          ...(queryParams ? { query_params: queryParams } : {}),
          clickhouse_settings: { max_threads: 3, ...settings },
        })
        .then((result) => result.json<Record<string, unknown>>());
      const viaGet = await endpoint
        .fetch(`/?${new URLSearchParams({ query: `${query} FORMAT JSONEachRow`, param_x: '7' })}`)
        .then((response) => response.json() as Promise<Record<string, unknown>>);

      expect(Number(row?.threads)).toBe(3);
      expect(row?.db).toBe(database);
      expect(Number(row?.readonly)).toBe(0);
      expect(row?.x).toBe(queryParams ? 7 : undefined);
      expect(Number(viaGet.readonly)).toBe(2);
    },
  );

  it('streams a large result without buffering it whole', async () => {
    const result = await endpoint.httpClient().query({
      query: 'SELECT number, toString(number) AS s FROM numbers(1000000)',
      format: 'JSONCompactEachRow',
    });
    let rows = 0;
    for await (const batch of result.stream()) rows += batch.length;

    expect(rows).toBe(1_000_000);
  });
});

describe('errors', () => {
  it('surfaces an unknown table as ClickHouseError 60 UNKNOWN_TABLE', async () => {
    await expectClickHouseError(
      endpoint.httpClient().query({ query: 'SELECT * FROM no_such_table_here' }),
      { code: 60, type: 'UNKNOWN_TABLE', message: /no_such_table_here/ },
    );
  });

  it('surfaces a syntax error as ClickHouseError 62 SYNTAX_ERROR', async () => {
    await expectClickHouseError(endpoint.httpClient().command({ query: 'SELEC 1' }), {
      code: 62,
      type: 'SYNTAX_ERROR',
      message: /Syntax error/,
    });
  });

  it('surfaces a failure in the middle of a streamed result', async () => {
    const query = endpoint.httpClient().query({
      query: "SELECT throwIf(number = 300000, 'boom midway') AS x FROM numbers(400000)",
      format: 'JSONEachRow',
    });

    await expectClickHouseError(
      query.then((result) => result.json()),
      { code: 395, type: 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO', message: /boom midway/ },
    );
  });

  it.each([
    ['an unknown table', 'SELECT * FROM nowhere_at_all', 404, 60],
    ['a syntax error', 'SELEC 1', 400, 62],
    ['an unknown setting', 'SELECT 1&not_a_setting_at_all=1', 404, 115],
    ['a failing function', "SELECT throwIf(1, 'no')", 500, 395],
  ])(
    'answers %s with the HTTP status and body ClickHouse uses',
    async (_name, sql, status, code) => {
      const response = await endpoint.fetch(`/?query=${sql.replace(/ /g, '%20')}`);
      const body = await response.text();

      expect(response.status).toBe(status);
      expect(response.headers.get('x-clickhouse-exception-code')).toBe(String(code));
      expect(body).toMatch(
        new RegExp(`^Code: ${code}\\. DB::Exception: .*\\([A-Z_]+\\) \\(version [^)]+\\)\\n$`, 's'),
      );
    },
  );

  it('runs GET requests read-only, as ClickHouse does', async () => {
    const table = uniqueTableName('readonly');
    const response = await endpoint.fetch(
      `/?query=${encodeURIComponent(`CREATE TABLE ${table} (n UInt8) ENGINE = Memory`)}`,
    );

    expect(response.headers.get('x-clickhouse-exception-code')).toBe('164');
  });

  it('refuses HTTP sessions it cannot keep', async () => {
    await expectClickHouseError(
      endpoint.httpClient({ session_id: 'kept-session' }).query({ query: 'SELECT 1' }),
      { code: 48, type: 'NOT_IMPLEMENTED', message: /session_id/ },
    );
  });
});

describe('authentication', () => {
  it('refuses a wrong password with 516 AUTHENTICATION_FAILED', async () => {
    await expectClickHouseError(
      endpoint.httpClient({ password: 'wrong' }).query({ query: 'SELECT 1' }),
      { code: 516, type: 'AUTHENTICATION_FAILED' },
    );
  });

  it('refuses a wrong username with the right password', async () => {
    await expectClickHouseError(
      endpoint.httpClient({ username: 'someone_else' }).query({ query: 'SELECT 1' }),
      { code: 516, type: 'AUTHENTICATION_FAILED' },
    );
  });

  it('asks for credentials with 401 when none are given', async () => {
    const response = await endpoint.fetch('/?query=SELECT%201', { authenticated: false });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(response.headers.get('x-clickhouse-exception-code')).toBe('516');
  });

  it.each([
    [
      'Basic auth',
      {
        headers: {
          Authorization: `Basic ${Buffer.from(`${TEST_AUTH.username}:${TEST_AUTH.password}`).toString('base64')}`,
        },
      },
      '',
    ],
    [
      'user and password parameters',
      {},
      `&user=${encodeURIComponent(TEST_AUTH.username)}&password=${encodeURIComponent(TEST_AUTH.password)}`,
    ],
  ])('accepts credentials given as %s', async (_way, init, query) => {
    const response = await endpoint.fetch(`/?query=SELECT%202${query}`, {
      ...init,
      authenticated: false,
    });

    expect(await response.text()).toBe('2\n');
  });

  it('refuses credentials given two ways at once', async () => {
    const response = await endpoint.fetch(
      `/?query=SELECT%201&user=${encodeURIComponent(TEST_AUTH.username)}&password=${encodeURIComponent(TEST_AUTH.password)}`,
    );

    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/more than one way/);
  });

  it('refuses a request addressed to a non-loopback host name (DNS rebinding)', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = http.get(
        `${endpoint.server.url}/?query=SELECT%201`,
        { headers: { Host: `rebound.example:${endpoint.server.port}` } },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on('error', reject);
    });

    expect(status).toBe(403);
  });

  it('refuses requests from web pages', async () => {
    const response = await endpoint.fetch('/?query=SELECT%201', {
      headers: { Origin: 'https://evil.example' },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-clickhouse-exception-code')).toBe('497');
  });
});

describe('HTTP details', () => {
  it('echoes the query_id and reports format and summary headers', async () => {
    const response = await endpoint.fetch(
      '/?query=SELECT%20number%20AS%20n%20FROM%20numbers(3)&query_id=my-query-1&default_format=JSONEachRow',
    );

    expect(await response.text()).toBe('{"n":0}\n{"n":1}\n{"n":2}\n');
    expect(response.headers.get('x-clickhouse-query-id')).toBe('my-query-1');
    expect(response.headers.get('x-clickhouse-format')).toBe('JSONEachRow');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(response.headers.get('x-clickhouse-summary') ?? '{}')).toMatchObject({
      result_rows: '3',
    });
  });

  it('concatenates the URL query, a newline and the body, as ClickHouse does', async () => {
    const table = uniqueTableName('concat');
    await createTable(table, 'n UInt8');

    const response = await endpoint.fetch(
      `/?query=${encodeURIComponent(`INSERT INTO ${table} VALUES`)}`,
      { method: 'POST', body: '(1), (2)' },
    );
    const count = await endpoint.fetch(`/?query=SELECT%20sum(n)%20FROM%20${table}`);

    expect(response.status).toBe(200);
    expect(await count.text()).toBe('3\n');
  });

  it('compresses requests and responses with gzip through @clickhouse/client', async () => {
    const table = uniqueTableName('gzip');
    await createTable(table, 'id UInt32, payload String');
    const client = endpoint.httpClient({ compression: { request: true, response: true } });
    const payload = 'compressible '.repeat(200);

    await client.insert({
      table,
      values: Array.from({ length: 500 }, (_, id) => ({ id, payload })),
      format: 'JSONEachRow',
    });
    const rows = await client
      .query({
        query: `SELECT toString(count()) AS n, any(payload) AS p FROM ${table}`,
        format: 'JSONEachRow',
      })
      .then((result) => result.json<{ n: string; p: string }>());

    expect(rows).toEqual([{ n: '500', p: payload }]);
  });

  it('answers with a gzip body only when enable_http_compression=1 and the client accepts it', async () => {
    const query = '/?query=SELECT%20repeat(%27a%27%2C%201000)';
    const compressed = await endpoint.fetch(`${query}&enable_http_compression=1`, {
      headers: { 'Accept-Encoding': 'gzip' },
    });
    const plain = await endpoint.fetch(query, { headers: { 'Accept-Encoding': 'gzip' } });

    expect(compressed.headers.get('content-encoding')).toBe('gzip');
    expect(await compressed.text()).toBe(`${'a'.repeat(1000)}\n`);
    expect(plain.headers.get('content-encoding')).toBeNull();
  });

  it('accepts a gzip-compressed body from a plain HTTP client', async () => {
    const response = await endpoint.fetch('/?enable_http_compression=1', {
      method: 'POST',
      body: gzipSync('SELECT 7 AS n FORMAT JSONEachRow'),
      headers: { 'Content-Encoding': 'gzip', 'Accept-Encoding': 'identity' },
    });

    expect(await response.text()).toBe('{"n":7}\n');
  });

  it('refuses a body over the configured limit with 413 QUERY_IS_TOO_LARGE', async () => {
    const small = await endpoint.startServer({ maxRequestBodyBytes: 1024 });

    const response = await fetch(`${small.url}/`, {
      method: 'POST',
      body: `SELECT '${'x'.repeat(4096)}'`,
    });

    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/^Code: 229\..*1024 bytes/s);
  });

  it('counts a compressed body by its decompressed size', async () => {
    const small = await endpoint.startServer({ maxRequestBodyBytes: 1024 });
    const bomb = gzipSync(`SELECT '${'x'.repeat(100_000)}'`);

    const response = await fetch(`${small.url}/`, {
      method: 'POST',
      body: bomb,
      headers: { 'Content-Encoding': 'gzip' },
    });

    expect(bomb.length).toBeLessThan(1024);
    expect(response.status).toBe(413);
  });
});

describe('sharing the engine', () => {
  it('lets the in-process client and an HTTP client see each other’s writes', async () => {
    const table = uniqueTableName('shared');
    await endpoint.embedded.client.command({
      query: `CREATE TABLE ${table} (source String) ENGINE = MergeTree ORDER BY source`,
    });
    const overHttp = endpoint.httpClient();

    await endpoint.embedded.client.insert({
      table,
      values: [{ source: 'in-process' }],
      format: 'JSONEachRow',
    });
    await overHttp.insert({ table, values: [{ source: 'http' }], format: 'JSONEachRow' });
    const seenOverHttp = await overHttp
      .query({ query: `SELECT source FROM ${table} ORDER BY source`, format: 'JSONEachRow' })
      .then((result) => result.json());
    const seenInProcess = await endpoint.embedded.client
      .query({ query: `SELECT source FROM ${table} ORDER BY source`, format: 'JSONEachRow' })
      .then((result) => result.json());

    expect(seenOverHttp).toEqual([{ source: 'http' }, { source: 'in-process' }]);
    expect(seenInProcess).toEqual(seenOverHttp);
  });

  it('answers 50 concurrent queries, bound and streamed, each with its own result', async () => {
    const client = endpoint.httpClient({ max_open_connections: 50 });

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0
          ? client.query({
              query: 'SELECT {i:UInt32} * 2 AS doubled, {label:String} AS label',
              query_params: { i, label: `request ${i}'` },
              format: 'JSONEachRow',
            })
          : client.query({
              query: `SELECT ${i} * 2 AS doubled, 'request ${i}''' AS label, sleep(0.05)`,
              format: 'JSONEachRow',
            })
        ).then((result) => result.json<{ doubled: number; label: string }>()),
      ),
    );

    results.forEach((rows, i) => {
      expect(rows[0]).toMatchObject({ doubled: i * 2, label: `request ${i}'` });
    });
  });
});

describe('clients that go away', () => {
  it('releases the engine when a client disconnects in the middle of a stream', async () => {
    const single = await endpoint.startServer({ maxConcurrentQueries: 1 });
    const abandon = () =>
      new Promise<void>((resolve, reject) => {
        const request = http.get(
          `${single.url}/?query=SELECT%20number%20FROM%20numbers(100000000)`,
          (response) => response.once('data', () => request.destroy()),
        );
        request.on('close', resolve);
        request.on('error', (error: NodeJS.ErrnoException) =>
          error.code === 'ECONNRESET' ? resolve() : reject(error),
        );
      });

    for (let i = 0; i < 3; i++) await abandon();
    const response = await fetch(`${single.url}/?query=SELECT%2042`, {
      signal: AbortSignal.timeout(10_000),
    });

    expect(await response.text()).toBe('42\n');
  });
});

describe('start-up', () => {
  it('refuses a port already in use with a named error that names it', async () => {
    const taken = endpoint.server.port;

    const failure = startClickHouseHttpServer({
      engine: endpoint.embedded.engine,
      port: taken,
    });

    await expect(failure).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: expect.stringContaining(String(taken)),
    });
  });

  it('releases its port on close()', async () => {
    const server = await startClickHouseHttpServer({ engine: endpoint.embedded.engine });

    await server.close();
    const again = await startClickHouseHttpServer({
      engine: endpoint.embedded.engine,
      port: server.port,
    });
    await again.close();

    expect(again.port).toBe(server.port);
  });

  it('knows the engine’s own names for the error codes it emits', async () => {
    const session = new Session(endpoint.embedded.dataPath);
    try {
      const names = await session.queryAsync(
        `SELECT groupArray(errorCodeToName(code)) FROM (SELECT arrayJoin([${Object.values(ClickHouseErrorCode).join(',')}]) AS code)`,
        { format: 'JSONCompactEachRow' },
      );

      expect(names.json<string[][]>()[0]).toEqual(Object.keys(ClickHouseErrorCode));
    } finally {
      session.close();
    }
  });
});

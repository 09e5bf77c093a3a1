import { describe, expect, it } from 'vitest';
import {
  isInsertAwaitingData,
  isStreamableStatement,
  outputFormat,
  parseQueryRequest,
  rawInsertTarget,
  settingsStatement,
  statementText,
  useDatabaseStatement,
} from './queryRequest.ts';

describe('parseQueryRequest', () => {
  it('splits parameters into query, bound values, HTTP options and engine settings', () => {
    const request = parseQueryRequest(
      new URLSearchParams({
        query: 'SELECT {x:String}',
        query_id: 'q-1',
        database: 'analytics',
        default_format: 'JSONEachRow',
        param_x: "it\\'s",
        user: 'alice',
        password: 'secret',
        enable_http_compression: '1',
        http_zlib_compression_level: '6',
        wait_end_of_query: '1',
        max_threads: '2',
        date_time_input_format: 'best_effort',
      }),
    );

    expect(request).toEqual({
      urlQuery: 'SELECT {x:String}',
      queryId: 'q-1',
      database: 'analytics',
      defaultFormat: 'JSONEachRow',
      params: new Map([['x', "it\\'s"]]),
      settings: new Map([
        ['max_threads', '2'],
        ['date_time_input_format', 'best_effort'],
      ]),
      compressResponse: true,
      compressionLevel: 6,
      waitEndOfQuery: true,
    });
  });

  it.each([
    ['session_id', 'abc', 'NOT_IMPLEMENTED'],
    ['decompress', '1', 'NOT_IMPLEMENTED'],
    ['default_format', 'JSON; DROP', 'UNKNOWN_FORMAT'],
    ['http_zlib_compression_level', '12', 'BAD_ARGUMENTS'],
    ['query_id', 'line\nbreak', 'BAD_ARGUMENTS'],
  ])('refuses %s=%j with %s', (name, value, clickhouseType) => {
    expect(() => parseQueryRequest([[name, value]])).toThrow(
      expect.objectContaining({ clickhouseType }) as Error,
    );
  });
});

describe('statement text', () => {
  it.each([
    ['URL query only', 'SELECT 1', '', 'SELECT 1'],
    ['body only', undefined, 'SELECT 2', 'SELECT 2'],
    ['URL query and body', 'INSERT INTO t FORMAT CSV', '1,2', 'INSERT INTO t FORMAT CSV\n1,2'],
  ])('joins %s as ClickHouse does', (_case, urlQuery, body, expected) => {
    expect(statementText(urlQuery, Buffer.from(body))).toBe(expected);
  });

  it('quotes settings as string literals and runs GET requests read-only', () => {
    const statement = settingsStatement(new Map([['log_comment', "it's \\ fine"]]), true);

    expect(statement).toBe("SET log_comment = 'it\\'s \\\\ fine', readonly = 2");
  });

  it('keeps a stricter readonly a GET request asks for', () => {
    expect(settingsStatement(new Map([['readonly', '1']]), true)).toBe("SET readonly = '1'");
  });

  it('refuses a setting name that is not an identifier', () => {
    expect(() => settingsStatement(new Map([['a = 1; DROP', '1']]), false)).toThrow(
      expect.objectContaining({ clickhouseType: 'UNKNOWN_SETTING' }) as Error,
    );
  });

  it('quotes the database as an identifier', () => {
    expect(useDatabaseStatement('we`ird\\db')).toBe('USE `we\\`ird\\\\db`');
  });
});

describe('statement shape', () => {
  it.each([
    ['SELECT 1', true],
    ['  -- comment\n/* block */ with x AS (SELECT 1) SELECT * FROM x', true],
    ['(SELECT 1) UNION ALL (SELECT 2)', true],
    ['INSERT INTO t VALUES (1)', false],
    ['SHOW TABLES', false],
    ['CREATE TABLE t (a UInt8) ENGINE = Memory', false],
  ])('%j streams: %s', (sql, streamable) => {
    expect(isStreamableStatement(sql)).toBe(streamable);
  });

  it.each([
    ['SELECT 1 \nFORMAT JSONEachRow', 'TabSeparated', 'JSONEachRow'],
    ['SELECT 1 FORMAT CSV;', 'TabSeparated', 'CSV'],
    ['SELECT 1', 'JSON', 'JSON'],
    ['INSERT INTO t FORMAT JSONEachRow\n{"a":1}', 'TabSeparated', 'TabSeparated'],
  ])('%j answers in %s by default, so in %s', (sql, defaultFormat, expected) => {
    expect(outputFormat(sql, defaultFormat)).toBe(expected);
  });

  it.each([
    ['INSERT INTO spans FORMAT JSONEachRow', { table: 'spans', columns: undefined }],
    [
      'INSERT INTO db.spans (id, name) FORMAT JSONCompactEachRow',
      { table: 'db.spans', columns: ['id', 'name'] },
    ],
  ])('passes %j through as raw bytes', (sql, target) => {
    expect(rawInsertTarget(sql)).toMatchObject(target);
  });

  it.each([
    'INSERT INTO spans (* EXCEPT (id)) FORMAT JSONEachRow',
    'INSERT INTO `odd-name` FORMAT JSONEachRow',
    'INSERT INTO spans FORMAT Parquet',
    'INSERT INTO spans SETTINGS async_insert = 1 FORMAT JSONEachRow',
  ])('runs %j as text', (sql) => {
    expect(rawInsertTarget(sql)).toBeUndefined();
  });

  it('recognises an insert whose rows are all in the body', () => {
    expect(isInsertAwaitingData('INSERT INTO t FORMAT JSONEachRow')).toBe(true);
    expect(isInsertAwaitingData('INSERT INTO t VALUES (1)')).toBe(false);
  });
});

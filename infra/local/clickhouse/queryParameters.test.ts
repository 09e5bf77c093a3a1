import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatQueryParams, TupleParam } from '@clickhouse/client-common';
import { Session } from 'chdb';
import { ClickHouseException } from './errors.ts';
import { placeholderTypes, toChdbBindParams, toChdbBindValue } from './queryParameters.ts';

describe('placeholderTypes', () => {
  it('reads each placeholder’s declared type, nested parentheses and quotes included', () => {
    const sql = `SELECT {a:String}, { b : Array(Tuple(String, UInt8)) }, {c:Enum8('x}' = 1)},
      {a:UInt8}, '{not:Closed'`;

    const types = placeholderTypes(sql);

    expect([...types]).toEqual([
      ['a', 'String'],
      ['b', 'Array(Tuple(String, UInt8))'],
      ['c', "Enum8('x}' = 1)"],
    ]);
  });
});

describe('toChdbBindValue', () => {
  it.each([
    ['String', 'a\\nb\\tc\\\\d', 'a\nb\tc\\d'],
    ['String', "it\\'s", "it's"],
    ['String', '100\\%', '100\\%'],
    ['String', '\\x41\\xC3\\xA9', 'Aé'],
    ['Nullable(String)', '\\N', null],
    ['String', '\\N', ''],
    ['LowCardinality(Nullable(String))', 'x\\ny', 'x\ny'],
    ['UInt64', '18446744073709551615', '18446744073709551615'],
    ['Array(String)', "['it\\'s','a\\\\b']", "['it''s','a\\b']"],
    ['Map(String, String)', "{'k\\'':'v\\n'}", "{'k''':'v\n'}"],
    ['Array(String)', "['a''b']", "['a''b']"],
  ])('maps %s text %j to %j', (type, text, expected) => {
    expect(toChdbBindValue('p', text, type)).toBe(expected);
  });

  it.each([
    ['a raw tab in a String', 'a\tb', 'String', 'BAD_QUERY_PARAMETER'],
    ['a trailing backslash', 'a\\', 'String', 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
    [
      'a broken \\x escape in a literal',
      "['\\xZZ']",
      'Array(String)',
      'CANNOT_PARSE_QUOTED_STRING',
    ],
    ['bytes that are not UTF-8', '\\xFF', 'String', 'BAD_QUERY_PARAMETER'],
  ])('refuses %s as ClickHouse does', (_case, text, type, clickhouseType) => {
    expect(() => toChdbBindValue('p', text, type)).toThrow(
      expect.objectContaining({ clickhouseType }) as ClickHouseException,
    );
  });

  it('binds every value of a request by the type its placeholder declares', () => {
    const params = new Map([
      ['s', "x\\'y"],
      ['a', "['x\\'y']"],
      ['unused', "x\\'y"],
    ]);

    const bound = toChdbBindParams('SELECT {s:String}, {a:Array(String)}', params);

    expect(bound.s).toBe("x'y");
    expect(bound.a).toBe("['x''y']");
    expect(Object.keys(bound)).toEqual(['s', 'a', 'unused']);
  });
});

/**
 * The engine itself is the reference: `SET param_p = '<text>'` hands it the HTTP text
 * unchanged (as clickhouse-client's --param_p does), and it parses that text per the declared
 * type exactly as the HTTP handler does. Each case must read the same through chDB's binder.
 */
describe('binding through chDB reads values as a ClickHouse server does', () => {
  let dataPath: string;
  let session: Session;

  beforeAll(() => {
    dataPath = mkdtempSync(path.join(os.tmpdir(), 'sightline-query-parameters-'));
    session = new Session(dataPath);
  });

  afterAll(() => {
    session?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  const hostile = [
    "it's",
    'a\\b',
    'line1\nline2\r\n',
    'tab\there',
    "'; DROP TABLE t; --",
    'double"quote',
    'back`tick',
    'unicode ☃ 😀 é',
    'nul\0byte',
    '100\\%',
    '',
    '\\N',
    "''",
    "\\'",
    '{p:String}',
  ];
  const formatted = (value: unknown) => formatQueryParams({ value });
  const cases: [string, string][] = [];
  for (const value of hostile) {
    cases.push(
      ['String', formatted(value)],
      ['Nullable(String)', formatted(value)],
      ['LowCardinality(String)', formatted(value)],
      ['FixedString(64)', formatted(value)],
      ['Array(String)', formatted([value, 'x'])],
      ['Array(Nullable(String))', formatted([value, null])],
      ['Array(Array(String))', formatted([[value], []])],
      ['Map(String, Array(String))', formatted(new Map([[value, [value]]]))],
      ['Tuple(String, UInt8)', formatted(new TupleParam([value, 1]))],
      ['JSON', formatted(JSON.stringify({ value }))],
    );
  }
  for (const text of ['a\\tb', 'a\\x41b', '\\\\', '\\"', '\\`', '\\/', '\\a\\e\\v', '\\z']) {
    cases.push(['String', text], ['Array(String)', `['${text}']`]);
  }
  cases.push(
    ['UInt64', formatted(18446744073709551615n)],
    ['Int64', formatted(-9223372036854775808n)],
    ['DateTime64(3)', formatted(new Date(1700000000123))],
    ['DateTime', formatted(new Date(1700000000000))],
    ["DateTime64(3, 'UTC')", '2024-01-02 03:04:05.678'],
    ['Date', '2024-02-29'],
    ['Float64', formatted(Number.NaN)],
    ['Float64', formatted(-Infinity)],
    ['Bool', formatted(true)],
    ['Nullable(UInt8)', formatted(null)],
    ['UUID', '00000000-0000-0000-0000-000000000001'],
    ['Decimal(38, 18)', '1.123456789012345678'],
    ['Array(UInt64)', formatted([1, 2n ** 63n])],
    ['Map(String, UInt8)', formatted({ "k'": 1, 'b\\': 2 })],
    ["Enum8('a''b' = 1, 'c' = 2)", formatted("a'b")],
    ['IPv6', '::1'],
    ['Array(Nullable(UInt8))', '[1,NULL]'],
    ['UInt8', '5\\t'],
  );

  async function readThrough(query: () => Promise<{ text(): string }>) {
    try {
      return (await query()).text();
    } catch (error) {
      return `error ${(error as { clickhouseCode?: number }).clickhouseCode ?? 'other'}`;
    }
  }

  it.each(cases)('reads %s from %j the same way', async (type, text) => {
    const sql = `SELECT {p:${type}} AS v, toTypeName(v) AS t`;
    const literal = `'${text.replace(/[\\']/g, (char) => `\\${char}`)}'`;

    // The reference sets p on the session before every read, so no stale value is read.
    const reference = await readThrough(() =>
      session.queryAsync(`SET param_p = ${literal}; ${sql}`, { format: 'JSONEachRow' }),
    );
    const bound = await readThrough(() =>
      session.queryBindAsync(
        sql,
        { p: toChdbBindValue('p', text, type) },
        { format: 'JSONEachRow' },
      ),
    );

    expect(bound).toBe(reference);
  });
});

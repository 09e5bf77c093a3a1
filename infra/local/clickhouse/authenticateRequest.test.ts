import { describe, expect, it } from 'vitest';
import { assertAuthenticated, presentedCredentials } from './authenticateRequest.ts';

const expected = { username: 'sightline', password: 'pa:ss wörd' };

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

describe('presentedCredentials', () => {
  it.each([
    ['Basic auth', { authorization: basic('sightline', 'pa:ss wörd') }, ''],
    [
      'X-ClickHouse headers',
      {
        'x-clickhouse-user': 'sightline',
        // Node hands header bytes over as Latin-1; UTF-8 bytes must read back as UTF-8.
        'x-clickhouse-key': Buffer.from('pa:ss wörd', 'utf8').toString('latin1'),
      },
      '',
    ],
    ['URL parameters', {}, 'user=sightline&password=pa%3Ass+w%C3%B6rd'],
  ])('reads credentials given as %s', (_way, headers, query) => {
    const credentials = presentedCredentials(headers, new URLSearchParams(query));

    expect(credentials).toEqual(expected);
  });

  it('finds none when none are given', () => {
    expect(presentedCredentials({}, new URLSearchParams())).toBeUndefined();
  });

  it.each([
    ['two ways at once', { authorization: basic('a', 'b') }, 'user=a&password=b'],
    ['a bearer token', { authorization: 'Bearer abc' }, ''],
  ])('refuses %s', (_case, headers, query) => {
    expect(() => presentedCredentials(headers, new URLSearchParams(query))).toThrow(
      expect.objectContaining({ clickhouseType: 'AUTHENTICATION_FAILED' }) as Error,
    );
  });
});

describe('assertAuthenticated', () => {
  it('lets anything through when the server has no credentials configured', () => {
    expect(() => assertAuthenticated(undefined, undefined)).not.toThrow();
  });

  it('accepts the expected credentials', () => {
    expect(() => assertAuthenticated(expected, { ...expected })).not.toThrow();
  });

  it.each([
    ['a wrong password', { username: 'sightline', password: 'pa:ss' }, 403],
    ['a wrong user', { username: 'root', password: expected.password }, 403],
    ['no credentials', undefined, 401],
  ])('refuses %s with HTTP %s', (_case, presented, httpStatus) => {
    expect(() => assertAuthenticated(expected, presented)).toThrow(
      expect.objectContaining({ clickhouseCode: 516, httpStatus }) as Error,
    );
  });

  it('never puts the password in the error', () => {
    const attempt = () =>
      assertAuthenticated(expected, { username: 'sightline', password: 'hunter2-secret' });

    expect(attempt).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining('hunter2') }),
    );
  });
});

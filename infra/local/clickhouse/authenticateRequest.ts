/**
 * Authentication of the embedded ClickHouse endpoint, accepting the three ways ClickHouse's
 * HTTP interface does: `Authorization: Basic`, the `X-ClickHouse-User`/`X-ClickHouse-Key`
 * headers, or the `user`/`password` URL parameters. Credentials are compared in constant time
 * and never logged or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpParameter } from './constants.ts';
import { ClickHouseException } from './errors.ts';
import type { ClickHouseHttpAuth } from './types.ts';

export interface PresentedCredentials {
  username: string;
  password: string;
}

/**
 * The credentials a request presents, or undefined when it presents none. Presenting them two
 * ways at once is refused, as ClickHouse refuses it.
 */
export function presentedCredentials(
  headers: IncomingHttpHeaders,
  params: URLSearchParams,
): PresentedCredentials | undefined {
  const found: PresentedCredentials[] = [];
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (!basic) {
      throw ClickHouseException.of(
        'AUTHENTICATION_FAILED',
        'Only Basic authentication is supported in the Authorization header',
      );
    }
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    found.push(
      colon === -1
        ? { username: decoded, password: '' }
        : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) },
    );
  }
  const headerUser = single(headers['x-clickhouse-user']);
  const headerKey = single(headers['x-clickhouse-key']);
  if (headerUser !== undefined || headerKey !== undefined) {
    found.push({ username: headerUser ?? 'default', password: headerKey ?? '' });
  }
  const paramUser = params.get(HttpParameter.user);
  const paramPassword = params.get(HttpParameter.password);
  if (paramUser !== null || paramPassword !== null) {
    found.push({ username: paramUser ?? 'default', password: paramPassword ?? '' });
  }
  if (found.length > 1) {
    throw ClickHouseException.of(
      'AUTHENTICATION_FAILED',
      'Invalid authentication: credentials were given in more than one way (Authorization header, X-ClickHouse-User/Key headers, user/password parameters); use one',
    );
  }
  return found[0];
}

/** A header's value as UTF-8: Node hands header bytes over as Latin-1 characters. */
function single(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : Buffer.from(first, 'latin1').toString('utf8');
}

/** Throws AUTHENTICATION_FAILED unless the presented credentials are the expected ones. */
export function assertAuthenticated(
  expected: ClickHouseHttpAuth | undefined,
  presented: PresentedCredentials | undefined,
): void {
  if (expected === undefined) return;
  if (presented === undefined) {
    throw ClickHouseException.of(
      'AUTHENTICATION_FAILED',
      'Authentication required: give credentials with Basic auth, X-ClickHouse-User/X-ClickHouse-Key or user/password parameters',
      { httpStatus: 401 },
    );
  }
  // Both comparisons always run, on fixed-length digests, so timing reveals neither which
  // part was wrong nor how much of it matched.
  const userMatches = sameSecret(presented.username, expected.username);
  const passwordMatches = sameSecret(presented.password, expected.password);
  if (!(userMatches && passwordMatches)) {
    throw ClickHouseException.of(
      'AUTHENTICATION_FAILED',
      `${presented.username.slice(0, 64)}: Authentication failed: password is incorrect, or there is no user with such name`,
    );
  }
}

function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

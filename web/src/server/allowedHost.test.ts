import { describe, expect, it } from 'vitest';
import { hostName, isAllowedHost } from './allowedHost.ts';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

describe('isAllowedHost', () => {
  it.each([
    ['127.0.0.1:3000', true],
    ['localhost:3000', true],
    ['LOCALHOST', true],
    ['[::1]:3000', true],
    ['evil.example:3000', false],
    ['127.0.0.1.evil.example', false],
    ['localhost.evil.example:3000', false],
    ['', false],
  ])('%s → %s', (host, allowed) => {
    expect(isAllowedHost(host, LOOPBACK)).toBe(allowed);
  });

  it('refuses a request without a Host header', () => {
    expect(isAllowedHost(null, LOOPBACK)).toBe(false);
  });

  it('strips ports from names and IPv6 literals', () => {
    expect(hostName('Sightline.Example.com:443')).toBe('sightline.example.com');
    expect(hostName('[::1]:8080')).toBe('[::1]');
  });
});

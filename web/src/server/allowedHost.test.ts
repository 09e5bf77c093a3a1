import { describe, expect, it } from 'vitest';
import { hostName, isAllowedHost, refuseDisallowedHost } from './allowedHost.ts';

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

describe('refuseDisallowedHost (default SIGHTLINE_WEB_ALLOWED_HOSTS: loopback)', () => {
  const requestFor = (host: string) =>
    new Request('http://127.0.0.1:3000/api/v1/me', { headers: { host } });

  it('answers a foreign Host with 421 and how to serve it', async () => {
    const refused = refuseDisallowedHost(requestFor('rebind.evil.example:3000'));

    expect(refused?.status).toBe(421);
    expect(await refused?.text()).toContain('SIGHTLINE_WEB_ALLOWED_HOSTS');
  });

  it('lets a loopback Host through', () => {
    expect(refuseDisallowedHost(requestFor('localhost:3000'))).toBeUndefined();
  });
});

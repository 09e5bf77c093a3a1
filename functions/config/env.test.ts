import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseServerEnv } from './env.ts';

describe('SIGHTLINE_TRUSTED_PROXY_HOPS', () => {
  it('defaults to no trusted proxy and takes a small whole number', () => {
    expect(parseServerEnv({}).SIGHTLINE_TRUSTED_PROXY_HOPS).toBe(0);
    expect(parseServerEnv({ SIGHTLINE_TRUSTED_PROXY_HOPS: '1' }).SIGHTLINE_TRUSTED_PROXY_HOPS).toBe(
      1,
    );
  });

  it.each(['-1', 'one', '1.5', '6'])('refuses %s, naming the variable', (value) => {
    expect(() => parseServerEnv({ SIGHTLINE_TRUSTED_PROXY_HOPS: value })).toThrow(
      ConfigurationError,
    );
    expect(() => parseServerEnv({ SIGHTLINE_TRUSTED_PROXY_HOPS: value })).toThrow(
      /SIGHTLINE_TRUSTED_PROXY_HOPS/,
    );
  });
});

describe('SIGHTLINE_ACCEPT_CONTRACT_V1', () => {
  it('accepts v1 records unless told false', () => {
    expect(parseServerEnv({}).SIGHTLINE_ACCEPT_CONTRACT_V1).toBe(true);
    expect(
      parseServerEnv({ SIGHTLINE_ACCEPT_CONTRACT_V1: 'true' }).SIGHTLINE_ACCEPT_CONTRACT_V1,
    ).toBe(true);
    expect(
      parseServerEnv({ SIGHTLINE_ACCEPT_CONTRACT_V1: 'false' }).SIGHTLINE_ACCEPT_CONTRACT_V1,
    ).toBe(false);
  });

  it.each(['0', 'no', 'FALSE', ''])('refuses %j, naming the variable', (value) => {
    expect(() => parseServerEnv({ SIGHTLINE_ACCEPT_CONTRACT_V1: value })).toThrow(
      /SIGHTLINE_ACCEPT_CONTRACT_V1/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { booleanContext } from './appContext.ts';

describe('booleanContext', () => {
  it('takes a boolean from -c (a string) or from cdk.json (a JSON boolean)', () => {
    expect(booleanContext('acceptContractV1', 'false')).toBe(false);
    expect(booleanContext('acceptContractV1', false)).toBe(false);
    expect(booleanContext('acceptContractV1', 'true')).toBe(true);
    expect(booleanContext('acceptContractV1', true)).toBe(true);
  });

  it('is unset when the context is', () => {
    expect(booleanContext('acceptContractV1', undefined)).toBeUndefined();
    expect(booleanContext('acceptContractV1', null)).toBeUndefined();
    expect(booleanContext('acceptContractV1', '')).toBeUndefined();
  });

  it.each([['no'], ['FALSE'], ['0'], [0], [{}]])('refuses %j, naming the key', (value) => {
    expect(() => booleanContext('acceptContractV1', value)).toThrow(
      /the CDK context acceptContractV1 must be true or false/,
    );
  });
});

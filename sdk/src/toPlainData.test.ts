import { describe, expect, it } from 'vitest';
import { safeJson } from './Sightline.ts';
import { toPlainData } from './toPlainData.ts';

const cyclic = (): Record<string, unknown> => {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
};
const revokedProxy = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

describe('toPlainData', () => {
  it.each<[string, unknown, unknown]>([
    ['a BigInt', { n: 10n }, { n: '[bigint 10]' }],
    ['a cycle', cyclic(), { a: 1, self: '[circular]' }],
    [
      'a shared, acyclic value',
      (() => {
        const shared = { x: 1 };
        return [shared, shared];
      })(),
      [{ x: 1 }, { x: 1 }],
    ],
    [
      'a throwing getter, the other entries kept',
      {
        get boom(): string {
          throw new TypeError('getter');
        },
        kept: 'yes',
      },
      { boom: '[unreadable: TypeError]', kept: 'yes' },
    ],
    [
      'a throwing toJSON',
      {
        toJSON(): never {
          throw new RangeError('toJSON');
        },
      },
      '[unreadable: RangeError]',
    ],
    ['a revoked proxy', { gone: revokedProxy() }, { gone: '[unreadable: TypeError]' }],
    ['a Buffer', Buffer.alloc(2_048), '[binary 2048 bytes]'],
    ['a typed array', new Float64Array(4), '[binary 32 bytes]'],
    ['an ArrayBuffer', new ArrayBuffer(10), '[binary 10 bytes]'],
    ['a Date, by its toJSON', new Date(0), '1970-01-01T00:00:00.000Z'],
    [
      'functions and undefined, left out as JSON does',
      { f: () => 1, u: undefined, k: 1 },
      { k: 1 },
    ],
    ['NaN, as JSON writes it', [Number.NaN], [null]],
  ])('turns %s into plain data', (_label, value, expected) => {
    expect(toPlainData(value)).toEqual(expected);
  });

  it('measures binary data without reading it', () => {
    // Prepare
    let reads = 0;
    const buffer = Buffer.alloc(10_000_000);
    Object.defineProperty(buffer, 'toJSON', { value: () => (reads += 1) });
    // Act
    const json = safeJson({ upload: buffer });
    // Assess
    expect(json).toBe('{"upload":"[binary 10000000 bytes]"}');
    expect(reads).toBe(0);
  });
});

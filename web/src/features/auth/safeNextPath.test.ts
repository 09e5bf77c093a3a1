import { describe, expect, it } from 'vitest';
import { safeNextPath } from './safeNextPath.ts';

describe('safeNextPath', () => {
  it.each([
    ['/projects/demo/overview?range=24h', '/projects/demo/overview?range=24h'],
    ['/', '/'],
    [undefined, '/'],
    ['', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/ok\nSet-Cookie: x=y', '/'],
  ])('%j → %s', (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });
});

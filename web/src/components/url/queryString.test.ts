import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidRequestError } from '../../server/errors.ts';
import { hrefWith, parsePageQuery, queryValues } from './queryString.ts';

describe('queryValues', () => {
  it('drops empty values and unwraps single-item lists', () => {
    expect(queryValues({ a: '', b: 'x', c: ['', 'y'], d: ['p', 'q'], e: undefined })).toEqual({
      b: 'x',
      c: 'y',
      d: ['p', 'q'],
    });
  });
});

describe('parsePageQuery', () => {
  const schema = z.object({ limit: z.coerce.number().int().max(100).optional() });

  it('parses valid values', () => {
    expect(parsePageQuery(schema, { limit: '20' })).toEqual({ limit: 20 });
  });

  it('turns invalid values into an InvalidRequestError naming the field', () => {
    expect(() => parsePageQuery(schema, { limit: 'many' })).toThrow(InvalidRequestError);
    expect(() => parsePageQuery(schema, { limit: '1000' })).toThrow(/limit:/);
  });
});

describe('hrefWith', () => {
  it.each([
    [{}, {}, '/p'],
    [{ b: '2', a: '1' }, {}, '/p?a=1&b=2'],
    [{ a: '1' }, { a: null }, '/p'],
    [{ a: '1' }, { a: '' }, '/p'],
    [{ a: '1' }, { tag: ['x', 'y z'] }, '/p?a=1&tag=x&tag=y+z'],
    [{ cursor: 'abc', a: '1' }, { cursor: undefined }, '/p?a=1'],
  ])('%j with %j → %s', (current, changes, expected) => {
    expect(hrefWith('/p', current, changes)).toBe(expected);
  });

  it('encodes hostile values', () => {
    expect(hrefWith('/p', {}, { q: '"><script>&x=1' })).toBe('/p?q=%22%3E%3Cscript%3E%26x%3D1');
  });
});

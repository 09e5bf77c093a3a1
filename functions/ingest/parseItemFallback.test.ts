/**
 * If the span validator cannot be compiled (a contract change Ajv cannot take), every span is
 * parsed by zod: the same verdicts and data, and a process warning says why. Ajv is made to
 * fail here; zod is real.
 */
import { ItemSchema } from '@sightline/sdk/contract';
import { describe, expect, it, vi } from 'vitest';
import { variedSpan } from '../../test/bench/benchSpans.ts';
import { parseItem } from './parseItem.ts';

vi.mock('ajv', async (importOriginal) => {
  const actual = await importOriginal<typeof import('ajv')>();
  class FailingAjv extends actual.Ajv {
    override compile(): never {
      throw new Error('schema not supported');
    }
  }
  return { ...actual, Ajv: FailingAjv, default: FailingAjv };
});

describe('parseItem without its compiled validator', () => {
  it('parses every span with zod and warns once', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const valid = JSON.parse(JSON.stringify(variedSpan(1))) as unknown;
    const invalid = { ...(JSON.parse(JSON.stringify(variedSpan(2))) as object), endTime: 1 };

    const accepted = parseItem(valid);
    const rejected = parseItem(invalid);
    parseItem(JSON.parse(JSON.stringify(variedSpan(3))));

    expect(accepted).toEqual(ItemSchema.safeParse(valid));
    expect(accepted.success && accepted.data).not.toBe(valid);
    expect(rejected.success).toBe(false);
    expect(rejected.error?.issues).toEqual(ItemSchema.safeParse(invalid).error?.issues);
    expect(warning).toHaveBeenCalledTimes(1);
    expect(String(warning.mock.calls[0]![0])).toContain('schema not supported');
    warning.mockRestore();
  });
});

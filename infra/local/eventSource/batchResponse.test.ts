import { describe, expect, it } from 'vitest';
import { interpretBatchResponse } from './batchResponse.ts';
import { InvalidBatchResponseError } from './errors.ts';
import { compareSequenceNumbers } from './sequenceNumbers.ts';
import { buildEventRecords } from './testing/factories.ts';

const records = buildEventRecords(5);
const sequenceNumberAt = (index: number) => records[index]?.kinesis.sequenceNumber ?? '';

describe('interpretBatchResponse', () => {
  describe.each([
    { case: 'no response', response: undefined },
    { case: 'null', response: null },
    { case: 'an object without batchItemFailures', response: {} },
    { case: 'null batchItemFailures', response: { batchItemFailures: null } },
    { case: 'an empty batchItemFailures', response: { batchItemFailures: [] } },
  ])('with $case', ({ response }) => {
    it('treats the batch as succeeded', () => {
      // Act
      const result = interpretBatchResponse(response, records, true);

      // Assess
      expect(result).toEqual({ outcome: 'succeeded' });
    });
  });

  it('resumes from the lowest failed sequence number, whatever the order reported', () => {
    // Prepare
    const response = {
      batchItemFailures: [
        { itemIdentifier: sequenceNumberAt(4) },
        { itemIdentifier: sequenceNumberAt(2) },
      ],
    };

    // Act
    const result = interpretBatchResponse(response, records, true);

    // Assess
    expect(result).toEqual({
      outcome: 'partiallyFailed',
      firstFailedIndex: 2,
      failedSequenceNumber: sequenceNumberAt(2),
    });
  });

  describe.each([
    { case: 'an empty itemIdentifier', itemIdentifier: '' },
    { case: 'a null itemIdentifier', itemIdentifier: null },
    { case: 'an itemIdentifier not in the batch', itemIdentifier: '12345' },
    { case: 'a non-numeric itemIdentifier', itemIdentifier: 'shardId-000000000000' },
  ])('with $case', ({ itemIdentifier }) => {
    it('treats the whole batch as failed, as Lambda does', () => {
      // Prepare
      const response = {
        batchItemFailures: [{ itemIdentifier: sequenceNumberAt(3) }, { itemIdentifier }],
      };

      // Act
      const result = interpretBatchResponse(response, records, true);

      // Assess
      expect(result).toMatchObject({ outcome: 'failed', functionError: false });
      expect(result.outcome === 'failed' && result.error).toBeInstanceOf(InvalidBatchResponseError);
    });
  });

  it('ignores the response when ReportBatchItemFailures is off', () => {
    // Prepare
    const response = { batchItemFailures: [{ itemIdentifier: sequenceNumberAt(1) }] };

    // Act
    const result = interpretBatchResponse(response, records, false);

    // Assess
    expect(result).toEqual({ outcome: 'succeeded' });
  });
});

describe('compareSequenceNumbers', () => {
  it.each([
    { a: '9', b: '10', expected: -1 },
    {
      a: '49590338271490256608559692538361571095921575989136588899',
      b: '49590338271490256608559692538361571095921575989136588898',
      expected: 1,
    },
    { a: '123', b: '123', expected: 0 },
  ])('orders $a and $b numerically beyond Number precision', ({ a, b, expected }) => {
    expect(compareSequenceNumbers(a, b)).toBe(expected);
  });
});

/**
 * Interprets what the handler returned for a batch, with Lambda's ReportBatchItemFailures
 * rules: which records are done and from which one the batch must be retried.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { InvalidBatchResponseError } from './errors.ts';
import { compareSequenceNumbers, isSequenceNumber } from './sequenceNumbers.ts';

export type BatchResult =
  | { outcome: 'succeeded' }
  /** Records before `firstFailedIndex` are done; the rest must be retried. */
  | { outcome: 'partiallyFailed'; firstFailedIndex: number; failedSequenceNumber: string }
  /** The whole batch failed: the handler threw, timed out, or answered with an invalid item. */
  | { outcome: 'failed'; error: Error; functionError: boolean };

/**
 * Lambda's rules: no response, a null/empty `batchItemFailures` → all succeeded; an item
 * identifier that is empty, null or not a sequence number of the batch → the whole batch
 * failed; otherwise the lowest failed sequence number is where the batch resumes. Without
 * ReportBatchItemFailures the response is ignored.
 */
export function interpretBatchResponse(
  response: unknown,
  records: readonly KinesisStreamRecord[],
  reportBatchItemFailures: boolean,
): BatchResult {
  if (!reportBatchItemFailures || response === null || typeof response !== 'object') {
    return { outcome: 'succeeded' };
  }
  const failures: unknown = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { outcome: 'succeeded' };
  if (!Array.isArray(failures)) {
    return invalid('batchItemFailures is not an array');
  }
  if (failures.length === 0) return { outcome: 'succeeded' };

  const positions: number[] = [];
  for (const failure of failures) {
    const itemIdentifier: unknown = (failure as { itemIdentifier?: unknown } | null)
      ?.itemIdentifier;
    if (!isSequenceNumber(itemIdentifier)) {
      return invalid(`itemIdentifier ${JSON.stringify(itemIdentifier)} is not a sequence number`);
    }
    const position = records.findIndex(
      (record) => compareSequenceNumbers(record.kinesis.sequenceNumber, itemIdentifier) === 0,
    );
    if (position === -1) {
      return invalid(`itemIdentifier ${itemIdentifier} is not a sequence number of this batch`);
    }
    positions.push(position);
  }
  // A shard's records arrive in ascending sequence order, so the lowest index holds the
  // lowest failed sequence number.
  const firstFailedIndex = Math.min(...positions);
  const failedSequenceNumber = records[firstFailedIndex]?.kinesis.sequenceNumber ?? '';
  return { outcome: 'partiallyFailed', firstFailedIndex, failedSequenceNumber };
}

function invalid(reason: string): BatchResult {
  return {
    outcome: 'failed',
    error: new InvalidBatchResponseError(`Invalid batch response: ${reason}`),
    functionError: false,
  };
}

/**
 * Writes a prepared batch: one insert per table per invocation, run side by side, and tells
 * which records could not be written so only those are retried.
 */
import { ClickHouseError, type ClickHouseClient } from '@clickhouse/client';
import { insertDeadLetters } from '../store/deadLettersRepository.ts';
import { insertScores } from '../store/scoresRepository.ts';
import { insertSpans } from '../store/spansRepository.ts';
import type { PreparedBatch } from './prepareIngestBatch.ts';

export interface BatchWriteOutcome {
  /** Sequence numbers of records with at least one failed write, mapped to the cause. */
  failed: Map<string, Error>;
  errors: { table: string; error: Error }[];
}

/**
 * ClickHouse parse errors can quote the rows they choked on, which may hold personal data:
 * logs get the code and type only.
 */
export function describeStoreError(error: unknown): Record<string, string> {
  if (error instanceof ClickHouseError) {
    return { name: error.name, code: error.code, type: error.type ?? '' };
  }
  const err = error as Error;
  return { name: err?.name ?? 'Error', message: String(err?.message ?? error).slice(0, 300) };
}

export async function writeIngestBatch(
  client: ClickHouseClient,
  batch: PreparedBatch,
): Promise<BatchWriteOutcome> {
  const [spans, scores, deadLetters] = await Promise.allSettled([
    insertSpans(client, batch.spans),
    insertScores(client, batch.scores),
    insertDeadLetters(client, batch.deadLetters),
  ]);
  const failed = new Map<string, Error>();
  const errors: BatchWriteOutcome['errors'] = [];
  const reasonOf = (result: PromiseSettledResult<void>) =>
    result.status === 'rejected' ? (result.reason as Error) : undefined;
  const spansError = reasonOf(spans);
  const scoresError = reasonOf(scores);
  const deadLettersError = reasonOf(deadLetters);
  if (spansError) errors.push({ table: 'spans', error: spansError });
  if (scoresError) errors.push({ table: 'scores', error: scoresError });
  if (deadLettersError) errors.push({ table: 'dead_letters', error: deadLettersError });

  for (const record of batch.records) {
    const cause =
      (record.spans.length > 0 && spansError) ||
      (record.scores.length > 0 && scoresError) ||
      (record.deadLetter && deadLettersError) ||
      undefined;
    if (cause) failed.set(record.sequenceNumber, cause);
  }
  return { failed, errors };
}

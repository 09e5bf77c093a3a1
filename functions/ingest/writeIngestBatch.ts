/**
 * Writes a prepared batch: one insert per table per invocation, and tells which records
 * could not be written so only those are retried.
 *
 * The event source retries from the first failed record and brings every later record again,
 * in a batch whose deduplication tokens differ from this one's; rows written now for those
 * later records would be written twice, and spans feed the rollups, which would count them
 * twice. So every other table (and the dead letters) is written first, and spans only for the
 * records before the first that failed; the records from there on are retried as a whole.
 *
 * If ClickHouse refuses a whole insert because of the data (not because it is unreachable or
 * overloaded), one record is usually to blame; the table's rows are then inserted record by
 * record, so every other record is stored and the offender is dead-lettered instead of
 * blocking its shard forever.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { createHash } from 'node:crypto';
import { clickHouseErrorOf, type ClickHouseErrorInfo } from '../store/clickhouseErrors.ts';
import { insertDeadLetters, type DeadLetterRow } from '../store/deadLettersRepository.ts';
import { insertEvalScores, insertFindings, insertOriginals } from '../store/enrichmentRows.ts';
import { insertScores } from '../store/scoresRepository.ts';
import { insertSpans } from '../store/spansRepository.ts';
import {
  DATA_REJECTION_ERROR_CODES,
  DEAD_LETTER_REASONS,
  MAX_DEAD_LETTER_DETAIL_CHARS,
} from './constants.ts';
import { deadLetterRow, type PreparedBatch, type PreparedRecord } from './prepareIngestBatch.ts';

export interface BatchWriteOutcome {
  /** Sequence numbers of records with at least one failed write, mapped to the cause. */
  failed: Map<string, Error>;
  errors: { table: string; error: Error }[];
  /** Records ClickHouse refused for their data, now dead letters. */
  rejected: DeadLetterRow[];
}

/**
 * ClickHouse parse errors can quote the rows they choked on, which may hold personal data:
 * logs get the code and type only.
 */
export function describeStoreError(error: unknown): Record<string, string> {
  const clickhouseError = clickHouseErrorOf(error);
  if (clickhouseError) {
    return {
      name: 'ClickHouseError',
      code: clickhouseError.code,
      type: clickhouseError.type ?? '',
    };
  }
  const err = error as Error;
  return { name: err?.name ?? 'Error', message: String(err?.message ?? error).slice(0, 300) };
}

/**
 * Code 252 (TOO_MANY_PARTS) names two failures: one insert touching more partitions than
 * `max_partitions_per_insert_block` allows, which the data causes, and "Too many parts …
 * Merges are processing significantly slower than inserts", which is overload and passes.
 * Only the message tells them apart (it is read here, never logged or stored).
 */
const TOO_MANY_PARTS = '252';
const TOO_MANY_PARTITIONS_MESSAGE = /too many partitions/i;

/** The ClickHouse error when it refused the data itself, else undefined (retry). */
export function dataRejectionOf(error: unknown): ClickHouseErrorInfo | undefined {
  const clickhouseError = clickHouseErrorOf(error);
  if (!clickhouseError || !DATA_REJECTION_ERROR_CODES.has(clickhouseError.code)) return undefined;
  if (
    clickhouseError.code === TOO_MANY_PARTS &&
    !TOO_MANY_PARTITIONS_MESSAGE.test(String((error as Error | null)?.message))
  ) {
    return undefined;
  }
  return clickhouseError;
}

interface TableWriter {
  table: string;
  /** The whole batch's rows for the table (already gathered by prepareIngestBatch). */
  batchRows: (batch: PreparedBatch) => readonly unknown[];
  rowsOf: (record: PreparedRecord) => readonly unknown[];
  insert: (
    client: ClickHouseClient,
    rows: readonly never[],
    deduplicationToken?: string,
  ) => Promise<void>;
}

/**
 * Names an insert by the stream positions of the records it carries, so the same records
 * delivered again make the same token and ClickHouse skips them (migration 0011).
 */
export function deduplicationTokenFor(table: string, records: readonly PreparedRecord[]): string {
  const hash = createHash('sha256');
  for (const record of records)
    hash
      .update(record.source.eventSourceARN)
      .update('\n')
      .update(record.sequenceNumber)
      .update('\n');
  return `${table}:${hash.digest('hex')}`;
}

const SPANS_TABLE: TableWriter = {
  table: 'spans',
  batchRows: (batch) => batch.spans,
  rowsOf: (record) => record.spans,
  insert: insertSpans,
};

/** The tables written before spans. */
const ENRICHMENT_TABLES: readonly TableWriter[] = [
  {
    table: 'scores',
    batchRows: (batch) => batch.scores,
    rowsOf: (record) => record.scores,
    insert: insertScores,
  },
  {
    table: 'findings',
    batchRows: (batch) => batch.findings,
    rowsOf: (record) => record.findings,
    insert: insertFindings,
  },
  {
    table: 'eval_scores',
    batchRows: (batch) => batch.evalScores,
    rowsOf: (record) => record.evalScores,
    insert: insertEvalScores,
  },
  {
    table: 'pii_originals',
    batchRows: (batch) => batch.originals,
    rowsOf: (record) => record.originals,
    insert: insertOriginals,
  },
];

/** An earlier record of the batch failed: this one is left, unwritten, for the retry. */
export class DeferredRecordError extends Error {
  constructor() {
    super('an earlier record of the batch failed; this one is written when that one is retried');
    this.name = 'DeferredRecordError';
  }
}

interface TableOutcome {
  failed: Map<string, Error>;
  rejected: Map<string, ClickHouseErrorInfo>;
  error?: Error;
}

async function writeTable(
  client: ClickHouseClient,
  records: readonly PreparedRecord[],
  rows: readonly unknown[],
  writer: TableWriter,
): Promise<TableOutcome> {
  const outcome: TableOutcome = { failed: new Map(), rejected: new Map() };
  const withRows = records.filter((record) => writer.rowsOf(record).length > 0);
  try {
    await writer.insert(client, rows as never[], deduplicationTokenFor(writer.table, withRows));
    return outcome;
  } catch (error) {
    outcome.error = error as Error;
    if (!dataRejectionOf(error)) {
      for (const record of withRows) outcome.failed.set(record.sequenceNumber, error as Error);
      return outcome;
    }
  }
  for (const record of withRows) {
    if (outcome.failed.size > 0) {
      outcome.failed.set(record.sequenceNumber, new DeferredRecordError());
      continue;
    }
    try {
      await writer.insert(
        client,
        writer.rowsOf(record) as never[],
        deduplicationTokenFor(writer.table, [record]),
      );
    } catch (error) {
      const rejection = dataRejectionOf(error);
      if (rejection) outcome.rejected.set(record.sequenceNumber, rejection);
      else outcome.failed.set(record.sequenceNumber, error as Error);
    }
  }
  return outcome;
}

function rejectionDeadLetter(
  record: PreparedRecord,
  error: ClickHouseErrorInfo,
  now: number,
  sealRaw: PreparedBatch['sealRaw'],
): DeadLetterRow {
  const refused =
    `ClickHouse refused the record's rows: error ${error.code} ${error.type ?? ''}`.trim();
  const earlier = record.deadLetter;
  const detail = earlier ? `${refused}; also ${earlier.reason}: ${earlier.detail}` : refused;
  return deadLetterRow(
    record.source,
    DEAD_LETTER_REASONS.rejectedByStore,
    detail.slice(0, MAX_DEAD_LETTER_DETAIL_CHARS),
    record.projectId,
    now,
    sealRaw,
  );
}

export async function writeIngestBatch(
  client: ClickHouseClient,
  batch: PreparedBatch,
  now: number = Date.now(),
): Promise<BatchWriteOutcome> {
  const failed = new Map<string, Error>();
  const rejectedErrors = new Map<string, ClickHouseErrorInfo>();
  const errors: BatchWriteOutcome['errors'] = [];
  const gather = (table: string, outcome: TableOutcome) => {
    if (outcome.error) errors.push({ table, error: outcome.error });
    for (const [sequenceNumber, error] of outcome.failed) failed.set(sequenceNumber, error);
    for (const [sequenceNumber, error] of outcome.rejected)
      rejectedErrors.set(sequenceNumber, error);
  };

  const [enrichment, deadLetterError] = await Promise.all([
    Promise.all(
      ENRICHMENT_TABLES.map((writer) =>
        writeTable(client, batch.records, writer.batchRows(batch), writer),
      ),
    ),
    insertDeadLetters(client, batch.deadLetters).then(
      () => undefined,
      (error: unknown) => error as Error,
    ),
  ]);
  enrichment.forEach((outcome, index) => gather(ENRICHMENT_TABLES[index]!.table, outcome));
  if (deadLetterError) {
    errors.push({ table: 'dead_letters', error: deadLetterError });
    for (const row of batch.deadLetters) failed.set(row.sequence_number, deadLetterError);
  }

  const firstFailed = batch.records.findIndex((record) => failed.has(record.sequenceNumber));
  const written = firstFailed < 0 ? batch.records : batch.records.slice(0, firstFailed);
  for (const record of batch.records.slice(written.length)) {
    if (!failed.has(record.sequenceNumber))
      failed.set(record.sequenceNumber, new DeferredRecordError());
  }
  const spanRows = firstFailed < 0 ? batch.spans : written.flatMap((record) => record.spans);
  gather(SPANS_TABLE.table, await writeTable(client, written, spanRows, SPANS_TABLE));

  // A record that must be retried anyway is not dead-lettered now: the retry decides. A
  // rejection replaces the record's earlier dead letter (same key, later row; its detail
  // carries the earlier one along).
  const rejected = batch.records
    .filter(
      (record) => rejectedErrors.has(record.sequenceNumber) && !failed.has(record.sequenceNumber),
    )
    .map((record) =>
      rejectionDeadLetter(record, rejectedErrors.get(record.sequenceNumber)!, now, batch.sealRaw),
    );
  try {
    await insertDeadLetters(client, rejected);
  } catch (error) {
    errors.push({ table: 'dead_letters', error: error as Error });
    for (const row of rejected) failed.set(row.sequence_number, error as Error);
  }
  return { failed, errors, rejected };
}

/**
 * Decides, record by record, what a Kinesis batch stores: the rows to insert (spans and
 * scores) and the dead letters for records that can never be stored. The only I/O is the
 * key lookup passed in; a lookup failure rejects, so the caller retries the batch.
 */
import {
  ItemSchema,
  ItemsArraySchema,
  isValidSignature,
  type ScoreItem,
  type SpanItem,
} from '@sightline/sdk/contract';
import type { KinesisStreamRecord } from 'aws-lambda';
import { toDateTime64 } from '../store/dateTime.ts';
import type { DeadLetterRow } from '../store/deadLettersRepository.ts';
import { toScoreRow, type ScoreRow } from '../store/scoresRepository.ts';
import { toSpanRow, type SpanRow } from '../store/spanRows.ts';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from './constants.ts';
import { decodeRecord } from './decodeRecord.ts';
import { describeIssues } from './describeIssues.ts';
import type { IngestKeyCache } from './ingestKeyCache.ts';

export interface PreparedRecord {
  sequenceNumber: string;
  source: KinesisStreamRecord;
  /** The verified project, or the one an unverifiable record claimed ('' if none). */
  projectId: string;
  spans: SpanRow[];
  scores: ScoreRow[];
  deadLetter?: DeadLetterRow;
}

export interface PreparedBatch {
  records: PreparedRecord[];
  spans: SpanRow[];
  scores: ScoreRow[];
  deadLetters: DeadLetterRow[];
}

/** `shardId-000000000001:4959…` → `shardId-000000000001`. */
export function shardIdOf(record: KinesisStreamRecord): string {
  const separator = record.eventID.lastIndexOf(':');
  return separator > 0 ? record.eventID.slice(0, separator) : record.eventID;
}

export function deadLetterRow(
  record: KinesisStreamRecord,
  reason: DeadLetterReason,
  detail: string,
  claimedProjectId: string,
  now: number,
): DeadLetterRow {
  const raw = record.kinesis.data;
  return {
    stream_arn: record.eventSourceARN,
    shard_id: shardIdOf(record),
    sequence_number: record.kinesis.sequenceNumber,
    partition_key: record.kinesis.partitionKey.slice(0, 256),
    approximate_arrival: toDateTime64(record.kinesis.approximateArrivalTimestamp * 1000),
    claimed_project_id: claimedProjectId,
    reason,
    detail,
    raw_base64: raw,
    raw_size: Buffer.byteLength(raw, 'base64'),
    dead_lettered_at: toDateTime64(now),
  };
}

async function prepareRecord(
  record: KinesisStreamRecord,
  keys: IngestKeyCache,
  now: number,
): Promise<PreparedRecord> {
  const sequenceNumber = record.kinesis.sequenceNumber;
  const reject = (reason: DeadLetterReason, detail: string, claimedProjectId = '') => ({
    sequenceNumber,
    source: record,
    projectId: claimedProjectId,
    spans: [],
    scores: [],
    deadLetter: deadLetterRow(record, reason, detail, claimedProjectId, now),
  });

  const decoded = decodeRecord(Buffer.from(record.kinesis.data, 'base64'));
  if (!decoded.ok) return reject(decoded.reason, decoded.detail, decoded.claimedProjectId);
  const { header, itemsBytes } = decoded;

  const { project, key } = await keys.resolve(header.projectId, header.keyId);
  if (!project) {
    return reject(
      DEAD_LETTER_REASONS.unknownProject,
      `project "${header.projectId}" does not exist`,
      header.projectId,
    );
  }
  if (!key) {
    return reject(
      DEAD_LETTER_REASONS.unknownKey,
      `ingest key "${header.keyId}" does not exist in this project`,
      header.projectId,
    );
  }
  if (key.status !== 'active') {
    return reject(
      DEAD_LETTER_REASONS.revokedKey,
      `ingest key "${header.keyId}" is revoked`,
      header.projectId,
    );
  }
  if (!isValidSignature(key.secret, header, itemsBytes)) {
    return reject(
      DEAD_LETTER_REASONS.badSignature,
      'the HMAC-SHA256 signature does not match the items',
      header.projectId,
    );
  }

  let rawItems: unknown;
  try {
    rawItems = JSON.parse(itemsBytes.toString('utf8'));
  } catch {
    return reject(DEAD_LETTER_REASONS.badJson, 'the items are not valid JSON', header.projectId);
  }
  const itemsArray = ItemsArraySchema.safeParse(rawItems);
  if (!itemsArray.success) {
    return reject(
      DEAD_LETTER_REASONS.schemaViolation,
      describeIssues(itemsArray.error.issues, 'items.'),
      header.projectId,
    );
  }

  const spans: SpanRow[] = [];
  const scores: ScoreRow[] = [];
  const problems: string[] = [];
  const spanSource = {
    projectId: project.projectId,
    ingestKeyId: key.keyId,
    sdkName: header.sdk.name,
    sdkVersion: header.sdk.version,
    shardId: shardIdOf(record),
    sequenceNumber,
    ingestedAt: now,
    retentionDays: project.retentionDays,
  };
  itemsArray.data.forEach((rawItem, index) => {
    const item = ItemSchema.safeParse(rawItem);
    if (!item.success) {
      problems.push(describeIssues(item.error.issues, `items.${index}.`));
    } else if (item.data.type === 'span') {
      spans.push(toSpanRow(item.data as SpanItem, spanSource));
    } else {
      scores.push(toScoreRow(item.data as ScoreItem, spanSource));
    }
  });

  // Valid items of a partly invalid record are stored; the whole raw record is kept as a
  // dead letter so the invalid items are not lost. Replaying it cannot duplicate the valid
  // ones: storage deduplicates on span and score ids.
  const deadLetter =
    problems.length > 0
      ? deadLetterRow(
          record,
          DEAD_LETTER_REASONS.schemaViolation,
          `${problems.length} of ${itemsArray.data.length} items invalid: ${problems.join('; ')}`.slice(
            0,
            2_000,
          ),
          header.projectId,
          now,
        )
      : undefined;
  return {
    sequenceNumber,
    source: record,
    projectId: project.projectId,
    spans,
    scores,
    ...(deadLetter ? { deadLetter } : {}),
  };
}

export async function prepareIngestBatch(
  records: readonly KinesisStreamRecord[],
  keys: IngestKeyCache,
  now: number,
): Promise<PreparedBatch> {
  const prepared = await Promise.all(records.map((record) => prepareRecord(record, keys, now)));
  return {
    records: prepared,
    spans: prepared.flatMap((record) => record.spans),
    scores: prepared.flatMap((record) => record.scores),
    deadLetters: prepared.flatMap((record) => (record.deadLetter ? [record.deadLetter] : [])),
  };
}

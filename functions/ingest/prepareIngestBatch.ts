/**
 * Decides, record by record, what a Kinesis batch stores: the rows to insert (spans enriched
 * and redacted, scores, findings, eval scores, sealed originals) and the dead letters for
 * records that can never be stored, their raw bytes sealed. Records are decoded, verified and
 * validated one by one; the spans of all of them are then enriched together, stage by stage
 * (`enrichSpans`). The only I/O is the key lookup and one data key per batch; a failure of
 * either rejects, so the caller retries the batch.
 */
import { ItemsArraySchema, isGzip, type ScoreItem, type SpanItem } from '@sightline/sdk/contract';
import type { KinesisStreamRecord } from 'aws-lambda';
import {
  enrichSpans,
  redactScore,
  type EnrichContext,
  type SpanEnrichment,
} from '../enrich/enrichSpan.ts';
import { sealRecord, sealWithDataKey, type DataKey, type Vault } from '../enrich/originalsVault.ts';
import { parsePolicy } from '../enrich/policy.ts';
import { PlaceholderRegistry } from '../enrich/redactText.ts';
import { toDateTime64 } from '../store/dateTime.ts';
import {
  toEvalScoreRow,
  toFindingRow,
  toOriginalRow,
  type EvalScoreInsertRow,
  type FindingInsertRow,
  type OriginalInsertRow,
  type SpanIdentity,
} from '../store/enrichmentRows.ts';
import type { DeadLetterRow } from '../store/deadLettersRepository.ts';
import { toScoreRow, type ScoreRow } from '../store/scoresRepository.ts';
import { toSpanRow, type SpanRow, type SpanSource } from '../store/spanRows.ts';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from './constants.ts';
import { decodeRecord, openItems, type DecodeOptions, type RecordPayload } from './decodeRecord.ts';
import { describeIssues } from './describeIssues.ts';
import { parseItem } from './parseItem.ts';
import type { IngestKeyCache } from './ingestKeyCache.ts';

export interface PreparedRecord {
  sequenceNumber: string;
  source: KinesisStreamRecord;
  /** The verified project, or the one an unverifiable record claimed ('' if none). */
  projectId: string;
  spans: SpanRow[];
  scores: ScoreRow[];
  findings: FindingInsertRow[];
  evalScores: EvalScoreInsertRow[];
  originals: OriginalInsertRow[];
  deadLetter?: DeadLetterRow;
}

export interface PreparedBatch {
  records: PreparedRecord[];
  spans: SpanRow[];
  scores: ScoreRow[];
  findings: FindingInsertRow[];
  evalScores: EvalScoreInsertRow[];
  originals: OriginalInsertRow[];
  deadLetters: DeadLetterRow[];
  /** Seals a raw record for a dead letter (used again if the store rejects a record). */
  sealRaw: RawSealer;
  /** Stages of enrichment that failed, by name, with how many spans each affected. */
  enrichmentErrors: Record<string, number>;
}

/** Seals a record's raw base64 bytes, bound to where it sat in the stream. */
export type RawSealer = (record: KinesisStreamRecord) => string;

export interface BatchContext {
  now: number;
  /** `now` as the rows' DateTime64 text, formatted once for the batch. */
  createdAt: string;
  vault: Vault;
  dataKey: DataKey;
  sealRaw: RawSealer;
  /** Placeholder numbering per trace, shared by the batch's spans. */
  registries: Map<string, PlaceholderRegistry>;
  /** Each project's policy, parsed once per batch. */
  policies: Map<string, ReturnType<typeof parsePolicy>>;
  enrichmentErrors: Record<string, number>;
  decode: DecodeOptions;
}

/** `shardId-000000000001:4959…` → `shardId-000000000001`. */
export function shardIdOf(record: KinesisStreamRecord): string {
  const separator = record.eventID.lastIndexOf(':');
  return separator > 0 ? record.eventID.slice(0, separator) : record.eventID;
}

/** Authenticated data of a sealed raw record: its place in the stream. */
export function recordAad(record: KinesisStreamRecord): string {
  return `${record.eventSourceARN}\n${shardIdOf(record)}\n${record.kinesis.sequenceNumber}`;
}

/** Hex ids (the SDK's keys, UUIDs) hold nothing about anyone: kept as they are. */
const ID_LIKE_PARTITION_KEY = /^(?=.*[a-f])[0-9a-f-]{8,64}$/i;

/**
 * The partition key as a dead letter stores it. The producer chooses it, and one may key
 * records by a user (an e-mail address, a phone number); a dead letter is never redacted, so
 * only an id-like key is kept, and any other is withheld with its length.
 */
export function storedPartitionKey(partitionKey: string): string {
  return ID_LIKE_PARTITION_KEY.test(partitionKey)
    ? partitionKey
    : `(withheld: ${partitionKey.length} characters)`;
}

export function deadLetterRow(
  record: KinesisStreamRecord,
  reason: DeadLetterReason,
  detail: string,
  claimedProjectId: string,
  now: number,
  sealRaw: RawSealer,
): DeadLetterRow {
  const raw = record.kinesis.data;
  return {
    stream_arn: record.eventSourceARN,
    shard_id: shardIdOf(record),
    sequence_number: record.kinesis.sequenceNumber,
    partition_key: storedPartitionKey(record.kinesis.partitionKey),
    approximate_arrival: toDateTime64(record.kinesis.approximateArrivalTimestamp * 1000),
    claimed_project_id: claimedProjectId,
    reason,
    detail,
    raw_base64: sealRaw(record),
    raw_size: Buffer.byteLength(raw, 'base64'),
    dead_lettered_at: toDateTime64(now),
  };
}

/** A span of a verified record, waiting for its group's enrichment. */
interface PendingSpan {
  span: SpanItem;
  project: ResolvedProject;
  record: PreparedRecord;
  source: SpanSource;
}

/** The enrichment request of one span: its trace's placeholder numbering and its policy. */
function enrichRequest(
  { span, project }: PendingSpan,
  context: BatchContext,
): { span: SpanItem; context: EnrichContext } {
  return { span, context: enrichContextFor(project, span.traceId, context) };
}

/** The policy, placeholder registry (per trace) and hash key a project's items are read with. */
function enrichContextFor(
  project: PendingSpan['project'],
  traceId: string,
  context: BatchContext,
): EnrichContext {
  const registryKey = `${project.projectId}\n${traceId}`;
  let registry = context.registries.get(registryKey);
  if (!registry) {
    registry = new PlaceholderRegistry();
    context.registries.set(registryKey, registry);
  }
  let parsed = context.policies.get(project.projectId);
  if (!parsed) {
    parsed = parsePolicy(project.policy);
    context.policies.set(project.projectId, parsed);
  }
  const { policy, problem } = parsed;
  if (problem) context.enrichmentErrors.policy = (context.enrichmentErrors.policy ?? 0) + 1;
  return { policy, registry, hashKey: context.vault.hashKeyFor(project.projectId) };
}

/** Adds an enriched span's rows to its record: the span, its findings, scores and originals. */
function storeEnrichment(pending: PendingSpan, enrichment: SpanEnrichment, context: BatchContext) {
  const { span, project, record } = pending;
  for (const stage of enrichment.errors)
    context.enrichmentErrors[stage] = (context.enrichmentErrors[stage] ?? 0) + 1;
  const identity: SpanIdentity = {
    projectId: project.projectId,
    traceId: span.traceId,
    spanId: span.spanId,
    createdAt: context.createdAt,
    retentionDays: project.retentionDays,
  };
  const aadBase = `${project.projectId}\n${span.traceId}\n${span.spanId}`;
  record.spans.push(toSpanRow(enrichment.span, pending.source, enrichment.summary));
  for (const finding of enrichment.findings) record.findings.push(toFindingRow(finding, identity));
  for (const score of enrichment.evalScores)
    record.evalScores.push(toEvalScoreRow(score, identity));
  for (const original of enrichment.originals) {
    const { finding } = original;
    const aad = `${aadBase}\n${finding.field}\n${finding.messageIndex}\n${finding.partIndex}\n${finding.start}`;
    record.originals.push(
      toOriginalRow(
        finding,
        original.replacement,
        sealWithDataKey(context.dataKey, original.original, aad),
        identity,
      ),
    );
  }
}

/**
 * Spans are enriched in groups of about this many, in the records' order: a group is large
 * enough for the stage-by-stage caching to pay (groups of 128 spans cost 5 % more CPU per span
 * than 500 on the enrich benchmark), and bounds how many parsed spans are alive at once however
 * large the batch's records inflate.
 */
export const ENRICH_GROUP_SPANS = 1_000;

/**
 * A record whose header names an existing project and an active key of it; its signature is
 * checked, and its items opened, when they are read (`openItems`), one record at a time.
 */
interface VerifiedRecord {
  kind: 'verified';
  record: KinesisStreamRecord;
  header: RecordHeader;
  project: ResolvedProject;
  keyId: string;
  secret: string;
  payload: RecordPayload;
}

type RecordHeader = Extract<ReturnType<typeof decodeRecord>, { ok: true }>['header'];
type ResolvedProject = NonNullable<Awaited<ReturnType<IngestKeyCache['resolve']>>['project']>;

/** A record's result with no rows yet: `projectId` is the verified or the claimed project. */
function emptyRecord(record: KinesisStreamRecord, projectId: string): PreparedRecord {
  return {
    sequenceNumber: record.kinesis.sequenceNumber,
    source: record,
    projectId,
    spans: [],
    scores: [],
    findings: [],
    evalScores: [],
    originals: [],
  };
}

function rejected(
  record: KinesisStreamRecord,
  context: BatchContext,
  reason: DeadLetterReason,
  detail: string,
  claimedProjectId = '',
): PreparedRecord {
  const prepared = emptyRecord(record, claimedProjectId);
  prepared.deadLetter = deadLetterRow(
    record,
    reason,
    detail,
    claimedProjectId,
    context.now,
    context.sealRaw,
  );
  return prepared;
}

/** Decodes a record's header and checks its project and key. */
async function verifyRecord(
  record: KinesisStreamRecord,
  keys: IngestKeyCache,
  context: BatchContext,
): Promise<VerifiedRecord | { kind: 'rejected'; prepared: PreparedRecord }> {
  const reject = (reason: DeadLetterReason, detail: string, claimedProjectId = '') => ({
    kind: 'rejected' as const,
    prepared: rejected(record, context, reason, detail, claimedProjectId),
  });

  const decoded = decodeRecord(Buffer.from(record.kinesis.data, 'base64'), context.decode);
  if (!decoded.ok) return reject(decoded.reason, decoded.detail, decoded.claimedProjectId);
  const { header, payload } = decoded;

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
  return {
    kind: 'verified',
    record,
    header,
    project,
    keyId: key.keyId,
    secret: key.secret,
    payload,
  };
}

/**
 * Parses and validates a verified record's items. Its spans are left in `pending` for the
 * batch's enrichment (which adds their rows to the record); its scores get their rows here.
 */
function readItems(
  verified: VerifiedRecord,
  context: BatchContext,
  pending: PendingSpan[],
): PreparedRecord {
  const { record, header, project } = verified;
  const { now, sealRaw } = context;
  const sequenceNumber = record.kinesis.sequenceNumber;
  // The signature is checked here, and only then are compressed items inflated.
  const items = openItems(header, verified.payload, verified.secret);
  if (!items.ok) return rejected(record, context, items.reason, items.detail, header.projectId);
  let rawItems: unknown;
  try {
    rawItems = JSON.parse(items.itemsBytes.toString('utf8'));
  } catch {
    return rejected(
      record,
      context,
      DEAD_LETTER_REASONS.badJson,
      header.v === 1 && isGzip(items.itemsBytes)
        ? 'the items are not valid JSON (contract v1 compresses the whole record, not the items)'
        : 'the items are not valid JSON',
      header.projectId,
    );
  }
  const itemsArray = ItemsArraySchema.safeParse(rawItems);
  if (!itemsArray.success) {
    return rejected(
      record,
      context,
      DEAD_LETTER_REASONS.schemaViolation,
      describeIssues(itemsArray.error.issues, 'items.'),
      header.projectId,
    );
  }

  const prepared = emptyRecord(record, project.projectId);
  const problems: string[] = [];
  const source: SpanSource = {
    projectId: project.projectId,
    ingestKeyId: verified.keyId,
    sdkName: header.sdk.name,
    sdkVersion: header.sdk.version,
    shardId: shardIdOf(record),
    sequenceNumber,
    ingestedAt: now,
    retentionDays: project.retentionDays,
  };
  itemsArray.data.forEach((rawItem, index) => {
    const item = parseItem(rawItem);
    if (!item.success) {
      problems.push(describeIssues(item.error.issues, `items.${index}.`));
    } else if (item.data.type === 'span') {
      pending.push({ span: item.data as SpanItem, project, record: prepared, source });
    } else {
      const score = item.data as ScoreItem;
      const redacted = redactScore(score, enrichContextFor(project, score.traceId, context));
      if (redacted.failed) {
        context.enrichmentErrors.score_detection =
          (context.enrichmentErrors.score_detection ?? 0) + 1;
      }
      prepared.scores.push(toScoreRow(redacted.score, source));
    }
  });

  // Valid items of a partly invalid record are stored; the whole raw record is kept as a
  // dead letter so the invalid items are not lost. Replaying it cannot duplicate the valid
  // ones: storage deduplicates on span and score ids.
  if (problems.length > 0)
    prepared.deadLetter = deadLetterRow(
      record,
      DEAD_LETTER_REASONS.schemaViolation,
      `${problems.length} of ${itemsArray.data.length} items invalid: ${problems.join('; ')}`.slice(
        0,
        2_000,
      ),
      header.projectId,
      now,
      sealRaw,
    );
  return prepared;
}

/** Enriches pending spans together and adds their rows to their records. */
function enrichPending(pending: readonly PendingSpan[], context: BatchContext): void {
  const enrichments = enrichSpans(pending.map((span) => enrichRequest(span, context)));
  pending.forEach((span, index) => storeEnrichment(span, enrichments[index]!, context));
}

export async function prepareIngestBatch(
  records: readonly KinesisStreamRecord[],
  keys: IngestKeyCache,
  now: number,
  vault: Vault,
  decode: DecodeOptions = { acceptContractV1: true },
): Promise<PreparedBatch> {
  const dataKey = await vault.keys.newDataKey();
  const sealRaw: RawSealer = (record) =>
    sealRecord(dataKey, record.kinesis.data, recordAad(record));
  const context: BatchContext = {
    now,
    createdAt: toDateTime64(now),
    vault,
    dataKey,
    sealRaw,
    registries: new Map(),
    policies: new Map(),
    enrichmentErrors: {},
    decode,
  };
  const opened: (Awaited<ReturnType<typeof verifyRecord>> | undefined)[] = await Promise.all(
    records.map((record) => verifyRecord(record, keys, context)),
  );
  // Items are opened (signature checked, then decompressed) and parsed record by record, in the
  // records' order, and their spans enriched in groups; a record's inflated bytes are let go
  // once its items are read, so a batch holds one record's at most.
  const prepared: PreparedRecord[] = [];
  let pending: PendingSpan[] = [];
  for (let index = 0; index < opened.length; index += 1) {
    const entry = opened[index]!;
    opened[index] = undefined;
    prepared.push(entry.kind === 'rejected' ? entry.prepared : readItems(entry, context, pending));
    if (pending.length >= ENRICH_GROUP_SPANS) {
      enrichPending(pending, context);
      pending = [];
    }
  }
  enrichPending(pending, context);
  return {
    records: prepared,
    spans: prepared.flatMap((record) => record.spans),
    scores: prepared.flatMap((record) => record.scores),
    findings: prepared.flatMap((record) => record.findings),
    evalScores: prepared.flatMap((record) => record.evalScores),
    originals: prepared.flatMap((record) => record.originals),
    deadLetters: prepared.flatMap((record) => (record.deadLetter ? [record.deadLetter] : [])),
    sealRaw,
    enrichmentErrors: context.enrichmentErrors,
  };
}

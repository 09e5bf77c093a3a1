/**
 * Rows the enrichment stage writes next to a span — findings, eval scores and sealed
 * originals — and their inserts. Reads live in findingsRepository / evalScoresRepository.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { EvalScore } from '../evaluate/types.ts';
import type { StoredFinding } from '../enrich/enrichSpan.ts';
import type { SealedValue } from '../enrich/originalsVault.ts';
import { EVAL_SCORES_TABLE } from './evalScoresRepository.ts';
import { FINDINGS_TABLE } from './findingsRepository.ts';
import { insertRows } from './insertRows.ts';

export const PII_ORIGINALS_TABLE = 'pii_originals';

export interface SpanIdentity {
  projectId: string;
  traceId: string;
  spanId: string;
  createdAt: string;
  retentionDays: number;
}

/** The columns every enrichment row carries: the span it belongs to, and its lifetime. */
interface SpanRowColumns {
  project_id: string;
  trace_id: string;
  span_id: string;
  created_at: string;
  retention_days: number;
}

/** Where in the span's text a finding sits (findings and the originals of redacted values). */
interface FindingLocationColumns {
  category: string;
  type: string;
  field: string;
  message_index: number;
  part_index: number;
  start: number;
  end: number;
}

export interface FindingInsertRow extends SpanRowColumns, FindingLocationColumns {
  score: number;
  detector_id: string;
  detector_version: string;
}

export interface EvalScoreInsertRow extends SpanRowColumns {
  evaluator: string;
  evaluator_version: string;
  value: number;
  passed: boolean | null;
  label: string;
  comment: string;
}

export interface OriginalInsertRow extends SpanRowColumns, FindingLocationColumns {
  replacement: string;
  ciphertext: string;
  iv: string;
  auth_tag: string;
  wrapped_key: string;
  key_ref: string;
}

function spanRowColumns(identity: SpanIdentity): SpanRowColumns {
  return {
    project_id: identity.projectId,
    trace_id: identity.traceId,
    span_id: identity.spanId,
    created_at: identity.createdAt,
    retention_days: identity.retentionDays,
  };
}

function locationColumns(finding: StoredFinding): FindingLocationColumns {
  return {
    category: finding.category,
    type: finding.type,
    field: finding.field,
    message_index: finding.messageIndex,
    part_index: finding.partIndex,
    start: finding.start,
    end: finding.end,
  };
}

export function toFindingRow(finding: StoredFinding, identity: SpanIdentity): FindingInsertRow {
  return {
    ...spanRowColumns(identity),
    ...locationColumns(finding),
    score: finding.score,
    detector_id: finding.detector.id,
    detector_version: finding.detector.version,
  };
}

export function toEvalScoreRow(score: EvalScore, identity: SpanIdentity): EvalScoreInsertRow {
  return {
    ...spanRowColumns(identity),
    evaluator: score.evaluator,
    evaluator_version: score.version,
    value: Number.isFinite(score.value) ? score.value : 0,
    passed: score.passed,
    label: score.label ?? '',
    comment: (score.comment ?? '').slice(0, 1_000),
  };
}

export function toOriginalRow(
  finding: StoredFinding,
  replacement: string,
  sealed: SealedValue & { wrappedKey: string; keyRef: string },
  identity: SpanIdentity,
): OriginalInsertRow {
  return {
    ...spanRowColumns(identity),
    ...locationColumns(finding),
    replacement,
    ciphertext: sealed.ciphertext,
    iv: sealed.iv,
    auth_tag: sealed.authTag,
    wrapped_key: sealed.wrappedKey,
    key_ref: sealed.keyRef,
  };
}

export const insertFindings = (client: ClickHouseClient, rows: readonly FindingInsertRow[]) =>
  insertRows(client, { table: FINDINGS_TABLE, rows, issuedBy: 'ingest.insertFindings' });

export const insertEvalScores = (client: ClickHouseClient, rows: readonly EvalScoreInsertRow[]) =>
  insertRows(client, { table: EVAL_SCORES_TABLE, rows, issuedBy: 'ingest.insertEvalScores' });

export const insertOriginals = (client: ClickHouseClient, rows: readonly OriginalInsertRow[]) =>
  insertRows(client, { table: PII_ORIGINALS_TABLE, rows, issuedBy: 'ingest.insertOriginals' });

/**
 * The `scores` table: feedback scores producers send with `score(...)`.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { insertRows } from './insertRows.ts';
import type { ScoreItem } from '@sightline/sdk/contract';
import { toDateTime64 } from './dateTime.ts';
import { wellFormedStrings } from './wellFormedStrings.ts';

export const SCORES_TABLE = 'scores';

export interface ScoreRow {
  project_id: string;
  score_id: string;
  trace_id: string;
  span_id: string;
  name: string;
  data_type: 'numeric' | 'boolean' | 'categorical';
  numeric_value: number | null;
  string_value: string;
  comment: string;
  user_id: string;
  timestamp: string;
  ingested_at: string;
  retention_days: number;
}

export function toScoreRow(
  score: ScoreItem,
  source: { projectId: string; ingestedAt: number; retentionDays: number },
): ScoreRow {
  const { value } = score;
  return wellFormedStrings({
    project_id: source.projectId,
    score_id: score.scoreId,
    trace_id: score.traceId,
    span_id: score.spanId ?? '',
    name: score.name,
    data_type:
      typeof value === 'number'
        ? 'numeric'
        : typeof value === 'boolean'
          ? 'boolean'
          : 'categorical',
    numeric_value:
      typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : null,
    string_value: typeof value === 'string' ? value : '',
    comment: score.comment ?? '',
    user_id: score.userId ?? '',
    timestamp: toDateTime64(score.timestamp),
    ingested_at: toDateTime64(source.ingestedAt),
    retention_days: source.retentionDays,
  });
}

export function insertScores(client: ClickHouseClient, rows: readonly ScoreRow[]): Promise<void> {
  return insertRows(client, { table: SCORES_TABLE, rows, issuedBy: 'ingest.insertScores' });
}

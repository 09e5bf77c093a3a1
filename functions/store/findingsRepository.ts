/**
 * The `findings` table (migration 0005): what the enrichment stage's detectors found in a
 * span's text, located by field, message, part and UTF-16 offsets. A redelivered batch never
 * shows a finding twice: reads keep the newest row of each finding (the table's sorting key),
 * which is what FINAL would merge to, without FINAL's merge of whole granules.
 */
import type { ClickHouseClient } from '@clickhouse/client';

export const FINDINGS_TABLE = 'findings';

export interface FindingRow {
  span_id: string;
  category: string;
  type: string;
  field: string;
  message_index: number;
  part_index: number;
  start: number;
  end: number;
  score: number;
  detector_id: string;
  detector_version: string;
}

/**
 * The SQL reading one trace's findings (`{projectId}`, `{traceId}`), in span and text order; at
 * most the bound `{<limitParam>}`.
 */
export function traceFindingsQuery(limitParam = 'limit'): string {
  return `SELECT span_id, category, type, field, message_index, part_index, start, end, score,
        detector_id, detector_version
      FROM (
        SELECT *
        FROM ${FINDINGS_TABLE}
        WHERE project_id = {projectId:String} AND trace_id = {traceId:String}
        ORDER BY span_id, detector_id, type, field, message_index, part_index, start, end,
          created_at DESC
        LIMIT 1 BY span_id, detector_id, type, field, message_index, part_index, start, end
      )
      ORDER BY span_id, field, message_index, part_index, start
      LIMIT {${limitParam}:UInt32}`;
}

/** The findings of one trace, in span and text order; at most `limit`. */
export async function getTraceFindings(
  client: ClickHouseClient,
  { projectId, traceId, limit = 5_000 }: { projectId: string; traceId: string; limit?: number },
): Promise<FindingRow[]> {
  const result = await client.query({
    query: traceFindingsQuery(),
    query_params: { projectId, traceId, limit },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.getTraceFindings' },
  });
  return result.json<FindingRow>();
}

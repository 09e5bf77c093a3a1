/**
 * The `findings` table (migration 0005): what the enrichment stage's detectors found in a
 * span's text, located by field, message, part and UTF-16 offsets. A redelivered batch never
 * shows a finding twice: reads keep the newest row of each finding (the table's sorting key),
 * which is what FINAL would merge to, without FINAL's merge of whole granules.
 */
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
 * most `{findingsLimit}` (`getTraceAnnotations` runs it).
 */
export function traceFindingsQuery(): string {
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
      LIMIT {findingsLimit:UInt32}`;
}

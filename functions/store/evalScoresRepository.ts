/**
 * The `eval_scores` table (migration 0005): what the enrichment stage's evaluators scored a
 * span. A re-run of the same evaluator version shows once: reads keep the newest row of each
 * (span, evaluator, version), which is what FINAL would merge to, at a third of its cost on a
 * trace lookup (FINAL reads and merges whole granules of every partition).
 */
import type { ClickHouseClient } from '@clickhouse/client';

export const EVAL_SCORES_TABLE = 'eval_scores';

export interface EvalScoreRow {
  span_id: string;
  evaluator: string;
  evaluator_version: string;
  value: number;
  passed: boolean | null;
  label: string;
  comment: string;
  created_at: string;
}

/**
 * The SQL reading one trace's eval scores (`{projectId}`, `{traceId}`), by span and evaluator;
 * at most `{evalScoresLimit}` (`getTraceAnnotations` runs it).
 */
export function traceEvalScoresQuery(): string {
  return `SELECT span_id, evaluator, evaluator_version, value, passed, label, comment, created_at
      FROM ${EVAL_SCORES_TABLE}
      WHERE project_id = {projectId:String} AND trace_id = {traceId:String}
      ORDER BY span_id, evaluator, evaluator_version, created_at DESC
      LIMIT 1 BY span_id, evaluator, evaluator_version
      LIMIT {evalScoresLimit:UInt32}`;
}

/**
 * Whether a span already has a decided score from this evaluator version (error scores do not
 * count): the LLM-as-judge skips jobs delivered again, so a redelivery costs no second call.
 */
export async function hasDecidedEvalScore(
  client: ClickHouseClient,
  params: {
    projectId: string;
    traceId: string;
    spanId: string;
    evaluator: string;
    evaluatorVersion: string;
  },
): Promise<boolean> {
  const result = await client.query({
    query: `SELECT count() AS scores FROM ${EVAL_SCORES_TABLE} FINAL
      WHERE project_id = {projectId:String} AND trace_id = {traceId:String}
        AND span_id = {spanId:String} AND evaluator = {evaluator:String}
        AND evaluator_version = {evaluatorVersion:String} AND passed IS NOT NULL`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'judge.hasDecidedEvalScore' },
  });
  const [row] = await result.json<{ scores: string | number }>();
  return Number(row?.scores ?? 0) > 0;
}

/**
 * What the trace view shows beside a trace's spans: its findings and its eval scores, read in
 * one query. The view needs both at once, and each query costs the engine a fixed few
 * milliseconds of CPU however little it reads, so one round trip instead of two leaves the
 * trace's span read (which runs beside it) more of the machine. Each part is read by its own
 * repository's SQL, in that SQL's order.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { traceEvalScoresQuery, type EvalScoreRow } from './evalScoresRepository.ts';
import { traceFindingsQuery, type FindingRow } from './findingsRepository.ts';

export interface TraceAnnotations {
  findings: FindingRow[];
  evalScores: EvalScoreRow[];
}

export async function getTraceAnnotations(
  client: ClickHouseClient,
  {
    projectId,
    traceId,
    findingsLimit = 5_000,
    evalScoresLimit = 1_000,
  }: { projectId: string; traceId: string; findingsLimit?: number; evalScoresLimit?: number },
): Promise<TraceAnnotations> {
  // Each row is its part's row as JSONEachRow writes it; its number within the part keeps the
  // part's own order through the union.
  const result = await client.query({
    query: `SELECT kind, row
      FROM (
        SELECT 'finding' AS kind, rowNumberInAllBlocks() AS position,
          formatRowNoNewline('JSONEachRow', *) AS row
        FROM (${traceFindingsQuery()})
        UNION ALL
        SELECT 'eval_score' AS kind, rowNumberInAllBlocks() AS position,
          formatRowNoNewline('JSONEachRow', *) AS row
        FROM (${traceEvalScoresQuery()})
      )
      ORDER BY kind, position`,
    query_params: { projectId, traceId, findingsLimit, evalScoresLimit },
    format: 'JSONCompactEachRow',
    clickhouse_settings: { log_comment: 'web.getTraceAnnotations' },
  });
  const annotations: TraceAnnotations = { findings: [], evalScores: [] };
  for (const [kind, row] of await result.json<[string, string]>()) {
    if (kind === 'finding') annotations.findings.push(JSON.parse(row) as FindingRow);
    else annotations.evalScores.push(JSON.parse(row) as EvalScoreRow);
  }
  return annotations;
}

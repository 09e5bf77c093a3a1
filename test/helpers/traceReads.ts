/** Reads of a stored trace that tests assert on, through the repositories the app uses. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { EvalScoreRow } from '../../functions/store/evalScoresRepository.ts';
import { getTraceAnnotations } from '../../functions/store/traceAnnotationsRepository.ts';

/** A trace's eval scores, as the trace view reads them. */
export async function traceEvalScores(
  client: ClickHouseClient,
  trace: { projectId: string; traceId: string },
): Promise<EvalScoreRow[]> {
  return (await getTraceAnnotations(client, trace)).evalScores;
}

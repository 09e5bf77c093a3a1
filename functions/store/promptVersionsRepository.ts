/**
 * Prompt versions: metrics per (prompt, version) from the per-minute rollup, and two
 * versions of one prompt side by side with their eval scores. An eval score counts for the
 * version of the prompt its trace used (the first span of the trace naming that prompt).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import {
  METRICS_AGGREGATES,
  EMPTY_METRICS,
  metricsRollupQuery,
  toMetricsValues,
  type MetricsAggregateRow,
  type MetricsValues,
} from './metricsRepository.ts';
import { InvalidQueryError } from './queryErrors.ts';
import { rangeParams, type TimeRange } from './timeRange.ts';

export interface EvalScoreSummary {
  evaluator: string;
  mean: number;
  passRate: number | null;
  count: number;
}

export interface PromptVersionComparison {
  promptVersion: string;
  metrics: MetricsValues;
  evalScores: EvalScoreSummary[];
}

export async function listPromptVersions(
  client: ClickHouseClient,
  { projectId, range }: { projectId: string; range: TimeRange },
): Promise<Array<{ promptName: string; promptVersion: string } & MetricsValues>> {
  const { source, params } = metricsRollupQuery({ projectId, range });
  const result = await client.query({
    query: `SELECT prompt_name AS p_name, prompt_version AS p_version, ${METRICS_AGGREGATES}
      FROM ${source} WHERE prompt_name != ''
      GROUP BY p_name, p_version
      ORDER BY p_name, toUInt64OrZero(p_version) DESC, p_version DESC
      LIMIT 10000`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.prompts.list' },
  });
  const rows = await result.json<MetricsAggregateRow & { p_name: string; p_version: string }>();
  return rows.map((row) => ({
    promptName: row.p_name,
    promptVersion: row.p_version,
    ...toMetricsValues(row),
  }));
}

export async function comparePromptVersions(
  client: ClickHouseClient,
  {
    projectId,
    range,
    promptName,
    versions,
  }: { projectId: string; range: TimeRange; promptName: string; versions: [string, string] },
): Promise<PromptVersionComparison[]> {
  if (
    !Array.isArray(versions) ||
    versions.length !== 2 ||
    versions.some((version) => typeof version !== 'string' || version.length > 200)
  ) {
    throw new InvalidQueryError('versions must be two prompt versions');
  }
  if (typeof promptName !== 'string' || promptName.length === 0 || promptName.length > 1000) {
    throw new InvalidQueryError('promptName is required');
  }
  const { source, params } = metricsRollupQuery({ projectId, range, promptName });
  const metricsResult = await client.query({
    query: `SELECT prompt_version AS p_version, ${METRICS_AGGREGATES}
      FROM ${source} WHERE prompt_version IN {versions:Array(String)}
      GROUP BY p_version`,
    query_params: { ...params, versions },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.prompts.compareMetrics' },
  });
  const metricsByVersion = new Map(
    (await metricsResult.json<MetricsAggregateRow & { p_version: string }>()).map((row) => [
      row.p_version,
      toMetricsValues(row),
    ]),
  );
  const { fromMs, toMs } = rangeParams(range);
  const evalResult = await client.query({
    query: `SELECT v.p_version AS p_version, e.evaluator AS evaluator,
        avg(e.value) AS e_mean,
        if(countIf(e.passed IS NOT NULL) = 0, NULL,
           avgIf(toFloat64(assumeNotNull(e.passed)), e.passed IS NOT NULL)) AS e_pass_rate,
        count() AS e_count
      FROM (
        SELECT trace_id, evaluator, value, passed FROM eval_scores FINAL
        WHERE project_id = {projectId:String}
      ) AS e
      INNER JOIN (
        SELECT trace_id, argMin(prompt_version, start_time) AS p_version
        FROM spans
        WHERE project_id = {projectId:String}
          AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
          AND start_time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
          AND prompt_name = {promptName:String}
        GROUP BY trace_id
        -- The version the trace's first span with this prompt used, then only the two compared.
        HAVING p_version IN {versions:Array(String)}
      ) AS v ON e.trace_id = v.trace_id
      GROUP BY p_version, evaluator
      ORDER BY p_version, evaluator`,
    query_params: { projectId, fromMs, toMs, promptName, versions },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'web.prompts.compareEvals' },
  });
  const evalRows = await evalResult.json<{
    p_version: string;
    evaluator: string;
    e_mean: number;
    e_pass_rate: number | null;
    e_count: string | number;
  }>();
  return versions.map((promptVersion) => ({
    promptVersion,
    metrics: metricsByVersion.get(promptVersion) ?? { ...EMPTY_METRICS },
    evalScores: evalRows
      .filter((row) => row.p_version === promptVersion)
      .map((row) => ({
        evaluator: row.evaluator,
        mean: Number(row.e_mean),
        passRate: row.e_pass_rate === null ? null : Number(row.e_pass_rate),
        count: Number(row.e_count),
      })),
  }));
}

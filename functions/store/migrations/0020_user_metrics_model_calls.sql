-- A user's tokens and cost count their model calls only, as the dashboards' rollups (0006,
-- 0007) do: user_metrics_hourly summed them over every span with a user, so an agent or chain
-- span carrying its run's total usage (OpenTelemetry GenAI `invoke_agent`, the Vercel AI SDK's
-- outer spans) counted that usage a second time. Its first and last seen still cover every
-- span. The view is replaced and the table rebuilt from spans (10 million spans: about a
-- minute on 2 vCPUs); run it with ingest paused, as 0015: a batch stored while it runs may be
-- missed or counted twice in the users' totals.
DROP VIEW IF EXISTS user_metrics_hourly_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS user_metrics_hourly_mv TO user_metrics_hourly AS
SELECT
    project_id,
    toStartOfHour(start_time) AS hour,
    user_id,
    request_model AS model,
    environment,
    prompt_name,
    prompt_version,
    countIf(kind IN ('llm', 'embedding')) AS requests,
    countIf(kind IN ('llm', 'embedding') AND status_code = 'error') AS errors,
    uniqState(trace_id) AS traces,
    sumIf(spans.input_tokens, kind IN ('llm', 'embedding')) AS input_tokens,
    sumIf(spans.output_tokens, kind IN ('llm', 'embedding')) AS output_tokens,
    sumIf(ifNull(spans.cost_usd, 0), kind IN ('llm', 'embedding')) AS cost_usd,
    min(start_time) AS first_seen,
    max(start_time) AS last_seen,
    max(spans.retention_days) AS retention_days
FROM spans
WHERE user_id != ''
GROUP BY project_id, hour, user_id, model, environment, prompt_name, prompt_version;

TRUNCATE TABLE user_metrics_hourly;

INSERT INTO user_metrics_hourly
SELECT
    project_id,
    toStartOfHour(start_time) AS hour,
    user_id,
    request_model AS model,
    environment,
    prompt_name,
    prompt_version,
    countIf(kind IN ('llm', 'embedding')) AS requests,
    countIf(kind IN ('llm', 'embedding') AND status_code = 'error') AS errors,
    uniqState(trace_id) AS traces,
    sumIf(spans.input_tokens, kind IN ('llm', 'embedding')) AS input_tokens,
    sumIf(spans.output_tokens, kind IN ('llm', 'embedding')) AS output_tokens,
    sumIf(ifNull(spans.cost_usd, 0), kind IN ('llm', 'embedding')) AS cost_usd,
    min(start_time) AS first_seen,
    max(start_time) AS last_seen,
    max(spans.retention_days) AS retention_days
FROM spans FINAL
WHERE user_id != ''
GROUP BY project_id, hour, user_id, model, environment, prompt_name, prompt_version;

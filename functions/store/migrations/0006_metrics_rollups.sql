-- Per-minute (per-hour for users) rollups of model calls for the dashboard, kept up to date
-- by materialized views on inserts into spans, and backfilled here from what spans already
-- holds. A "request" is a model call: a span of kind 'llm' or 'embedding'.
--
-- Deduplication: spans collapses redelivered rows (ReplacingMergeTree + FINAL), but a view
-- sees every insert, so a batch that is inserted twice is counted twice in the sums and
-- quantiles here. Ingest inserts a batch once unless an invocation fails after its insert
-- succeeded, so the error is bounded by the re-inserted spans; docs/storage.md explains the
-- bound and how to rebuild a range exactly from spans FINAL. Distinct counts (traces per
-- user) are uniq states and never double count.
CREATE TABLE IF NOT EXISTS span_metrics_minutely
(
    project_id LowCardinality(String),
    minute DateTime('UTC'),
    model LowCardinality(String),
    environment LowCardinality(String),
    prompt_name LowCardinality(String),
    prompt_version LowCardinality(String),
    name String,
    requests SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    latency_ms AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64),
    ttft_ms AggregateFunction(quantilesTDigestIf(0.5, 0.95), Float64, UInt8),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Float64),
    unpriced SimpleAggregateFunction(sum, UInt64),
    retention_days SimpleAggregateFunction(max, UInt16)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (project_id, minute, model, environment, prompt_name, prompt_version, name)
TTL minute + toIntervalDay(retention_days);

CREATE MATERIALIZED VIEW IF NOT EXISTS span_metrics_minutely_mv TO span_metrics_minutely AS
SELECT
    project_id,
    toStartOfMinute(start_time) AS minute,
    request_model AS model,
    environment,
    prompt_name,
    prompt_version,
    name,
    count() AS requests,
    countIf(status_code = 'error') AS errors,
    quantilesTDigestState(0.5, 0.95, 0.99)(duration_ms) AS latency_ms,
    quantilesTDigestIfState(0.5, 0.95)(ifNull(time_to_first_token_ms, 0), isNotNull(time_to_first_token_ms)) AS ttft_ms,
    sum(spans.input_tokens) AS input_tokens,
    sum(spans.output_tokens) AS output_tokens,
    sum(ifNull(spans.cost_usd, 0)) AS cost_usd,
    countIf(spans.cost_usd IS NULL) AS unpriced,
    max(spans.retention_days) AS retention_days
FROM spans
WHERE kind IN ('llm', 'embedding')
GROUP BY project_id, minute, model, environment, prompt_name, prompt_version, name;

-- The same rollup once per tag of the span (untagged spans have no row here), for the tag
-- filter and the breakdown by tag.
CREATE TABLE IF NOT EXISTS span_tag_metrics_minutely
(
    project_id LowCardinality(String),
    minute DateTime('UTC'),
    tag String,
    model LowCardinality(String),
    environment LowCardinality(String),
    prompt_name LowCardinality(String),
    prompt_version LowCardinality(String),
    name String,
    requests SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    latency_ms AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64),
    ttft_ms AggregateFunction(quantilesTDigestIf(0.5, 0.95), Float64, UInt8),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Float64),
    unpriced SimpleAggregateFunction(sum, UInt64),
    retention_days SimpleAggregateFunction(max, UInt16)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (project_id, minute, tag, model, environment, prompt_name, prompt_version, name)
TTL minute + toIntervalDay(retention_days);

CREATE MATERIALIZED VIEW IF NOT EXISTS span_tag_metrics_minutely_mv TO span_tag_metrics_minutely AS
SELECT
    project_id,
    toStartOfMinute(start_time) AS minute,
    tag,
    request_model AS model,
    environment,
    prompt_name,
    prompt_version,
    name,
    count() AS requests,
    countIf(status_code = 'error') AS errors,
    quantilesTDigestState(0.5, 0.95, 0.99)(duration_ms) AS latency_ms,
    quantilesTDigestIfState(0.5, 0.95)(ifNull(time_to_first_token_ms, 0), isNotNull(time_to_first_token_ms)) AS ttft_ms,
    sum(spans.input_tokens) AS input_tokens,
    sum(spans.output_tokens) AS output_tokens,
    sum(ifNull(spans.cost_usd, 0)) AS cost_usd,
    countIf(spans.cost_usd IS NULL) AS unpriced,
    max(spans.retention_days) AS retention_days
FROM spans
ARRAY JOIN arrayDistinct(tags) AS tag
WHERE kind IN ('llm', 'embedding')
GROUP BY project_id, minute, tag, model, environment, prompt_name, prompt_version, name;

-- Per user and hour: model calls, their errors, tokens and cost, and the user's traces (a
-- uniq state: exact for small counts, never double counted). Spans without a user are left
-- out.
CREATE TABLE IF NOT EXISTS user_metrics_hourly
(
    project_id LowCardinality(String),
    hour DateTime('UTC'),
    user_id String,
    model LowCardinality(String),
    environment LowCardinality(String),
    prompt_name LowCardinality(String),
    prompt_version LowCardinality(String),
    requests SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    traces AggregateFunction(uniq, String),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cost_usd SimpleAggregateFunction(sum, Float64),
    first_seen SimpleAggregateFunction(min, DateTime64(6, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(6, 'UTC')),
    retention_days SimpleAggregateFunction(max, UInt16)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, user_id, model, environment, prompt_name, prompt_version)
TTL hour + toIntervalDay(retention_days);

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
    sum(spans.input_tokens) AS input_tokens,
    sum(spans.output_tokens) AS output_tokens,
    sum(ifNull(spans.cost_usd, 0)) AS cost_usd,
    min(start_time) AS first_seen,
    max(start_time) AS last_seen,
    max(spans.retention_days) AS retention_days
FROM spans
WHERE user_id != ''
GROUP BY project_id, hour, user_id, model, environment, prompt_name, prompt_version;

-- Backfill from the rows spans held before the views existed (FINAL: each span once). A
-- batch inserted between a view's creation and its backfill is counted twice; migrations
-- run before ingest starts, so that window is empty in practice.
INSERT INTO span_metrics_minutely
SELECT
    project_id,
    toStartOfMinute(start_time) AS minute,
    request_model AS model,
    environment,
    prompt_name,
    prompt_version,
    name,
    count() AS requests,
    countIf(status_code = 'error') AS errors,
    quantilesTDigestState(0.5, 0.95, 0.99)(duration_ms) AS latency_ms,
    quantilesTDigestIfState(0.5, 0.95)(ifNull(time_to_first_token_ms, 0), isNotNull(time_to_first_token_ms)) AS ttft_ms,
    sum(spans.input_tokens) AS input_tokens,
    sum(spans.output_tokens) AS output_tokens,
    sum(ifNull(spans.cost_usd, 0)) AS cost_usd,
    countIf(spans.cost_usd IS NULL) AS unpriced,
    max(spans.retention_days) AS retention_days
FROM spans FINAL
WHERE kind IN ('llm', 'embedding')
GROUP BY project_id, minute, model, environment, prompt_name, prompt_version, name;

INSERT INTO span_tag_metrics_minutely
SELECT
    project_id,
    toStartOfMinute(start_time) AS minute,
    tag,
    request_model AS model,
    environment,
    prompt_name,
    prompt_version,
    name,
    count() AS requests,
    countIf(status_code = 'error') AS errors,
    quantilesTDigestState(0.5, 0.95, 0.99)(duration_ms) AS latency_ms,
    quantilesTDigestIfState(0.5, 0.95)(ifNull(time_to_first_token_ms, 0), isNotNull(time_to_first_token_ms)) AS ttft_ms,
    sum(spans.input_tokens) AS input_tokens,
    sum(spans.output_tokens) AS output_tokens,
    sum(ifNull(spans.cost_usd, 0)) AS cost_usd,
    countIf(spans.cost_usd IS NULL) AS unpriced,
    max(spans.retention_days) AS retention_days
FROM spans FINAL
ARRAY JOIN arrayDistinct(tags) AS tag
WHERE kind IN ('llm', 'embedding')
GROUP BY project_id, minute, tag, model, environment, prompt_name, prompt_version, name;

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
    sum(spans.input_tokens) AS input_tokens,
    sum(spans.output_tokens) AS output_tokens,
    sum(ifNull(spans.cost_usd, 0)) AS cost_usd,
    min(start_time) AS first_seen,
    max(start_time) AS last_seen,
    max(spans.retention_days) AS retention_days
FROM spans FINAL
WHERE user_id != ''
GROUP BY project_id, hour, user_id, model, environment, prompt_name, prompt_version;

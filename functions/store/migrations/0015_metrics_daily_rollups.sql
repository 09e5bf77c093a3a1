-- Daily tiers of the hourly metrics rollups (0007), fed from them by materialized views and
-- backfilled from them here. A range's whole days are answered from these, the whole hours at
-- its edges from the hourly tables and the partial hours from the per-minute ones, so a 30-day
-- breakdown merges ~30 days of states per combination instead of ~720 hours (on the
-- 10-million-span benchmark: ~90 instead of ~170 ms in the engine). Same deduplication bound as
-- 0006 and 0007: these tables add up exactly what the hourly tables hold. Series by hour or
-- minute never read them. Run this migration with ingest paused (docs/deploy.md): a batch
-- stored between the view's creation and the backfill would count twice in its day.

CREATE TABLE IF NOT EXISTS span_metrics_daily
(
    project_id LowCardinality(String),
    day DateTime('UTC'),
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
PARTITION BY toYYYYMM(day)
ORDER BY (project_id, day, model, environment, prompt_name, prompt_version, name)
-- A day's row lives as long as its last hour's row in the hourly tier: one day longer than its
-- start plus the retention.
TTL day + toIntervalDay(retention_days + 1)
-- A redelivered batch's blocks are skipped here too (0011).
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS span_metrics_daily_mv TO span_metrics_daily AS
SELECT
    project_id,
    toStartOfDay(hour) AS day,
    model,
    environment,
    prompt_name,
    prompt_version,
    name,
    sum(span_metrics_hourly.requests) AS requests,
    sum(span_metrics_hourly.errors) AS errors,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(span_metrics_hourly.latency_ms) AS latency_ms,
    quantilesTDigestIfMergeState(0.5, 0.95)(span_metrics_hourly.ttft_ms) AS ttft_ms,
    sum(span_metrics_hourly.input_tokens) AS input_tokens,
    sum(span_metrics_hourly.output_tokens) AS output_tokens,
    sum(span_metrics_hourly.cost_usd) AS cost_usd,
    sum(span_metrics_hourly.unpriced) AS unpriced,
    max(span_metrics_hourly.retention_days) AS retention_days
FROM span_metrics_hourly
GROUP BY project_id, day, model, environment, prompt_name, prompt_version, name;

INSERT INTO span_metrics_daily
SELECT
    project_id,
    toStartOfDay(hour) AS day,
    model,
    environment,
    prompt_name,
    prompt_version,
    name,
    sum(span_metrics_hourly.requests) AS requests,
    sum(span_metrics_hourly.errors) AS errors,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(span_metrics_hourly.latency_ms) AS latency_ms,
    quantilesTDigestIfMergeState(0.5, 0.95)(span_metrics_hourly.ttft_ms) AS ttft_ms,
    sum(span_metrics_hourly.input_tokens) AS input_tokens,
    sum(span_metrics_hourly.output_tokens) AS output_tokens,
    sum(span_metrics_hourly.cost_usd) AS cost_usd,
    sum(span_metrics_hourly.unpriced) AS unpriced,
    max(span_metrics_hourly.retention_days) AS retention_days
FROM span_metrics_hourly
GROUP BY project_id, day, model, environment, prompt_name, prompt_version, name;

CREATE TABLE IF NOT EXISTS span_tag_metrics_daily
(
    project_id LowCardinality(String),
    day DateTime('UTC'),
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
PARTITION BY toYYYYMM(day)
ORDER BY (project_id, day, tag, model, environment, prompt_name, prompt_version, name)
-- A day's row lives as long as its last hour's row in the hourly tier: one day longer than its
-- start plus the retention.
TTL day + toIntervalDay(retention_days + 1)
-- A redelivered batch's blocks are skipped here too (0011).
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS span_tag_metrics_daily_mv TO span_tag_metrics_daily AS
SELECT
    project_id,
    toStartOfDay(hour) AS day,
    tag,
    model,
    environment,
    prompt_name,
    prompt_version,
    name,
    sum(span_tag_metrics_hourly.requests) AS requests,
    sum(span_tag_metrics_hourly.errors) AS errors,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(span_tag_metrics_hourly.latency_ms) AS latency_ms,
    quantilesTDigestIfMergeState(0.5, 0.95)(span_tag_metrics_hourly.ttft_ms) AS ttft_ms,
    sum(span_tag_metrics_hourly.input_tokens) AS input_tokens,
    sum(span_tag_metrics_hourly.output_tokens) AS output_tokens,
    sum(span_tag_metrics_hourly.cost_usd) AS cost_usd,
    sum(span_tag_metrics_hourly.unpriced) AS unpriced,
    max(span_tag_metrics_hourly.retention_days) AS retention_days
FROM span_tag_metrics_hourly
GROUP BY project_id, day, tag, model, environment, prompt_name, prompt_version, name;

INSERT INTO span_tag_metrics_daily
SELECT
    project_id,
    toStartOfDay(hour) AS day,
    tag,
    model,
    environment,
    prompt_name,
    prompt_version,
    name,
    sum(span_tag_metrics_hourly.requests) AS requests,
    sum(span_tag_metrics_hourly.errors) AS errors,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(span_tag_metrics_hourly.latency_ms) AS latency_ms,
    quantilesTDigestIfMergeState(0.5, 0.95)(span_tag_metrics_hourly.ttft_ms) AS ttft_ms,
    sum(span_tag_metrics_hourly.input_tokens) AS input_tokens,
    sum(span_tag_metrics_hourly.output_tokens) AS output_tokens,
    sum(span_tag_metrics_hourly.cost_usd) AS cost_usd,
    sum(span_tag_metrics_hourly.unpriced) AS unpriced,
    max(span_tag_metrics_hourly.retention_days) AS retention_days
FROM span_tag_metrics_hourly
GROUP BY project_id, day, tag, model, environment, prompt_name, prompt_version, name;

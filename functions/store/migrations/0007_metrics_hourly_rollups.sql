-- Hourly tiers of the per-minute metrics rollups (0006), fed from them by materialized
-- views and backfilled from them here. A dashboard range is answered from whole hours here
-- plus the partial hours at its edges from the per-minute tables, so a 30-day question merges
-- ~720 hours of states instead of ~43,000 minutes. Same deduplication bound as 0006: these
-- tables add up exactly what the per-minute tables hold.

CREATE TABLE IF NOT EXISTS span_metrics_hourly
(
    project_id LowCardinality(String),
    hour DateTime('UTC'),
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
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, model, environment, prompt_name, prompt_version, name)
TTL hour + toIntervalDay(retention_days);

CREATE MATERIALIZED VIEW IF NOT EXISTS span_metrics_hourly_mv TO span_metrics_hourly AS
SELECT
    project_id,
    toStartOfHour(minute) AS hour,
    model,
    environment,
    prompt_name,
    prompt_version,
    name,
    sum(span_metrics_minutely.requests) AS requests,
    sum(span_metrics_minutely.errors) AS errors,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(span_metrics_minutely.latency_ms) AS latency_ms,
    quantilesTDigestIfMergeState(0.5, 0.95)(span_metrics_minutely.ttft_ms) AS ttft_ms,
    sum(span_metrics_minutely.input_tokens) AS input_tokens,
    sum(span_metrics_minutely.output_tokens) AS output_tokens,
    sum(span_metrics_minutely.cost_usd) AS cost_usd,
    sum(span_metrics_minutely.unpriced) AS unpriced,
    max(span_metrics_minutely.retention_days) AS retention_days
FROM span_metrics_minutely
GROUP BY project_id, hour, model, environment, prompt_name, prompt_version, name;

INSERT INTO span_metrics_hourly
SELECT
    project_id,
    toStartOfHour(minute) AS hour,
    model,
    environment,
    prompt_name,
    prompt_version,
    name,
    sum(span_metrics_minutely.requests) AS requests,
    sum(span_metrics_minutely.errors) AS errors,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(span_metrics_minutely.latency_ms) AS latency_ms,
    quantilesTDigestIfMergeState(0.5, 0.95)(span_metrics_minutely.ttft_ms) AS ttft_ms,
    sum(span_metrics_minutely.input_tokens) AS input_tokens,
    sum(span_metrics_minutely.output_tokens) AS output_tokens,
    sum(span_metrics_minutely.cost_usd) AS cost_usd,
    sum(span_metrics_minutely.unpriced) AS unpriced,
    max(span_metrics_minutely.retention_days) AS retention_days
FROM span_metrics_minutely
GROUP BY project_id, hour, model, environment, prompt_name, prompt_version, name;

CREATE TABLE IF NOT EXISTS span_tag_metrics_hourly
(
    project_id LowCardinality(String),
    hour DateTime('UTC'),
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
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, tag, model, environment, prompt_name, prompt_version, name)
TTL hour + toIntervalDay(retention_days);

CREATE MATERIALIZED VIEW IF NOT EXISTS span_tag_metrics_hourly_mv TO span_tag_metrics_hourly AS
SELECT
    project_id,
    toStartOfHour(minute) AS hour,
    tag,
    model,
    environment,
    prompt_name,
    prompt_version,
    name,
    sum(span_tag_metrics_minutely.requests) AS requests,
    sum(span_tag_metrics_minutely.errors) AS errors,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(span_tag_metrics_minutely.latency_ms) AS latency_ms,
    quantilesTDigestIfMergeState(0.5, 0.95)(span_tag_metrics_minutely.ttft_ms) AS ttft_ms,
    sum(span_tag_metrics_minutely.input_tokens) AS input_tokens,
    sum(span_tag_metrics_minutely.output_tokens) AS output_tokens,
    sum(span_tag_metrics_minutely.cost_usd) AS cost_usd,
    sum(span_tag_metrics_minutely.unpriced) AS unpriced,
    max(span_tag_metrics_minutely.retention_days) AS retention_days
FROM span_tag_metrics_minutely
GROUP BY project_id, hour, tag, model, environment, prompt_name, prompt_version, name;

INSERT INTO span_tag_metrics_hourly
SELECT
    project_id,
    toStartOfHour(minute) AS hour,
    tag,
    model,
    environment,
    prompt_name,
    prompt_version,
    name,
    sum(span_tag_metrics_minutely.requests) AS requests,
    sum(span_tag_metrics_minutely.errors) AS errors,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(span_tag_metrics_minutely.latency_ms) AS latency_ms,
    quantilesTDigestIfMergeState(0.5, 0.95)(span_tag_metrics_minutely.ttft_ms) AS ttft_ms,
    sum(span_tag_metrics_minutely.input_tokens) AS input_tokens,
    sum(span_tag_metrics_minutely.output_tokens) AS output_tokens,
    sum(span_tag_metrics_minutely.cost_usd) AS cost_usd,
    sum(span_tag_metrics_minutely.unpriced) AS unpriced,
    max(span_tag_metrics_minutely.retention_days) AS retention_days
FROM span_tag_metrics_minutely
GROUP BY project_id, hour, tag, model, environment, prompt_name, prompt_version, name;

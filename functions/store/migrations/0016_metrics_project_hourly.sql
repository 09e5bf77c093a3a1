-- The hourly metrics of a whole project, fed from the hourly rollup (0007) by a materialized
-- view and backfilled from it here. The overview's unfiltered charts (no model, environment,
-- prompt, tag or span name chosen) merge one state per hour here instead of one per model,
-- environment, prompt version and span name (on the 10-million-span benchmark ~360 per hour).
-- Same deduplication bound as 0006 and 0007; run it with ingest paused, as 0015.

CREATE TABLE IF NOT EXISTS span_metrics_project_hourly
(
    project_id LowCardinality(String),
    hour DateTime('UTC'),
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
ORDER BY (project_id, hour)
TTL hour + toIntervalDay(retention_days)
-- A redelivered batch's blocks are skipped here too (0011).
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS span_metrics_project_hourly_mv TO span_metrics_project_hourly AS
SELECT
    project_id,
    hour,
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
GROUP BY project_id, hour;

INSERT INTO span_metrics_project_hourly
SELECT
    project_id,
    hour,
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
GROUP BY project_id, hour;

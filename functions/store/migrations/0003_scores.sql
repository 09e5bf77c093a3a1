-- Feedback scores sent by producers (`score(traceId | spanId, name, value)`), deduplicated
-- on their producer-assigned id like spans are.
CREATE TABLE IF NOT EXISTS scores
(
    project_id LowCardinality(String),
    score_id String,
    trace_id String,
    span_id String,
    name LowCardinality(String),
    data_type LowCardinality(String),
    numeric_value Nullable(Float64),
    string_value String,
    comment String CODEC(ZSTD(3)),
    user_id String,
    timestamp DateTime64(3, 'UTC'),
    ingested_at DateTime64(3, 'UTC'),
    retention_days UInt16 DEFAULT 90,
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (project_id, toStartOfDay(timestamp), trace_id, score_id)
TTL toDateTime(timestamp) + toIntervalDay(retention_days);

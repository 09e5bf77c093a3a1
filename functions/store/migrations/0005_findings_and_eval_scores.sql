-- What the enrichment stage (issue 4) finds in a span and what its evaluators score.
-- Both are ReplacingMergeTree keyed by what makes a row the same fact, so a redelivered
-- batch (or a re-run of the same detector/evaluator version) collapses into one row;
-- readers use FINAL. Rows expire with the spans they describe (retention_days, default 90).
CREATE TABLE IF NOT EXISTS findings
(
    project_id LowCardinality(String),
    trace_id String,
    span_id String,
    category LowCardinality(String),
    type LowCardinality(String),
    field LowCardinality(String),
    message_index Int32,
    part_index Int32,
    start UInt32,
    end UInt32,
    score Float32,
    detector_id LowCardinality(String),
    detector_version LowCardinality(String),
    created_at DateTime64(3, 'UTC'),
    retention_days UInt16 DEFAULT 90,
    INDEX idx_type type TYPE set(64) GRANULARITY 4
)
ENGINE = ReplacingMergeTree(created_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (project_id, trace_id, span_id, detector_id, type, field, message_index, part_index, start, end)
TTL toDateTime(created_at) + toIntervalDay(retention_days);

CREATE TABLE IF NOT EXISTS eval_scores
(
    project_id LowCardinality(String),
    trace_id String,
    span_id String,
    evaluator LowCardinality(String),
    evaluator_version LowCardinality(String),
    value Float64,
    passed Nullable(Bool),
    label LowCardinality(String),
    comment String CODEC(ZSTD(3)),
    created_at DateTime64(3, 'UTC'),
    retention_days UInt16 DEFAULT 90,
    INDEX idx_evaluator evaluator TYPE set(256) GRANULARITY 4
)
ENGINE = ReplacingMergeTree(created_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (project_id, trace_id, span_id, evaluator, evaluator_version)
TTL toDateTime(created_at) + toIntervalDay(retention_days);

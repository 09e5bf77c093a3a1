-- Records the ingest function can never store (bad JSON, bad signature, unknown project,
-- schema violation…), kept with the reason, the raw bytes and their Kinesis coordinates so
-- they can be inspected and replayed. Keyed by coordinates: a redelivered record that fails
-- again collapses into one row. project_id is what the record claimed, not verified.
CREATE TABLE IF NOT EXISTS dead_letters
(
    stream_arn LowCardinality(String),
    shard_id LowCardinality(String),
    sequence_number String,
    partition_key String,
    approximate_arrival DateTime64(3, 'UTC'),
    claimed_project_id LowCardinality(String),
    reason LowCardinality(String),
    detail String,
    raw_base64 String CODEC(ZSTD(3)),
    raw_size UInt32,
    dead_lettered_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(dead_lettered_at)
PARTITION BY toYYYYMM(approximate_arrival)
ORDER BY (shard_id, sequence_number)
TTL toDateTime(approximate_arrival) + INTERVAL 30 DAY;

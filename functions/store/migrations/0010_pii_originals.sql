-- Originals of values the enrichment stage redacted, kept only when the project's policy
-- says so, and only sealed: AES-256-GCM under a per-batch data key that KMS (or the local
-- key file) wraps; span, trace and project ids are the authenticated data, so a sealed value
-- opens only for the place it came from. The placeholder ties it to the redacted text.
-- Keyed like findings, so a redelivered batch collapses into one row per value.
CREATE TABLE IF NOT EXISTS pii_originals
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
    replacement String,
    ciphertext String CODEC(ZSTD(1)),
    iv String,
    auth_tag String,
    wrapped_key String,
    key_ref LowCardinality(String),
    created_at DateTime64(3, 'UTC'),
    retention_days UInt16 DEFAULT 90
)
ENGINE = ReplacingMergeTree(created_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (project_id, trace_id, span_id, field, message_index, part_index, start)
TTL toDateTime(created_at) + toIntervalDay(retention_days);

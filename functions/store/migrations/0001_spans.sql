-- Spans: one row per span, LLM calls included.
-- ReplacingMergeTree on the full identity (project, hour, trace, span) so a redelivered
-- Kinesis batch collapses into the row it repeats; readers use FINAL so duplicates that
-- have not merged yet never show up in a result.
-- ORDER BY starts with project and hour: every dashboard and list filters on both. Trace
-- lookups by id use the bloom filter; audit search by user uses the user bloom filter and
-- the text indexes on lower-cased input/output text.
CREATE TABLE IF NOT EXISTS spans
(
    project_id LowCardinality(String),
    trace_id String,
    span_id String,
    parent_span_id String,
    name String,
    kind LowCardinality(String),
    start_time DateTime64(6, 'UTC'),
    end_time DateTime64(6, 'UTC'),
    duration_ms Float64,
    status_code LowCardinality(String),
    status_message String CODEC(ZSTD(3)),
    error_type LowCardinality(String),
    operation_name LowCardinality(String),
    provider LowCardinality(String),
    request_model LowCardinality(String),
    response_model LowCardinality(String),
    response_id String,
    server_address LowCardinality(String),
    request_params String CODEC(ZSTD(3)),
    input_tokens UInt64,
    output_tokens UInt64,
    cached_input_tokens UInt64,
    reasoning_tokens UInt64,
    total_tokens UInt64,
    finish_reasons Array(LowCardinality(String)),
    time_to_first_token_ms Nullable(Float64),
    system_instructions String CODEC(ZSTD(3)),
    input_messages String CODEC(ZSTD(3)),
    output_messages String CODEC(ZSTD(3)),
    input_text String CODEC(ZSTD(3)),
    output_text String CODEC(ZSTD(3)),
    tool_name LowCardinality(String),
    tool_call_id String,
    user_id String,
    session_id String,
    prompt_name LowCardinality(String),
    prompt_version LowCardinality(String),
    prompt_variables String CODEC(ZSTD(3)),
    environment LowCardinality(String),
    release LowCardinality(String),
    tags Array(String),
    metadata Map(String, String),
    truncated Bool,
    sdk_name LowCardinality(String),
    sdk_version LowCardinality(String),
    ingest_key_id LowCardinality(String),
    source_shard_id LowCardinality(String),
    source_sequence_number String,
    ingested_at DateTime64(3, 'UTC'),
    retention_days UInt16 DEFAULT 90,
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_session_id session_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_input_text lower(input_text) TYPE text(tokenizer = splitByNonAlpha) GRANULARITY 64,
    INDEX idx_output_text lower(output_text) TYPE text(tokenizer = splitByNonAlpha) GRANULARITY 64
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(start_time)
ORDER BY (project_id, toStartOfHour(start_time), trace_id, span_id)
TTL toDateTime(start_time) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192;

-- What a trace lookup shows of each span, stored a second time in the order a lookup reads it:
-- by (project, trace, span), in small granules of compact parts (every column of a granule in
-- one file). `spans` is sorted by hour for the dashboards and lists, so a lookup by trace id
-- there tests the bloom filter of every granule and then reads two 8,192-row granules of ~45
-- column files: ~28 ms on the 10-million-span benchmark, against ~9 ms here. The price is a
-- second copy of these columns on disk (no text indexes, no input/output text).
--
-- Kept up to date by a materialized view on inserts into spans, and backfilled from what spans
-- holds. A redelivered span lands twice until parts merge (ReplacingMergeTree on ingested_at,
-- as spans is): readers keep the newest row per span id. Rows expire with their span.
CREATE TABLE IF NOT EXISTS span_details
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
    ingested_at DateTime64(3, 'UTC'),
    cost_usd Nullable(Float64),
    cost_status LowCardinality(String),
    retention_days UInt16
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(start_time)
ORDER BY (project_id, trace_id, span_id)
TTL toDateTime(start_time) + toIntervalDay(retention_days)
-- Compact parts at every size, small granules and small compressed blocks: a lookup reads one
-- file and decompresses a few KiB of it, instead of opening ~45 files per granule.
SETTINGS index_granularity = 64, min_bytes_for_wide_part = 1099511627776,
    min_rows_for_wide_part = 1000000000000, min_compress_block_size = 4096,
    max_compress_block_size = 16384;

CREATE MATERIALIZED VIEW IF NOT EXISTS span_details_mv TO span_details AS
SELECT
    project_id, trace_id, span_id, parent_span_id, name, kind, start_time, end_time,
    duration_ms, status_code, status_message, error_type, operation_name, provider,
    request_model, response_model, response_id, request_params, input_tokens, output_tokens,
    cached_input_tokens, reasoning_tokens, total_tokens, finish_reasons, time_to_first_token_ms,
    system_instructions, input_messages, output_messages, tool_name, tool_call_id, user_id,
    session_id, prompt_name, prompt_version, prompt_variables, environment, release, tags,
    metadata, truncated, sdk_name, sdk_version, ingested_at, cost_usd, cost_status,
    retention_days
FROM spans;

INSERT INTO span_details
SELECT
    project_id, trace_id, span_id, parent_span_id, name, kind, start_time, end_time,
    duration_ms, status_code, status_message, error_type, operation_name, provider,
    request_model, response_model, response_id, request_params, input_tokens, output_tokens,
    cached_input_tokens, reasoning_tokens, total_tokens, finish_reasons, time_to_first_token_ms,
    system_instructions, input_messages, output_messages, tool_name, tool_call_id, user_id,
    session_id, prompt_name, prompt_version, prompt_variables, environment, release, tags,
    metadata, truncated, sdk_name, sdk_version, ingested_at, cost_usd, cost_status,
    retention_days
FROM spans;

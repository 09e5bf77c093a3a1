-- What a trace lookup shows of each span, as one JSON document per span, replacing
-- span_details (0014). span_details kept ~45 columns per span: reading a trace's few rows
-- meant one small read and decompression per column, ~10 ms in the engine on the
-- 10-million-span benchmark. One document column makes it one read: ~3 ms.
--
-- The document is the span's row as JSONEachRow writes it (formatRowNoNewline), so a reader
-- parses it into the same object a `SELECT <columns> … FORMAT JSONEachRow` returns. Its
-- columns are those of TraceSpan in functions/store/spansRepository.ts.
--
-- Kept up to date by a materialized view on inserts into spans, and backfilled from spans, so
-- the migration can run again after a failure (span_details is gone by then). A span stored
-- twice (a redelivered batch, one ingested between the view's creation and the backfill, or a
-- second run) lands twice until parts merge (ReplacingMergeTree on ingested_at, as spans is):
-- readers keep the newest row per span id. Rows expire with their span.
CREATE TABLE IF NOT EXISTS span_documents
(
    project_id LowCardinality(String),
    trace_id String,
    span_id String,
    start_time DateTime64(6, 'UTC'),
    ingested_at DateTime64(3, 'UTC'),
    retention_days UInt16,
    document String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(start_time)
ORDER BY (project_id, trace_id, span_id)
TTL toDateTime(start_time) + toIntervalDay(retention_days)
-- Compact parts at every size, small granules and small compressed blocks: a lookup reads one
-- file and decompresses a few KiB of it.
SETTINGS index_granularity = 64, min_bytes_for_wide_part = 1099511627776,
    min_rows_for_wide_part = 1000000000000, min_compress_block_size = 4096,
    max_compress_block_size = 16384;

CREATE MATERIALIZED VIEW IF NOT EXISTS span_documents_mv TO span_documents AS
SELECT
    project_id, trace_id, span_id, start_time, ingested_at, retention_days,
    formatRowNoNewline('JSONEachRow',
        project_id, trace_id, span_id, parent_span_id, name, kind, start_time, duration_ms,
        status_code, status_message, provider, request_model, response_model, input_tokens,
        output_tokens, total_tokens, user_id, session_id, prompt_name, prompt_version,
        environment, end_time, error_type, operation_name, response_id, request_params,
        cached_input_tokens, reasoning_tokens, finish_reasons, time_to_first_token_ms,
        system_instructions, input_messages, output_messages, tool_name, tool_call_id,
        prompt_variables, release, tags, metadata, truncated, sdk_name, sdk_version,
        ingested_at, cost_usd, cost_status) AS document
FROM spans;

INSERT INTO span_documents
SELECT
    project_id, trace_id, span_id, start_time, ingested_at, retention_days,
    formatRowNoNewline('JSONEachRow',
        project_id, trace_id, span_id, parent_span_id, name, kind, start_time, duration_ms,
        status_code, status_message, provider, request_model, response_model, input_tokens,
        output_tokens, total_tokens, user_id, session_id, prompt_name, prompt_version,
        environment, end_time, error_type, operation_name, response_id, request_params,
        cached_input_tokens, reasoning_tokens, finish_reasons, time_to_first_token_ms,
        system_instructions, input_messages, output_messages, tool_name, tool_call_id,
        prompt_variables, release, tags, metadata, truncated, sdk_name, sdk_version,
        ingested_at, cost_usd, cost_status) AS document
FROM spans;

DROP VIEW IF EXISTS span_details_mv;

DROP TABLE IF EXISTS span_details;

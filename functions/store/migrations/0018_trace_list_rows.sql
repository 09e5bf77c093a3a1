-- The newest (or oldest) page of a project's unfiltered trace list, in one small read.
--
-- trace_summaries (0012) answers that page from the last hour or two of its rows, then reads
-- the page's traces from trace_details by id. Both hold aggregate-function states: on the
-- 10-million-span benchmark the two reads cost ~40 ms in the engine, most of it building and
-- merging those states for a few thousand traces, and a second round trip.
--
-- trace_list_rows holds plain values instead: one row per (project, minute, trace) of each
-- insert into spans, with the start of its spans and, as one JSON document, what a list row
-- shows of them (their per-span facts, the value and time of the first model, user, session,
-- prompt, environment and input preview, of the last output preview, and the root span's name
-- and key): one column to read, as span_documents (0017). Rows of one trace are never merged
-- by the engine; the reader merges the few rows of a page's traces itself
-- (functions/store/traceListRows.ts). Every value is idempotent under that merge (minimums,
-- maximums, first/last by time, sets, per-span facts deduplicated by span id), so a span
-- inserted twice (a redelivered batch, a backfill run again) changes nothing.
--
-- Sorted by minute: a page of the newest traces reads the rows of the last few minutes, and
-- finds which traces start there from the (trace, start) of the hour before them.
CREATE TABLE IF NOT EXISTS trace_list_rows
(
    project_id LowCardinality(String),
    minute DateTime('UTC'),
    trace_id String,
    -- The earliest start among the row's spans: which traces start in a window.
    trace_start DateTime64(6, 'UTC'),
    retention_days UInt16,
    -- JSON with: trace_end, the latest end; span_facts, one (span id, status, input tokens,
    -- output tokens, cost, PII findings, secrets) per span; tag_set, pii_type_set and
    -- eval_failed_set; max_injection_score; root_name with root_key (has a parent, start), the
    -- earliest span without a parent, else the earliest span; first_model, first_user,
    -- first_session, first_prompt, first_environment and input_preview, each with the start of
    -- the earliest span that has it (`…_at`, '' and a zero time when none has); output_preview
    -- with the end of the span that ended last with one.
    document String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (project_id, minute, trace_id)
TTL minute + toIntervalDay(retention_days)
-- A page reads a few hundred rows: small granules, and compact parts (one file) at every size.
SETTINGS index_granularity = 256, min_bytes_for_wide_part = 1099511627776,
    min_rows_for_wide_part = 1000000000000;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_list_rows_mv TO trace_list_rows AS
SELECT
    project_id,
    toStartOfMinute(start_time) AS minute,
    trace_id,
    min(start_time) AS trace_start,
    max(spans.retention_days) AS retention_days,
    formatRowNoNewline('JSONEachRow',
        max(end_time) AS trace_end,
        groupUniqArray((span_id, toString(status_code), input_tokens, output_tokens, cost_usd, pii_count, secret_count)) AS span_facts,
        groupUniqArrayArray(spans.tags) AS tag_set,
        groupUniqArrayArray(arrayMap(type -> toString(type), spans.pii_types)) AS pii_type_set,
        groupUniqArrayArray(arrayMap(evaluator -> toString(evaluator), spans.eval_failed)) AS eval_failed_set,
        max(spans.injection_score) AS max_injection_score,
        argMin(name, (toUInt8(parent_span_id != ''), start_time)) AS root_name,
        min((toUInt8(parent_span_id != ''), start_time)) AS root_key,
        argMinIf(toString(request_model), start_time, request_model != '') AS first_model,
        minIf(start_time, request_model != '') AS first_model_at,
        argMinIf(user_id, start_time, user_id != '') AS first_user,
        minIf(start_time, user_id != '') AS first_user_at,
        argMinIf(session_id, start_time, session_id != '') AS first_session,
        minIf(start_time, session_id != '') AS first_session_at,
        argMinIf((toString(prompt_name), toString(prompt_version)), start_time, prompt_name != '') AS first_prompt,
        minIf(start_time, prompt_name != '') AS first_prompt_at,
        argMinIf(toString(environment), start_time, environment != '') AS first_environment,
        minIf(start_time, environment != '') AS first_environment_at,
        argMinIf(leftUTF8(input_text, 240), start_time, input_text != '') AS input_preview,
        minIf(start_time, input_text != '') AS input_preview_at,
        argMaxIf(leftUTF8(output_text, 240), end_time, output_text != '') AS output_preview,
        maxIf(end_time, output_text != '') AS output_preview_at) AS document
FROM spans
GROUP BY project_id, minute, trace_id;

-- Backfill from what spans holds. No FINAL, and safe to run again: the reader's merge is
-- idempotent. Grouped by the prefix of spans' sorting key first, so it aggregates in order and
-- memory stays bounded however many spans there are.
INSERT INTO trace_list_rows
SELECT
    project_id,
    toStartOfMinute(start_time) AS minute,
    trace_id,
    min(start_time) AS trace_start,
    max(spans.retention_days) AS retention_days,
    formatRowNoNewline('JSONEachRow',
        max(end_time) AS trace_end,
        groupUniqArray((span_id, toString(status_code), input_tokens, output_tokens, cost_usd, pii_count, secret_count)) AS span_facts,
        groupUniqArrayArray(spans.tags) AS tag_set,
        groupUniqArrayArray(arrayMap(type -> toString(type), spans.pii_types)) AS pii_type_set,
        groupUniqArrayArray(arrayMap(evaluator -> toString(evaluator), spans.eval_failed)) AS eval_failed_set,
        max(spans.injection_score) AS max_injection_score,
        argMin(name, (toUInt8(parent_span_id != ''), start_time)) AS root_name,
        min((toUInt8(parent_span_id != ''), start_time)) AS root_key,
        argMinIf(toString(request_model), start_time, request_model != '') AS first_model,
        minIf(start_time, request_model != '') AS first_model_at,
        argMinIf(user_id, start_time, user_id != '') AS first_user,
        minIf(start_time, user_id != '') AS first_user_at,
        argMinIf(session_id, start_time, session_id != '') AS first_session,
        minIf(start_time, session_id != '') AS first_session_at,
        argMinIf((toString(prompt_name), toString(prompt_version)), start_time, prompt_name != '') AS first_prompt,
        minIf(start_time, prompt_name != '') AS first_prompt_at,
        argMinIf(toString(environment), start_time, environment != '') AS first_environment,
        minIf(start_time, environment != '') AS first_environment_at,
        argMinIf(leftUTF8(input_text, 240), start_time, input_text != '') AS input_preview,
        minIf(start_time, input_text != '') AS input_preview_at,
        argMaxIf(leftUTF8(output_text, 240), end_time, output_text != '') AS output_preview,
        maxIf(end_time, output_text != '') AS output_preview_at) AS document
FROM spans
GROUP BY project_id, toStartOfHour(start_time), trace_id, minute
SETTINGS optimize_aggregation_in_order = 1;

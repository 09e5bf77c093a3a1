-- Per-trace aggregates for the trace explorer, kept up to date by materialized views on
-- inserts into spans and backfilled from what spans holds. Three tables, each shaped for one
-- way of finding traces:
--
-- trace_details: everything a list row shows, one row per (project, trace) once merged; a
--   page's traces are read by primary key (small granules: a page of 50 scattered traces
--   reads 50 small granules). A filtered search (text, user, session) that already knows its
--   candidate traces filters, sorts and pages them here in one query.
-- trace_summaries: what filters and sorts need, per (project, hour, trace), for the spans of
--   the trace that started in that hour; sorted by time, so the newest page of a project reads
--   the last hour or two instead of every span of the range under FINAL.
-- trace_keys: which traces a user or a session has spans in, by hour: a user's history reads
--   this user's rows only, instead of testing every granule's bloom filter across 90 days.
--
-- Only the view on spans aggregates spans; trace_summaries and trace_keys are fed from the
-- blocks it inserts into trace_details (chained views), and the backfill below fills all three.
--
-- Every aggregate is idempotent: a span inserted twice (a redelivered batch) leaves the result
-- unchanged, so readers need no FINAL. Minimums, maximums and argMin/argMax ignore a repeated
-- row; sets (groupUniqArray) keep one copy; sums are computed on read from the set of per-span
-- facts, one per span id, so a repeated span is summed once.
CREATE TABLE IF NOT EXISTS trace_details
(
    project_id LowCardinality(String),
    trace_id String,
    -- The hour of the rows merged here: the latest one, so retention keeps a trace until its
    -- last spans expire.
    hour SimpleAggregateFunction(max, DateTime('UTC')),
    trace_start SimpleAggregateFunction(min, DateTime64(6, 'UTC')),
    trace_end SimpleAggregateFunction(max, DateTime64(6, 'UTC')),
    -- (span id, status, input tokens, output tokens, cost, PII findings, secrets) per span.
    span_facts AggregateFunction(groupUniqArray, Tuple(String, String, UInt64, UInt64, Nullable(Float64), UInt32, UInt32)),
    -- What span filters match on: every value any span of the trace has.
    models SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    users SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    sessions SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    prompts SimpleAggregateFunction(groupUniqArrayArray, Array(Tuple(String, String))),
    environments SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    tag_set SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    pii_type_set SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    eval_failed_set SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    max_injection_score SimpleAggregateFunction(max, Float32),
    -- What a list row shows: the root span's name (the earliest span without a parent, else
    -- the earliest span), the first model, user, session, prompt and environment, previews.
    root_name AggregateFunction(argMin, String, Tuple(UInt8, DateTime64(6, 'UTC'))),
    first_model AggregateFunction(argMinIf, String, DateTime64(6, 'UTC'), UInt8),
    first_user AggregateFunction(argMinIf, String, DateTime64(6, 'UTC'), UInt8),
    first_session AggregateFunction(argMinIf, String, DateTime64(6, 'UTC'), UInt8),
    first_prompt AggregateFunction(argMinIf, Tuple(String, String), DateTime64(6, 'UTC'), UInt8),
    first_environment AggregateFunction(argMinIf, String, DateTime64(6, 'UTC'), UInt8),
    input_preview AggregateFunction(argMinIf, String, DateTime64(6, 'UTC'), UInt8),
    output_preview AggregateFunction(argMaxIf, String, DateTime64(6, 'UTC'), UInt8),
    retention_days SimpleAggregateFunction(max, UInt16)
)
ENGINE = AggregatingMergeTree
ORDER BY (project_id, trace_id)
TTL hour + toIntervalDay(retention_days)
-- Lookups by trace id land on scattered granules: small granules and small compressed blocks
-- keep each lookup from decompressing 64 KiB or more of every column.
SETTINGS index_granularity = 32, min_compress_block_size = 4096, max_compress_block_size = 16384;

CREATE TABLE IF NOT EXISTS trace_summaries
(
    project_id LowCardinality(String),
    hour DateTime('UTC'),
    trace_id String,
    trace_start SimpleAggregateFunction(min, DateTime64(6, 'UTC')),
    trace_end SimpleAggregateFunction(max, DateTime64(6, 'UTC')),
    span_facts AggregateFunction(groupUniqArray, Tuple(String, String, UInt64, UInt64, Nullable(Float64), UInt32, UInt32)),
    models SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    users SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    sessions SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    prompts SimpleAggregateFunction(groupUniqArrayArray, Array(Tuple(String, String))),
    environments SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    tag_set SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    pii_type_set SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    eval_failed_set SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    max_injection_score SimpleAggregateFunction(max, Float32),
    retention_days SimpleAggregateFunction(max, UInt16)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, hour, trace_id)
TTL hour + toIntervalDay(retention_days)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS trace_keys
(
    project_id LowCardinality(String),
    key LowCardinality(String),
    value String,
    hour DateTime('UTC'),
    trace_id String,
    retention_days SimpleAggregateFunction(max, UInt16)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (project_id, key, value, hour, trace_id)
TTL hour + toIntervalDay(retention_days);

-- Fed by the blocks the view on spans inserts into trace_details: one row per (project,
-- hour, trace) of each insert.
CREATE MATERIALIZED VIEW IF NOT EXISTS trace_summaries_mv TO trace_summaries AS
SELECT
    project_id, hour, trace_id, trace_start, trace_end, span_facts, models, users, sessions,
    prompts, environments, tag_set, pii_type_set, eval_failed_set, max_injection_score,
    retention_days
FROM trace_details;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_keys_mv TO trace_keys AS
SELECT project_id, pair.1 AS key, pair.2 AS value, hour, trace_id, retention_days
FROM trace_details
ARRAY JOIN arrayConcat(
    arrayMap(user -> ('user', user), users),
    arrayMap(session -> ('session', session), sessions)) AS pair;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_details_mv TO trace_details AS
SELECT
    project_id,
    trace_id,
    toStartOfHour(start_time) AS hour,
    min(start_time) AS trace_start,
    max(end_time) AS trace_end,
    groupUniqArrayState((span_id, toString(status_code), input_tokens, output_tokens, cost_usd, pii_count, secret_count)) AS span_facts,
    groupUniqArrayIf(toString(request_model), request_model != '') AS models,
    groupUniqArrayIf(user_id, user_id != '') AS users,
    groupUniqArrayIf(session_id, session_id != '') AS sessions,
    groupUniqArrayIf((toString(prompt_name), toString(prompt_version)), prompt_name != '') AS prompts,
    groupUniqArrayIf(toString(environment), environment != '') AS environments,
    groupUniqArrayArray(spans.tags) AS tag_set,
    groupUniqArrayArray(arrayMap(type -> toString(type), spans.pii_types)) AS pii_type_set,
    groupUniqArrayArray(arrayMap(evaluator -> toString(evaluator), spans.eval_failed)) AS eval_failed_set,
    max(spans.injection_score) AS max_injection_score,
    argMinState(name, (toUInt8(parent_span_id != ''), start_time)) AS root_name,
    argMinIfState(toString(request_model), start_time, toUInt8(request_model != '')) AS first_model,
    argMinIfState(user_id, start_time, toUInt8(user_id != '')) AS first_user,
    argMinIfState(session_id, start_time, toUInt8(session_id != '')) AS first_session,
    argMinIfState((toString(prompt_name), toString(prompt_version)), start_time, toUInt8(prompt_name != '')) AS first_prompt,
    argMinIfState(toString(environment), start_time, toUInt8(environment != '')) AS first_environment,
    argMinIfState(leftUTF8(input_text, 240), start_time, toUInt8(input_text != '')) AS input_preview,
    argMaxIfState(leftUTF8(output_text, 240), end_time, toUInt8(output_text != '')) AS output_preview,
    max(spans.retention_days) AS retention_days
FROM spans
GROUP BY project_id, hour, trace_id;

-- Backfill (the chained views fill trace_summaries and trace_keys from it). No FINAL: the
-- aggregates are idempotent, so a span not yet merged with its duplicate is harmless, and so
-- is a batch inserted between the view's creation and this backfill. The GROUP BY is the
-- prefix of spans' sorting key, so it aggregates in order: memory stays bounded however many
-- spans there are.
INSERT INTO trace_details
SELECT
    project_id,
    trace_id,
    toStartOfHour(start_time) AS hour,
    min(start_time) AS trace_start,
    max(end_time) AS trace_end,
    groupUniqArrayState((span_id, toString(status_code), input_tokens, output_tokens, cost_usd, pii_count, secret_count)) AS span_facts,
    groupUniqArrayIf(toString(request_model), request_model != '') AS models,
    groupUniqArrayIf(user_id, user_id != '') AS users,
    groupUniqArrayIf(session_id, session_id != '') AS sessions,
    groupUniqArrayIf((toString(prompt_name), toString(prompt_version)), prompt_name != '') AS prompts,
    groupUniqArrayIf(toString(environment), environment != '') AS environments,
    groupUniqArrayArray(spans.tags) AS tag_set,
    groupUniqArrayArray(arrayMap(type -> toString(type), spans.pii_types)) AS pii_type_set,
    groupUniqArrayArray(arrayMap(evaluator -> toString(evaluator), spans.eval_failed)) AS eval_failed_set,
    max(spans.injection_score) AS max_injection_score,
    argMinState(name, (toUInt8(parent_span_id != ''), start_time)) AS root_name,
    argMinIfState(toString(request_model), start_time, toUInt8(request_model != '')) AS first_model,
    argMinIfState(user_id, start_time, toUInt8(user_id != '')) AS first_user,
    argMinIfState(session_id, start_time, toUInt8(session_id != '')) AS first_session,
    argMinIfState((toString(prompt_name), toString(prompt_version)), start_time, toUInt8(prompt_name != '')) AS first_prompt,
    argMinIfState(toString(environment), start_time, toUInt8(environment != '')) AS first_environment,
    argMinIfState(leftUTF8(input_text, 240), start_time, toUInt8(input_text != '')) AS input_preview,
    argMaxIfState(leftUTF8(output_text, 240), end_time, toUInt8(output_text != '')) AS output_preview,
    max(spans.retention_days) AS retention_days
FROM spans
GROUP BY project_id, hour, trace_id
SETTINGS optimize_aggregation_in_order = 1;

/**
 * The comparison peer for the web query benchmark: Langfuse v4's events-table design, built
 * in the same engine and loaded with the same rows as our `spans`. One row per observation;
 * ReplacingMergeTree; primary key (project, minute, trace-id hash); bloom filters on trace,
 * user and session ids; text indexes on lower-cased input/output; ZSTD on the bodies. No
 * rollups: the peer answers every query from this table, as that design does.
 */
import type { ClickHouseClient } from '@clickhouse/client';

export const PEER_TABLE = 'peer_events';

export const CREATE_PEER_TABLE = `
CREATE TABLE IF NOT EXISTS ${PEER_TABLE}
(
    project_id String,
    id String,
    trace_id String,
    parent_span_id String,
    type LowCardinality(String),
    name String,
    environment LowCardinality(String),
    start_time DateTime64(6, 'UTC'),
    end_time Nullable(DateTime64(6, 'UTC')),
    completion_start_time Nullable(DateTime64(6, 'UTC')),
    level LowCardinality(String),
    status_message String,
    version String,
    user_id String,
    session_id String,
    provided_model_name LowCardinality(String),
    model_parameters String,
    prompt_name String,
    prompt_version String,
    usage_details Map(LowCardinality(String), UInt64),
    cost_details Map(LowCardinality(String), Decimal64(12)),
    total_cost Nullable(Decimal64(12)),
    input String CODEC(ZSTD(3)),
    output String CODEC(ZSTD(3)),
    metadata Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    tags Array(String),
    event_ts DateTime64(6, 'UTC'),
    is_deleted UInt8,
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_session_id session_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_input lower(input) TYPE text(tokenizer = splitByNonAlpha) GRANULARITY 64,
    INDEX idx_output lower(output) TYPE text(tokenizer = splitByNonAlpha) GRANULARITY 64
)
ENGINE = ReplacingMergeTree(event_ts, is_deleted)
PARTITION BY toYYYYMM(start_time)
PRIMARY KEY (project_id, toStartOfMinute(start_time), cityHash64(trace_id))
ORDER BY (project_id, toStartOfMinute(start_time), cityHash64(trace_id), id)`;

/** Copies every span into the peer table, mapped onto its columns. */
export async function loadPeerTable(client: ClickHouseClient): Promise<void> {
  await client.command({ query: CREATE_PEER_TABLE });
  await client.command({
    query: `INSERT INTO ${PEER_TABLE}
      SELECT project_id, span_id, trace_id, parent_span_id,
        if(kind = 'llm', 'GENERATION', upper(kind)), name, environment, start_time, end_time,
        if(time_to_first_token_ms IS NULL, NULL,
           start_time + toIntervalMicrosecond(toInt64(assumeNotNull(time_to_first_token_ms) * 1000))),
        if(status_code = 'error', 'ERROR', 'DEFAULT'), status_message, release, user_id,
        session_id, request_model, request_params, prompt_name, prompt_version,
        map('input', input_tokens, 'output', output_tokens, 'total', total_tokens),
        if(cost_usd IS NULL, map(), map('total', toDecimal64(assumeNotNull(cost_usd), 12))),
        if(cost_usd IS NULL, NULL, toDecimal64(assumeNotNull(cost_usd), 12)),
        input_text, output_text, metadata, tags, ingested_at, 0
      FROM spans`,
    clickhouse_settings: { log_comment: 'bench.loadPeer', max_insert_threads: '2' },
  });
}

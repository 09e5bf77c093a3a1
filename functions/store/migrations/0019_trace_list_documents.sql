-- trace_list_rows (0018) again, sorted by trace instead of by minute: a page whose traces are
-- known by id (a filtered list, a user's history, a text search) reads their rows by primary
-- key and merges them as a page of the unfiltered list does (functions/store/traceListRows.ts).
--
-- trace_details (0012) answers the same by id, but from aggregate-function states: on the
-- 10-million-span benchmark, planning and merging them cost 15-25 ms a query before any row was
-- read, where this table's plain rows cost a few. trace_details still answers the filters and
-- sorts that need a trace's merged values in SQL.
--
-- Fed by a view on trace_list_rows (as 0012 chains its views), so both hold the same rows.
CREATE TABLE IF NOT EXISTS trace_list_documents
(
    project_id LowCardinality(String),
    trace_id String,
    minute DateTime('UTC'),
    trace_start DateTime64(6, 'UTC'),
    retention_days UInt16,
    document String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (project_id, trace_id, minute)
TTL minute + toIntervalDay(retention_days)
-- A page reads the few rows of fifty to a hundred traces, scattered over the table: each costs
-- a granule or two per part, so granules are small (32 rows: on the benchmark, 102 traces by id
-- in 12 ms against 40 with 256), and parts compact (one file) at every size.
SETTINGS index_granularity = 32, min_bytes_for_wide_part = 1099511627776,
    min_rows_for_wide_part = 1000000000000;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_list_documents_mv TO trace_list_documents AS
SELECT project_id, trace_id, minute, trace_start, retention_days, document
FROM trace_list_rows;

-- Backfill after the view exists: a row written meanwhile may arrive twice, which the reader's
-- merge ignores (every value in it is idempotent).
INSERT INTO trace_list_documents
SELECT project_id, trace_id, minute, trace_start, retention_days, document
FROM trace_list_rows;

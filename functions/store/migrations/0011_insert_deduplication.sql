-- A redelivered Kinesis batch must not be counted twice by the rollups. Ingest tags every
-- spans insert with a token made from the stream positions of the records it carries; with a
-- deduplication window, ClickHouse skips a block whose token it has seen. The rollup tables
-- need the window too: a materialized view's block inherits the token, and is skipped only
-- where its target table keeps a window (deduplicate_blocks_in_dependent_materialized_views).
-- Spans themselves would collapse on merge anyway (ReplacingMergeTree); the rollups would not.
ALTER TABLE spans MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE span_metrics_minutely MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE span_tag_metrics_minutely MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE user_metrics_hourly MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE span_metrics_hourly MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE span_tag_metrics_hourly MODIFY SETTING non_replicated_deduplication_window = 10000;

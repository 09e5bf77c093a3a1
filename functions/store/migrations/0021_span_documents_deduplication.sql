-- A redelivered batch (the same records, the same deduplication token) is skipped by spans and
-- the rollups (0011), but span_documents (0017) had no deduplication window, so it stored the
-- repeat: a trace lookup then showed the repeat's ingest time and any enrichment that differed
-- between the deliveries, not what spans holds. With the window, the view's repeated block is
-- skipped there too. The per-trace tables (0012, 0018, 0019) need none: their values are
-- idempotent under a repeat.
ALTER TABLE span_documents MODIFY SETTING non_replicated_deduplication_window = 10000;

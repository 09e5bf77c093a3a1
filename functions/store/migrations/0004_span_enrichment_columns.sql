-- Span summary columns the enrichment stage (issue 4) fills at ingest: cost, PII/secret and
-- injection/toxicity findings, failed evals. Until it runs they keep their defaults, which
-- every reader treats as "not enriched" (cost NULL = not priced, status '' = not run).
ALTER TABLE spans
    ADD COLUMN IF NOT EXISTS cost_usd Nullable(Float64),
    ADD COLUMN IF NOT EXISTS cost_status LowCardinality(String) DEFAULT '',
    ADD COLUMN IF NOT EXISTS pii_types Array(LowCardinality(String)),
    ADD COLUMN IF NOT EXISTS pii_count UInt32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS secret_count UInt32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS injection_score Float32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS toxicity_score Float32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS eval_failed Array(LowCardinality(String)),
    ADD COLUMN IF NOT EXISTS eval_failed_count UInt16 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS enrichment_status LowCardinality(String) DEFAULT '';

/**
 * The one way rows are written: a single JSONEachRow insert, skipped when there is nothing
 * to write, tagged (`log_comment`) with who issued it so it can be found in the query log.
 * With a deduplication token, ClickHouse skips the insert (and the materialized views it
 * feeds) when it has already stored a block with the same token (migration 0011); without one,
 * it is always stored.
 */
import type { ClickHouseClient } from '@clickhouse/client';

export async function insertRows<Row>(
  client: ClickHouseClient,
  {
    table,
    rows,
    issuedBy,
    deduplicationToken,
  }: { table: string; rows: readonly Row[]; issuedBy: string; deduplicationToken?: string },
): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({
    table,
    values: rows as Row[],
    format: 'JSONEachRow',
    // Both settings are sent on every insert, '' and 0 without a token (their defaults): the
    // embedded engine's client applies settings to its session and keeps them, so a token left
    // by an earlier insert would make this one a "repeat" and skip it.
    clickhouse_settings: {
      log_comment: issuedBy,
      insert_deduplication_token: deduplicationToken ?? '',
      deduplicate_blocks_in_dependent_materialized_views: deduplicationToken ? 1 : 0,
    },
  });
}

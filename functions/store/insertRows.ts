/**
 * The one way rows are written: a single JSONEachRow insert, skipped when there is nothing
 * to write, tagged (`log_comment`) with who issued it so it can be found in the query log.
 */
import type { ClickHouseClient } from '@clickhouse/client';

export async function insertRows<Row>(
  client: ClickHouseClient,
  { table, rows, issuedBy }: { table: string; rows: readonly Row[]; issuedBy: string },
): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({
    table,
    values: rows as Row[],
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: issuedBy },
  });
}

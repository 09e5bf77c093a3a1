/**
 * The `dead_letters` table: records the ingest function can never store, with the reason,
 * the raw bytes and where they sat in the stream.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { insertRows } from './insertRows.ts';

export const DEAD_LETTERS_TABLE = 'dead_letters';

export interface DeadLetterRow {
  stream_arn: string;
  shard_id: string;
  sequence_number: string;
  partition_key: string;
  approximate_arrival: string;
  claimed_project_id: string;
  reason: string;
  detail: string;
  raw_base64: string;
  raw_size: number;
  dead_lettered_at: string;
}

export function insertDeadLetters(
  client: ClickHouseClient,
  rows: readonly DeadLetterRow[],
): Promise<void> {
  return insertRows(client, {
    table: DEAD_LETTERS_TABLE,
    rows,
    issuedBy: 'ingest.insertDeadLetters',
  });
}

export async function listDeadLetters(
  client: ClickHouseClient,
  { sequenceNumbers, limit = 1000 }: { sequenceNumbers?: readonly string[]; limit?: number } = {},
): Promise<DeadLetterRow[]> {
  const result = await client.query({
    query: `SELECT * FROM ${DEAD_LETTERS_TABLE} FINAL
      ${sequenceNumbers ? 'WHERE sequence_number IN {sequenceNumbers:Array(String)}' : ''}
      ORDER BY dead_lettered_at DESC
      LIMIT {limit:UInt32}`,
    query_params: { sequenceNumbers: sequenceNumbers ?? [], limit },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'deadLetters.list' },
  });
  return result.json<DeadLetterRow>();
}

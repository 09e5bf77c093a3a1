/**
 * An embedded ClickHouse engine in a temporary directory, every migration applied, for the
 * store's tests that write rows directly; `close()` stops it and removes the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { parseServerEnv } from '../../functions/config/env.ts';
import {
  openEmbeddedClickHouse,
  type EmbeddedClickHouse,
} from '../../functions/store/clickhouseClient.ts';
import { runMigrations } from '../../functions/store/migrate.ts';

export interface TestStore {
  client: ClickHouseClient;
  embedded: EmbeddedClickHouse;
  close(): Promise<void>;
}

export async function openTestStore(name: string): Promise<TestStore> {
  const home = mkdtempSync(path.join(tmpdir(), `sightline-${name}-`));
  const embedded = await openEmbeddedClickHouse(parseServerEnv({ SIGHTLINE_HOME: home }));
  await runMigrations(embedded.client);
  return {
    client: embedded.client,
    embedded,
    async close() {
      await embedded.client.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * The migration runner against the embedded ClickHouse engine.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerEnv } from '../config/env.ts';
import { createClickHouseClient } from './clickhouseClient.ts';
import {
  ensureDatabase,
  listAppliedMigrations,
  loadMigrations,
  runMigrations,
  splitStatements,
} from './migrate.ts';

let home: string;
let client: ClickHouseClient;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-migrate-'));
  client = await createClickHouseClient(parseServerEnv({ SIGHTLINE_HOME: home }));
});

afterAll(async () => {
  await client?.close();
  rmSync(home, { recursive: true, force: true });
});

async function tables(): Promise<string[]> {
  const result = await client.query({
    query: 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name',
    format: 'JSONEachRow',
  });
  return (await result.json<{ name: string }>()).map((row) => row.name);
}

describe('runMigrations', () => {
  it('applies every migration once, records it, and is a no-op the second time', async () => {
    const all = await loadMigrations();
    const first = await runMigrations(client);
    const second = await runMigrations(client);
    expect(first.applied).toEqual(all.map((migration) => migration.version));
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied });
    expect(await tables()).toEqual(
      expect.arrayContaining(['spans', 'dead_letters', 'scores', 'schema_migrations']),
    );
    expect((await listAppliedMigrations(client)).map((row) => row.version)).toEqual(first.applied);
  });

  it('leaves one record per migration when runners race', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'sightline-migrations-'));
    writeFileSync(
      path.join(directory, '0100_race_table.sql'),
      'CREATE TABLE IF NOT EXISTS race_table (id UInt32) ENGINE = MergeTree ORDER BY id;\n',
    );
    writeFileSync(
      path.join(directory, '0101_race_column.sql'),
      'ALTER TABLE race_table ADD COLUMN IF NOT EXISTS note String;\n',
    );
    const migrations = await loadMigrations(directory);
    await Promise.all(Array.from({ length: 4 }, () => runMigrations(client, migrations)));
    const applied = (await listAppliedMigrations(client)).filter((row) => row.version >= 100);
    expect(applied.map((row) => row.version)).toEqual([100, 101]);
    rmSync(directory, { recursive: true, force: true });
  });

  it('refuses to continue when an applied migration file was edited', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'sightline-migrations-'));
    mkdirSync(directory, { recursive: true });
    const file = path.join(directory, '0200_edited.sql');
    writeFileSync(
      file,
      'CREATE TABLE IF NOT EXISTS edited (id UInt32) ENGINE = MergeTree ORDER BY id;\n',
    );
    await runMigrations(client, await loadMigrations(directory));
    writeFileSync(
      file,
      'CREATE TABLE IF NOT EXISTS edited (id UInt64) ENGINE = MergeTree ORDER BY id;\n',
    );
    await expect(runMigrations(client, await loadMigrations(directory))).rejects.toMatchObject({
      code: 'MIGRATION_CHECKSUM_MISMATCH',
    });
    rmSync(directory, { recursive: true, force: true });
  });

  it('reports the failing migration by name', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'sightline-migrations-'));
    writeFileSync(path.join(directory, '0300_broken.sql'), 'CREATE TABLE oops (;\n');
    await expect(runMigrations(client, await loadMigrations(directory))).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      message: expect.stringContaining('0300_broken'),
    });
    rmSync(directory, { recursive: true, force: true });
  });

  it('rejects a file that is not named NNNN_name.sql', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'sightline-migrations-'));
    writeFileSync(path.join(directory, 'create-things.sql'), 'SELECT 1;\n');
    await expect(loadMigrations(directory)).rejects.toMatchObject({ code: 'MIGRATION_INVALID' });
    rmSync(directory, { recursive: true, force: true });
  });
});

describe('ensureDatabase', () => {
  it('creates the database once, and is a no-op afterwards', async () => {
    await ensureDatabase(client, 'sightline_ensure_test');
    await ensureDatabase(client, 'sightline_ensure_test');
    const result = await client.query({
      query: "SELECT count() AS n FROM system.databases WHERE name = 'sightline_ensure_test'",
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ n: string | number }>();
    expect(rows.map((row) => Number(row.n))).toEqual([1]);
  });
});

describe('splitStatements', () => {
  it('splits on line-ending semicolons and drops comment lines', () => {
    expect(
      splitStatements(
        "-- header\nCREATE TABLE a (x String DEFAULT ';');\n\n-- two\nDROP TABLE b;\n",
      ),
    ).toEqual(["CREATE TABLE a (x String DEFAULT ';')", 'DROP TABLE b']);
  });
});

describe('spans table', () => {
  it('collapses a redelivered row so no query sees it twice', async () => {
    await runMigrations(client);
    const row = {
      project_id: 'dedupe',
      trace_id: 'a'.repeat(32),
      span_id: 'b'.repeat(16),
      name: 'x',
      start_time: '2026-11-26 10:00:00.000001',
      end_time: '2026-11-26 10:00:01.000001',
      ingested_at: '2026-11-26 10:00:02.000',
    };
    await client.insert({ table: 'spans', values: [row], format: 'JSONEachRow' });
    await client.insert({
      table: 'spans',
      values: [{ ...row, ingested_at: '2026-11-26 10:05:00.000' }],
      format: 'JSONEachRow',
    });
    const result = await client.query({
      query: "SELECT count() AS n FROM spans FINAL WHERE project_id = 'dedupe'",
      format: 'JSONEachRow',
    });
    // The embedded engine returns UInt64 as a number, a ClickHouse server as a string.
    const rows = await result.json<{ n: string | number }>();
    expect(rows.map((row) => Number(row.n))).toEqual([1]);
  });
});

// Last in the file: re-running old migrations leaves behind tables that later ones dropped.
describe('shipped migrations', () => {
  it('each runs again on its own, as after a runner stopped before recording it', async () => {
    await runMigrations(client);
    // Newest first: each runs against everything after it already applied, as it would when
    // its own run failed midway.
    for (const migration of (await loadMigrations()).reverse()) {
      for (const statement of migration.statements) {
        await expect(
          client.command({ query: statement }).then(() => migration.label),
        ).resolves.toBe(migration.label);
      }
    }
  });
});

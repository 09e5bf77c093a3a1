/**
 * Applies the versioned SQL migrations in `migrations/` (NNNN_name.sql, applied in version
 * order) and records each in `schema_migrations`.
 *
 * Safe to run twice and from two processes at once without a lock: every statement is
 * idempotent (IF NOT EXISTS), and the record table is a ReplacingMergeTree keyed by version
 * and read with FINAL, so two runners racing on one migration both apply harmless no-ops
 * and leave one record. An applied migration whose file changed is refused, not re-applied.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';

export const MIGRATIONS_DIRECTORY = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'migrations',
);

export interface Migration {
  version: number;
  name: string;
  /** The file name without `.sql`, as people know it: `0001_spans`. */
  label: string;
  checksum: string;
  statements: string[];
}

export interface MigrationResult {
  applied: number[];
  alreadyApplied: number[];
}

export class MigrationError extends Error {
  readonly code: 'MIGRATION_CHECKSUM_MISMATCH' | 'MIGRATION_INVALID' | 'MIGRATION_FAILED';
  constructor(code: MigrationError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
    this.code = code;
  }
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Splits a migration file into statements: `;` at the end of a line ends one. */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) =>
      statement
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((statement) => statement.length > 0);
}

export async function loadMigrations(directory = MIGRATIONS_DIRECTORY): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) {
      throw new MigrationError(
        'MIGRATION_INVALID',
        `Migration file name ${file} is not NNNN_name.sql`,
      );
    }
    const sql = await readFile(path.join(directory, file), 'utf8');
    const version = Number(match[1]);
    if (migrations.some((migration) => migration.version === version)) {
      throw new MigrationError('MIGRATION_INVALID', `Two migrations have version ${version}`);
    }
    migrations.push({
      version,
      name: match[2] ?? file,
      label: file.replace(/\.sql$/, ''),
      checksum: createHash('sha256').update(sql).digest('hex'),
      statements: splitStatements(sql),
    });
  }
  return migrations;
}

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`;

interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

export async function listAppliedMigrations(client: ClickHouseClient): Promise<AppliedMigration[]> {
  const result = await client.query({
    query:
      'SELECT version, name, argMin(checksum, applied_at) AS checksum FROM schema_migrations FINAL GROUP BY version, name ORDER BY version',
    format: 'JSONEachRow',
  });
  return result.json<AppliedMigration>();
}

/**
 * Creates the Sightline database unless it exists. Runs on a client whose own database
 * already exists (`default`): a client bound to a missing database cannot run anything.
 */
export async function ensureDatabase(
  adminClient: ClickHouseClient,
  database: string,
): Promise<void> {
  await adminClient.command({
    query: 'CREATE DATABASE IF NOT EXISTS {database:Identifier}',
    query_params: { database },
  });
}

export async function runMigrations(
  client: ClickHouseClient,
  migrations?: Migration[],
): Promise<MigrationResult> {
  const all = migrations ?? (await loadMigrations());
  await client.command({ query: CREATE_MIGRATIONS_TABLE });
  const applied = new Map((await listAppliedMigrations(client)).map((row) => [row.version, row]));
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const migration of all) {
    const previous = applied.get(migration.version);
    if (previous) {
      if (previous.checksum !== migration.checksum) {
        throw new MigrationError(
          'MIGRATION_CHECKSUM_MISMATCH',
          `Migration ${migration.label} was applied with checksum ${previous.checksum.slice(0, 12)}… but the file now has ${migration.checksum.slice(0, 12)}…; add a new migration instead of editing an applied one`,
        );
      }
      result.alreadyApplied.push(migration.version);
      continue;
    }
    for (const statement of migration.statements) {
      try {
        await client.command({ query: statement });
      } catch (error) {
        throw new MigrationError(
          'MIGRATION_FAILED',
          `Migration ${migration.label} failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    await client.insert({
      table: 'schema_migrations',
      values: [
        {
          version: migration.version,
          name: migration.name,
          checksum: migration.checksum,
          applied_at: Date.now(),
        },
      ],
      format: 'JSONEachRow',
    });
    result.applied.push(migration.version);
  }
  return result;
}

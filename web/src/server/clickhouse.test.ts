/**
 * A failed read, over HTTP to the embedded ClickHouse as the web app reads it: what the page
 * shows and what the log keeps name the failure by code only — never the server's address or
 * ClickHouse's text, which quotes the query (and so what a person searched for).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startClickHouseHttpServer } from '../../../infra/local/clickhouse/ClickHouseHttpServer.ts';
import type { ClickHouseHttpServer } from '../../../infra/local/clickhouse/types.ts';
import { parseServerEnv } from '../../../functions/config/env.ts';
import {
  openEmbeddedClickHouse,
  type EmbeddedClickHouse,
} from '../../../functions/store/clickhouseClient.ts';
import { withClickHouse } from './clickhouse.ts';
import { pageProblemFor, StoreUnavailableError } from './errors.ts';

const auth = { username: 'web-errors', password: 'web-errors-password' };
const SEARCHED = 'jane.doe@example.com';

describe('withClickHouse failures (embedded ClickHouse over HTTP)', () => {
  let home: string;
  let embedded: EmbeddedClickHouse;
  let server: ClickHouseHttpServer;

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'sightline-web-errors-'));
    embedded = await openEmbeddedClickHouse(parseServerEnv({ SIGHTLINE_HOME: home }));
    server = await startClickHouseHttpServer({ engine: embedded.engine, auth });
    vi.stubEnv('CLICKHOUSE_URL', server.url);
    vi.stubEnv('CLICKHOUSE_USER', auth.username);
    vi.stubEnv('CLICKHOUSE_PASSWORD', auth.password);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.close();
    await embedded?.client.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** Runs a failing read; returns what it threw and everything logged meanwhile. */
  async function failingRead(query: string) {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const thrown = await withClickHouse((client) => client.query({ query })).then(
        () => undefined,
        (error: unknown) => error,
      );
      const log = logged.mock.calls.map((args) => args.map(String).join(' ')).join('\n');
      return { thrown, log };
    } finally {
      logged.mockRestore();
    }
  }

  it('shows and logs a ClickHouse error by its code and type, without its text', async () => {
    const { thrown, log } = await failingRead(
      `SELECT count() FROM system.one WHERE = '${SEARCHED}'`,
    );

    const problem = pageProblemFor(thrown);
    expect(thrown).toBeInstanceOf(StoreUnavailableError);
    expect((thrown as StoreUnavailableError).failureCode).toBe('62 SYNTAX_ERROR');
    expect(problem?.message).toBe('The data could not be read (error 62 SYNTAX_ERROR).');
    expect(log).toContain('ClickHouse query failed: 62 SYNTAX_ERROR');
    for (const shown of [JSON.stringify(problem), (thrown as Error).message, log]) {
      expect(shown).not.toContain(SEARCHED);
      expect(shown).not.toContain(String(server.port));
      expect(shown).not.toContain('npm start');
    }
  });

  it('shows and logs an unreachable server by the network error’s code, without its address', async () => {
    await server.close();

    const { thrown, log } = await failingRead('SELECT 1');

    const problem = pageProblemFor(thrown);
    // Refused, or (when a kept-alive socket was in use as the server went) reset.
    const { failureCode } = thrown as StoreUnavailableError;
    expect(failureCode).toMatch(/^(ECONNREFUSED|ECONNRESET|EPIPE)$/);
    expect(problem?.message).toBe(`The data could not be read (error ${failureCode}).`);
    expect(log).toContain(`ClickHouse query failed: ${failureCode}`);
    expect(log).not.toContain(String(server.port));
    expect(JSON.stringify(problem)).not.toContain(String(server.port));
    expect(JSON.stringify(problem)).not.toContain('127.0.0.1');
  });
});

/**
 * The span generator against the embedded engine: deterministic, shaped as documented, and
 * readable by the repositories (the web's browser tests seed with it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerEnv } from '../../functions/config/env.ts';
import { openEmbeddedClickHouse } from '../../functions/store/clickhouseClient.ts';
import { getMetricsSummary } from '../../functions/store/metricsRepository.ts';
import { runMigrations } from '../../functions/store/migrate.ts';
import { searchTraces } from '../../functions/store/traceSearchRepository.ts';
import { hex } from '../helpers/factories.ts';
import { seedSpans } from './seedSpans.ts';

let home: string;
let client: ClickHouseClient;
const endTime = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const mainProjectId = `seed-${hex(4)}`;
const otherProjectIds = [`seed-${hex(4)}`];

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-seed-'));
  client = (await openEmbeddedClickHouse(parseServerEnv({ SIGHTLINE_HOME: home }))).client;
  await runMigrations(client);
});

afterAll(async () => {
  await client?.close();
  rmSync(home, { recursive: true, force: true });
});

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

describe('seedSpans', () => {
  it('writes the same spans for the same seed, shaped as documented', async () => {
    // Prepare
    const options = { spans: 3_000, days: 2, endTime, mainProjectId, otherProjectIds };
    // Act: twice; the second run repeats every row, which spans' FINAL collapses.
    const first = await seedSpans(client, options);
    await seedSpans(client, options);
    // Assess
    const [shape] = await rows<Record<string, number | string>>(
      `SELECT count() AS spans, uniqExact(trace_id) AS traces,
         countIf(project_id = {main:String}) AS main,
         minIf(length(input_text), kind = 'llm') AS min_input,
         maxIf(length(input_text), kind = 'llm') AS max_input,
         countIf(kind = 'llm' AND status_code = 'error') / countIf(kind = 'llm') AS error_share,
         min(start_time) >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC') AS within_range
       FROM spans FINAL WHERE project_id IN {projects:Array(String)}`,
      {
        main: mainProjectId,
        projects: [mainProjectId, ...otherProjectIds],
        fromMs: endTime.getTime() - 2 * 86_400_000 - 60_000,
      },
    );
    expect(Number(shape?.spans)).toBe(first.spans);
    expect(Number(shape?.traces)).toBe(first.traces);
    expect(Number(shape?.main) / first.spans).toBeGreaterThan(0.4);
    expect(Number(shape?.main) / first.spans).toBeLessThan(0.6);
    expect(Number(shape?.min_input)).toBeGreaterThanOrEqual(100);
    expect(Number(shape?.max_input)).toBeLessThanOrEqual(2_500);
    expect(Number(shape?.error_share)).toBeLessThan(0.1);
    expect(Number(shape?.within_range)).toBe(1);
  });

  it('is readable by the dashboard and explorer repositories', async () => {
    const range = { from: new Date(endTime.getTime() - 3 * 86_400_000), to: endTime };
    const summary = await getMetricsSummary(client, {
      filter: { projectId: mainProjectId, range },
    });
    const page = await searchTraces(client, {
      filter: { projectId: mainProjectId, range, text: 'order', textMode: 'token' },
      sort: { field: 'start_time', direction: 'desc' },
      limit: 10,
    });
    expect(summary.requests).toBeGreaterThan(0);
    expect(summary.costUsd).toBeGreaterThan(0);
    expect(page.rows).toHaveLength(10);
    expect(page.rows.every((row) => row.inputPreview.length > 0)).toBe(true);
  });
});

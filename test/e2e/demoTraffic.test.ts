/**
 * `sightline start` with its demo producer: realistic traffic reaches ClickHouse through the
 * real SDK, with several models, prompt versions and users, some errors and some personal data
 * — which ingest finds and masks, so no address reaches storage readable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  clickhouseForStack,
  startStackProcess,
  waitFor,
  type StackProcess,
} from '../helpers/localStackProcess.ts';

let home: string;
let stack: StackProcess;
let clickhouse: ClickHouseClient;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-demo-'));
  stack = await startStackProcess(home, ['--no-web']);
  clickhouse = clickhouseForStack(stack.info);
});

afterAll(async () => {
  await clickhouse?.close();
  await stack?.stop();
  rmSync(home, { recursive: true, force: true });
});

interface DemoProfile {
  spans: number;
  models: number;
  promptVersions: number;
  users: number;
  errors: number;
  withEmail: number;
  readableEmails: number;
}

async function profile(): Promise<DemoProfile> {
  const result = await clickhouse.query({
    query: `SELECT count() AS spans,
        uniqExactIf(response_model, response_model != '') AS models,
        uniqExactIf(prompt_version, prompt_version != '') AS promptVersions,
        uniqExactIf(user_id, user_id != '') AS users,
        countIf(status_code = 'error') AS errors,
        countIf(has(pii_types, 'EMAIL')) AS withEmail,
        countIf(match(input_text, '[a-z.]+@[a-z]+\\\\.[a-z]+')
          OR match(output_text, '[a-z.]+@[a-z]+\\\\.[a-z]+')) AS readableEmails
      FROM spans FINAL WHERE project_id = {projectId:String}`,
    query_params: { projectId: stack.info.demoProject.projectId },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<Record<keyof DemoProfile, string | number>>();
  return Object.fromEntries(
    Object.entries(row ?? {}).map(([key, value]) => [key, Number(value)]),
  ) as unknown as DemoProfile;
}

it('sends varied, realistic traffic through the SDK into ClickHouse, personal data masked', async () => {
  const seen = await waitFor(
    profile,
    (p) =>
      p.models >= 3 && p.users >= 5 && p.promptVersions >= 2 && p.errors >= 1 && p.withEmail >= 1,
    { timeoutMs: 90_000, intervalMs: 500, what: 'varied demo traffic' },
  );
  expect(seen.spans).toBeGreaterThan(20);
  expect(seen.readableEmails).toBe(0);
});

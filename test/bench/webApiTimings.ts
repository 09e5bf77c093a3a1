/**
 * The web benchmark's questions asked through the running web app, as a user's script would:
 * `sightline start` on the benchmark's data directory, an admin who is made a member of the
 * seeded project, an API token created through the API, then the `/api/v1` requests the pages
 * make, timed from request to parsed JSON (authentication, validation and JSON included).
 */
import { performance } from 'node:perf_hooks';
import { grantProject } from '../helpers/controlPlane.ts';
import { startStackProcess } from '../helpers/localStackProcess.ts';
import { median } from './percentile.ts';
import { signInForCookie, TEST_ADMIN, testAdminEnv } from '../helpers/webSession.ts';

export interface ApiProbe {
  projectId: string;
  endTime: Date;
  traceId: string;
  userId: string;
  token: string;
  substring: string;
}

export interface ApiTiming {
  firstMs: number;
  medianMs: number;
  rows: number;
}

const DAY_MS = 86_400_000;

/** Untimed rounds of every question between the cold first ask and the timed runs. */
export const WARM_UP_ROUNDS = 20;

/** Each question as a GET path and the number of rows its answer holds. */
function apiRequests(
  probe: ApiProbe,
): Record<string, { path: string; rows: (body: never) => number }> {
  const to = probe.endTime.toISOString();
  const from = (days: number) => new Date(probe.endTime.getTime() - days * DAY_MS).toISOString();
  const project = `/api/v1/projects/${encodeURIComponent(probe.projectId)}`;
  const query = (values: Record<string, string>) => new URLSearchParams(values).toString();
  type Rows = { rows: unknown[] };
  return {
    series7d: {
      path: `${project}/metrics/series?${query({ from: from(7), to, bucket: 'hour' })}`,
      rows: (body: { points: unknown[] }) => body.points.length,
    },
    breakdown30d: {
      path: `${project}/metrics/breakdown?${query({ from: from(30), to, dimension: 'model', limit: '50' })}`,
      rows: (body: Rows) => body.rows.length,
    },
    traceListFirstPage: {
      path: `${project}/traces?${query({ from: from(30), to, limit: '50' })}`,
      rows: (body: Rows) => body.rows.length,
    },
    traceLookup: {
      path: `${project}/traces/${encodeURIComponent(probe.traceId)}`,
      rows: (body: { spans: unknown[] }) => body.spans.length,
    },
    userHistory90d: {
      path: `${project}/users/${encodeURIComponent(probe.userId)}?${query({ from: from(90), to, limit: '50' })}`,
      rows: (body: { traces: unknown[] }) => body.traces.length,
    },
    tokenSearch30d: {
      path: `${project}/traces?${query({ from: from(30), to, limit: '50', text: probe.token, textMode: 'token' })}`,
      rows: (body: Rows) => body.rows.length,
    },
    substringSearch30d: {
      path: `${project}/traces?${query({ from: from(30), to, limit: '50', text: probe.substring, textMode: 'substring' })}`,
      rows: (body: Rows) => body.rows.length,
    },
  };
}

/** Makes the admin a member of the seeded project and returns an API token for it. */
async function apiTokenFor(
  baseUrl: string,
  dynamoEndpoint: string,
  projectId: string,
): Promise<string> {
  const cookie = await signInForCookie(baseUrl, TEST_ADMIN);
  const me = (await (await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie } })).json()) as {
    userId: string;
  };
  await grantProject(
    dynamoEndpoint,
    { projectId, name: 'Benchmark (seeded)', retentionDays: 90 },
    me.userId,
    'admin',
  );
  const response = await fetch(`${baseUrl}/api/v1/projects/${projectId}/api-tokens`, {
    method: 'POST',
    headers: { cookie, origin: baseUrl, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'web benchmark',
      scopes: ['metrics:read', 'traces:read', 'traces:read_content'],
      expiresInDays: 1,
    }),
  });
  if (response.status !== 201) {
    throw new Error(`creating an API token: ${response.status} ${await response.text()}`);
  }
  return ((await response.json()) as { token: string }).token;
}

/**
 * Starts the stack on `dataDir` (its ClickHouse data is the benchmark's), asks each question
 * once, warms the server up, asks each `runs` more times, and stops the stack.
 */
export async function timeThroughApi(
  dataDir: string,
  probe: ApiProbe,
  runs: number,
  log: (line: string) => void,
): Promise<Record<string, ApiTiming>> {
  log('  starting the web app on the benchmark data (sightline start) …');
  const stack = await startStackProcess(dataDir, ['--no-demo'], {
    timeoutMs: 900_000,
    env: testAdminEnv(),
  });
  try {
    const baseUrl = stack.info.web?.url;
    if (!baseUrl) throw new Error('the stack started without its web app');
    const token = await apiTokenFor(baseUrl, stack.info.dynamodb.endpoint, probe.projectId);
    const timings: Record<string, ApiTiming> = {};
    const requests = Object.entries(apiRequests(probe));
    const asks = requests.map(([id, request]) => {
      const ask = async () => {
        const started = performance.now();
        const response = await fetch(`${baseUrl}${request.path}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await response.json()) as never;
        const ms = performance.now() - started;
        if (response.status !== 200) {
          throw new Error(`${request.path}: ${response.status} ${JSON.stringify(body)}`);
        }
        return { ms, rows: request.rows(body) };
      };
      return { id, ask };
    });
    // Each question once on the cold server (its "first"), then WARM_UP_ROUNDS more rounds of
    // every question untimed: the web server's JIT needs a few dozen requests before its times
    // settle, as a server in use has had. Then each question `runs` times in a row.
    const firsts = new Map<string, { ms: number; rows: number }>();
    for (const { id, ask } of asks) firsts.set(id, await ask());
    for (let round = 0; round < WARM_UP_ROUNDS; round += 1) {
      for (const { ask } of asks) await ask();
    }
    for (const { id, ask } of asks) {
      const first = firsts.get(id) as { ms: number; rows: number };
      const samples: number[] = [];
      for (let run = 0; run < runs; run += 1) samples.push((await ask()).ms);
      timings[id] = { firstMs: first.ms, medianMs: median(samples), rows: first.rows };
      log(
        `  ${id} through the API: ${timings[id].medianMs.toFixed(1)} ms (first ${first.ms.toFixed(0)})`,
      );
    }
    return timings;
  } finally {
    await stack.stop();
  }
}

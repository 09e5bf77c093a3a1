/**
 * The dashboard, trace explorer, users and prompt-version repositories against the embedded
 * ClickHouse engine, on a handful of factory-built spans whose numbers are worked out by
 * hand below. Each test file owns its project ids.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanItemInput } from '@sightline/sdk/contract';
import { buildSpan, hex, storedSpanRow } from '../../test/helpers/factories.ts';
import { parseServerEnv } from '../config/env.ts';
import { openEmbeddedClickHouse, type EmbeddedClickHouse } from './clickhouseClient.ts';
import { toDateTime64 } from './dateTime.ts';
import { insertRows } from './insertRows.ts';
import {
  getMetricsBreakdown,
  getMetricsSeries,
  getMetricsSummary,
  getTopUsersByCost,
  metricsRollupQuery,
  splitRollupRange,
} from './metricsRepository.ts';
import { getTraceAnnotations } from './traceAnnotationsRepository.ts';
import { runMigrations } from './migrate.ts';
import { getTraceSpans, type TraceSpan } from './spansRepository.ts';
import { comparePromptVersions, listPromptVersions } from './promptVersionsRepository.ts';
import { InvalidQueryError } from './queryErrors.ts';
import { InvalidCursorError, searchTraces, type TraceListRow } from './traceSearchRepository.ts';
import { listUsers } from './usersRepository.ts';

let home: string;
let embedded: EmbeddedClickHouse;
let client: ClickHouseClient;

const projectId = `p-${hex(6)}`;
const otherProjectId = `p-${hex(6)}`;
// Two days ago on a whole hour: inside the retention TTL, and minute buckets line up.
const BASE = Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000;
const range = { from: new Date(BASE - 6 * 3_600_000), to: new Date(BASE + 3_600_000) };

interface Enrichment {
  cost_usd?: number | null;
  pii_types?: string[];
  pii_count?: number;
}

function row(span: SpanItemInput, enrichment: Enrichment = {}, project = projectId) {
  return storedSpanRow(span, project, BASE + 10_000, enrichment);
}

const traceIds = { t0: hex(16), t1: hex(16), t2: hex(16), t3: hex(16) };
const rootSpanId = hex(8);

function text(content: string) {
  return [{ role: 'user' as const, parts: [{ type: 'text' as const, content }] }];
}

// T1: an agent run (root, an LLM call, a tool call) by u1 at BASE.
// T2: one failing LLM call by u2 one minute later; T3: one LLM call by u1 two minutes later.
// T0: a chain span without a user five hours earlier (no model call: no metrics).
const spans = [
  row(
    buildSpan({
      traceId: traceIds.t1,
      spanId: rootSpanId,
      name: 'support-agent',
      kind: 'agent',
      startTime: BASE,
      endTime: BASE + 3_000,
      status: { code: 'unset' },
      usage: undefined,
      requestModel: undefined,
      responseModel: undefined,
      userId: 'u1',
      sessionId: 's1',
      environment: 'prod',
      inputMessages: undefined,
      outputMessages: undefined,
    }),
  ),
  row(
    buildSpan({
      traceId: traceIds.t1,
      parentSpanId: rootSpanId,
      startTime: BASE + 100,
      endTime: BASE + 1_100,
      requestModel: 'gpt-4o',
      usage: { inputTokens: 100, outputTokens: 20 },
      timeToFirstTokenMs: 200,
      userId: 'u1',
      sessionId: 's1',
      environment: 'prod',
      prompt: { name: 'support', version: 1 },
      tags: ['support'],
      inputMessages: text('How do I RESET my password?'),
      outputMessages: text('Open settings and choose reset.'),
    }),
    { cost_usd: 0.01 },
  ),
  row(
    buildSpan({
      traceId: traceIds.t1,
      parentSpanId: rootSpanId,
      name: 'lookup_account',
      kind: 'tool',
      startTime: BASE + 1_200,
      endTime: BASE + 1_300,
      usage: undefined,
      requestModel: undefined,
      responseModel: undefined,
      userId: 'u1',
      sessionId: 's1',
      environment: 'prod',
      inputMessages: undefined,
      outputMessages: undefined,
    }),
  ),
  row(
    buildSpan({
      traceId: traceIds.t2,
      startTime: BASE + 60_000,
      endTime: BASE + 62_000,
      requestModel: 'gpt-4o-mini',
      status: { code: 'error', message: 'rate limited' },
      usage: { inputTokens: 50, outputTokens: 10 },
      userId: 'u2',
      sessionId: 's3',
      environment: 'prod',
      prompt: { name: 'support', version: 2 },
      tags: ['support', 'beta'],
      inputMessages: text('A question about the refund policy for shoes (50%_off)'),
      outputMessages: [],
    }),
  ),
  row(
    buildSpan({
      traceId: traceIds.t3,
      startTime: BASE + 120_000,
      endTime: BASE + 123_000,
      requestModel: 'gpt-4o',
      usage: { inputTokens: 30, outputTokens: 30 },
      userId: 'u1',
      sessionId: 's2',
      environment: 'staging',
      prompt: { name: 'support', version: 1 },
      inputMessages: text('My email is ana@example.com, please update it'),
      outputMessages: text('Done.'),
    }),
    { cost_usd: 0.03, pii_types: ['email'], pii_count: 1 },
  ),
  row(
    buildSpan({
      traceId: traceIds.t0,
      name: 'nightly-batch',
      kind: 'chain',
      startTime: BASE - 5 * 3_600_000,
      endTime: BASE - 5 * 3_600_000 + 500,
      status: { code: 'unset' },
      usage: undefined,
      requestModel: undefined,
      responseModel: undefined,
      userId: undefined,
      sessionId: undefined,
      environment: 'prod',
      inputMessages: undefined,
      outputMessages: undefined,
    }),
  ),
  // Another project's call, which no query of `projectId` may count.
  row(
    buildSpan({
      startTime: BASE + 30_000,
      endTime: BASE + 31_000,
      userId: 'u1',
      prompt: { name: 'support', version: 1 },
    }),
    { cost_usd: 5 },
    otherProjectId,
  ),
];

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-read-repositories-'));
  embedded = await openEmbeddedClickHouse(parseServerEnv({ SIGHTLINE_HOME: home }));
  client = embedded.client;
  await runMigrations(client);
  await insertRows(client, { table: 'spans', rows: spans, issuedBy: 'test' });
  // T3 redelivered in a later batch: spans keeps one copy (read with FINAL).
  await insertRows(client, { table: 'spans', rows: [spans[4]], issuedBy: 'test' });
  const evalRow = (traceId: string, value: number, passed: boolean) => ({
    project_id: projectId,
    trace_id: traceId,
    span_id: '',
    evaluator: 'helpfulness',
    evaluator_version: '1',
    value,
    passed,
    label: '',
    comment: '',
    created_at: toDateTime64(BASE + 20_000),
  });
  await insertRows(client, {
    table: 'eval_scores',
    rows: [evalRow(traceIds.t1, 0.9, true), evalRow(traceIds.t3, 0.2, false)],
    issuedBy: 'test',
  });
});

afterAll(async () => {
  await client?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('metrics', () => {
  it('sums the project’s model calls in the range', async () => {
    // Act: the metrics rollup sees T3 twice (redelivered), see below.
    const summary = await getMetricsSummary(client, {
      filter: { projectId, range, environment: 'prod' },
    });
    // Assess: prod holds L1 (ok, 100/20 tokens, $0.01) and T2 (error, 50/10, unpriced).
    expect(summary).toMatchObject({
      requests: 2,
      errors: 1,
      errorRate: 0.5,
      inputTokens: 150,
      outputTokens: 30,
      unpricedRequests: 1,
      ttftP50Ms: 200,
    });
    expect(summary.costUsd).toBeCloseTo(0.01, 10);
    expect(summary.latencyP50Ms).toBeGreaterThanOrEqual(1_000);
    expect(summary.latencyP50Ms).toBeLessThanOrEqual(2_000);
  });

  it.each([
    ['partial first hour from the minute tier', BASE + 60_000, BASE + 2 * 3_600_000, 1, 1],
    ['whole hour plus a partial last hour', BASE - 3_600_000, BASE + 30 * 60_000, 2, 1],
    // Minute-granular: the minute starting at BASE holds L1 although the range starts 30 s later.
    ['range inside one hour', BASE + 30_000, BASE + 61_000, 2, 1],
  ])('answers a range with a %s', async (_case, fromMs, toMs, requests, errors) => {
    const summary = await getMetricsSummary(client, {
      filter: {
        projectId,
        range: { from: new Date(fromMs), to: new Date(toMs) },
        environment: 'prod',
      },
    });
    expect(summary).toMatchObject({ requests, errors });
  });

  it('returns a zero-filled series per bucket', async () => {
    const series = await getMetricsSeries(client, {
      filter: {
        projectId,
        range: { from: new Date(BASE), to: new Date(BASE + 4 * 60_000) },
        environment: 'prod',
      },
      bucket: 'minute',
    });
    expect(series.map((point) => [point.bucketStart, point.requests, point.errors])).toEqual([
      [new Date(BASE).toISOString(), 1, 0],
      [new Date(BASE + 60_000).toISOString(), 1, 1],
      [new Date(BASE + 120_000).toISOString(), 0, 0],
      [new Date(BASE + 180_000).toISOString(), 0, 0],
    ]);
    expect(series[2]?.latencyP50Ms).toBeNull();
  });

  it.each([
    [
      'model',
      [
        ['gpt-4o', 1],
        ['gpt-4o-mini', 1],
      ],
    ],
    [
      'tag',
      [
        ['support', 2],
        ['beta', 1],
      ],
    ],
    [
      'prompt_version',
      [
        ['support@1', 1],
        ['support@2', 1],
      ],
    ],
    ['environment', [['prod', 2]]],
  ] as const)('breaks prod calls down by %s', async (dimension, expected) => {
    const rows = await getMetricsBreakdown(client, {
      filter: { projectId, range, environment: 'prod' },
      dimension,
      limit: 10,
    });
    expect(rows.map((entry) => [entry.key, entry.requests])).toEqual(expected);
  });

  it('filters by tag through the tag rollup', async () => {
    const summary = await getMetricsSummary(client, { filter: { projectId, range, tag: 'beta' } });
    expect(summary).toMatchObject({ requests: 1, errors: 1, inputTokens: 50 });
  });

  it('ranks users by cost, from the rollup and from spans', async () => {
    const fromRollup = await getTopUsersByCost(client, {
      filter: { projectId, range, environment: 'prod' },
      limit: 10,
    });
    const fromSpans = await getTopUsersByCost(client, {
      filter: { projectId, range, environment: 'prod', name: 'chat gpt-4o-mini' },
      limit: 10,
    });
    expect(fromRollup.map((user) => [user.userId, user.requests, user.errors])).toEqual([
      ['u1', 1, 0],
      ['u2', 1, 1],
    ]);
    expect(fromRollup[0]?.costUsd).toBeCloseTo(0.01, 10);
    expect(fromSpans.map((user) => [user.userId, user.requests])).toEqual([
      ['u1', 1],
      ['u2', 1],
    ]);
  });

  it.each([
    ['an empty range', { from: new Date(BASE), to: new Date(BASE) }],
    ['an invalid date', { from: new Date('nope'), to: new Date(BASE) }],
  ])('refuses %s', async (_case, badRange) => {
    await expect(
      getMetricsSummary(client, { filter: { projectId, range: badRange } }),
    ).rejects.toBeInstanceOf(InvalidQueryError);
  });

  it('refuses a series with too many buckets', async () => {
    await expect(
      getMetricsSeries(client, {
        filter: {
          projectId,
          range: { from: new Date(BASE - 30 * 86_400_000), to: new Date(BASE) },
        },
        bucket: 'minute',
      }),
    ).rejects.toBeInstanceOf(InvalidQueryError);
  });
});

const newestFirst = { field: 'start_time', direction: 'desc' } as const;

/** Every trace id of a search, following its cursors (at most ten pages). */
async function traceIdsPageByPage(
  search: Omit<Parameters<typeof searchTraces>[1], 'cursor'>,
): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page += 1) {
    const result = await searchTraces(client, { ...search, ...(cursor ? { cursor } : {}) });
    seen.push(...result.rows.map((entry) => entry.traceId));
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return seen;
}

async function traceIdsFor(filter: Partial<Parameters<typeof searchTraces>[1]['filter']>) {
  const { rows } = await searchTraces(client, {
    filter: { projectId, range, ...filter },
    sort: newestFirst,
    limit: 50,
  });
  return rows.map((entry) => entry.traceId);
}

// Each filter and the traces it keeps, newest first.
const filterCases = [
  ['status error', { status: 'error' }, ['t2']],
  ['status ok (no error)', { status: 'ok' }, ['t3', 't1', 't0']],
  ['a model', { models: ['gpt-4o-mini'] }, ['t2']],
  ['a user', { userId: 'u1' }, ['t3', 't1']],
  ['a session', { sessionId: 's1' }, ['t1']],
  ['a prompt version', { promptName: 'support', promptVersion: '1' }, ['t3', 't1']],
  ['an environment', { environment: 'staging' }, ['t3']],
  ['all of the tags', { tags: ['support', 'beta'] }, ['t2']],
  ['PII', { hasPii: true }, ['t3']],
  ['no PII', { hasPii: false }, ['t2', 't1', 't0']],
  ['a PII type', { piiType: 'email' }, ['t3']],
  ['a cost range', { costMin: 0.02, costMax: 1 }, ['t3']],
  ['a latency range', { latencyMinMs: 2_500 }, ['t3', 't1']],
  ['an eval score range', { evalName: 'helpfulness', evalScoreMin: 0.5 }, ['t1']],
  ['words in any order, any case', { text: 'Password reset' }, ['t1']],
  ['words in the output', { text: 'settings', textMode: 'token' }, ['t1']],
  ['a word not present', { text: 'refunds' }, []],
  ['a substring across words', { text: 'fund pol', textMode: 'substring' }, ['t2']],
  ['a substring with LIKE characters', { text: '50%_off', textMode: 'substring' }, ['t2']],
  ['a substring matching nothing', { text: '50%off', textMode: 'substring' }, []],
] as const;

describe('searchTraces', () => {
  it('lists each trace once with its spans summed, newest first', async () => {
    const { rows, nextCursor } = await searchTraces(client, {
      filter: { projectId, range },
      sort: newestFirst,
      limit: 50,
    });
    expect(rows.map((entry) => entry.traceId)).toEqual([
      traceIds.t3,
      traceIds.t2,
      traceIds.t1,
      traceIds.t0,
    ]);
    expect(nextCursor).toBeNull();
    const t1 = rows[2] as TraceListRow;
    expect(t1).toMatchObject({
      name: 'support-agent',
      startTime: new Date(BASE).toISOString().replace('Z', '000Z'),
      durationMs: 3_000,
      status: 'ok',
      model: 'gpt-4o',
      userId: 'u1',
      sessionId: 's1',
      promptName: 'support',
      promptVersion: '1',
      environment: 'prod',
      tags: ['support'],
      inputTokens: 100,
      outputTokens: 20,
      spanCount: 3,
      inputPreview: 'How do I RESET my password?',
      outputPreview: 'Open settings and choose reset.',
    });
    expect(t1.costUsd).toBeCloseTo(0.01, 10);
    expect(rows[3]?.costUsd).toBeNull();
    expect(rows[0]).toMatchObject({ spanCount: 1, piiTypes: ['email'], inputTokens: 30 });
  });

  it.each(filterCases)('filters by %s', async (_case, filter, expected) => {
    const ids = await traceIdsFor(filter as never);
    expect(ids).toEqual(expected.map((key) => traceIds[key]));
  });

  it.each(filterCases)(
    'filters by %s the same when it reads its candidates one row at a time',
    async (_case, filter, expected) => {
      const { rows } = await searchTraces(client, {
        filter: { projectId, range, ...(filter as object) },
        sort: newestFirst,
        limit: 50,
        candidateLimit: 1,
      });
      expect(rows.map((entry) => entry.traceId)).toEqual(expected.map((key) => traceIds[key]));
    },
  );

  it('never shows another project’s traces', async () => {
    const ids = await traceIdsFor({ projectId: otherProjectId });
    expect(ids).toHaveLength(1);
    expect(await traceIdsFor({ userId: 'u1', costMin: 1 })).toEqual([]);
  });

  // Each trace's sort values, worked out from the spans above (a missing cost sorts as 0).
  const sortValues = {
    t0: { start_time: 0, duration_ms: 500, cost_usd: 0, total_tokens: 0 },
    t1: { start_time: 1, duration_ms: 3_000, cost_usd: 0.01, total_tokens: 120 },
    t2: { start_time: 2, duration_ms: 2_000, cost_usd: 0, total_tokens: 60 },
    t3: { start_time: 3, duration_ms: 3_000, cost_usd: 0.03, total_tokens: 60 },
  };

  it.each([
    ['start_time', 'desc'],
    ['start_time', 'asc'],
    ['duration_ms', 'desc'],
    ['cost_usd', 'asc'],
    ['total_tokens', 'desc'],
  ] as const)('pages by %s %s with cursors, ties broken by trace id', async (field, direction) => {
    // Prepare
    const sign = direction === 'asc' ? 1 : -1;
    const expected = (Object.keys(sortValues) as Array<keyof typeof sortValues>)
      .map((key) => ({ id: traceIds[key], value: sortValues[key][field] }))
      .sort((a, b) => sign * (a.value - b.value || (a.id < b.id ? -1 : 1)))
      .map((entry) => entry.id);
    // Act
    const seen = await traceIdsPageByPage({
      filter: { projectId, range },
      sort: { field, direction },
      limit: 1,
    });
    // Assess
    expect(seen).toEqual(expected);
  });

  it('pages across the narrow windows it tries first', async () => {
    const first = await searchTraces(client, {
      filter: { projectId, range },
      sort: newestFirst,
      limit: 2,
    });
    const second = await searchTraces(client, {
      filter: { projectId, range },
      sort: newestFirst,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(first.rows.map((entry) => entry.traceId)).toEqual([traceIds.t3, traceIds.t2]);
    expect(second.rows.map((entry) => entry.traceId)).toEqual([traceIds.t1, traceIds.t0]);
    expect(second.nextCursor).toBeNull();
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['base64 of something else', Buffer.from('{"v":2}').toString('base64url')],
  ])('refuses a cursor that is %s', async (_case, cursor) => {
    await expect(
      searchTraces(client, { filter: { projectId, range }, sort: newestFirst, limit: 5, cursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('refuses a cursor issued for another sort', async () => {
    const { nextCursor } = await searchTraces(client, {
      filter: { projectId, range },
      sort: newestFirst,
      limit: 1,
    });
    await expect(
      searchTraces(client, {
        filter: { projectId, range },
        sort: { field: 'cost_usd', direction: 'desc' },
        limit: 1,
        cursor: nextCursor ?? undefined,
      }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it.each([
    ['a token search without words', { text: '!!!' }],
    ['an empty text', { text: '   ' }],
    ['an inverted cost range', { costMin: 2, costMax: 1 }],
    ['a non-finite latency', { latencyMinMs: Number.NaN }],
    ['an unknown status', { status: 'maybe' }],
  ])('refuses %s', async (_case, filter) => {
    await expect(
      searchTraces(client, {
        filter: { projectId, range, ...(filter as object) },
        sort: newestFirst,
        limit: 5,
      }),
    ).rejects.toBeInstanceOf(InvalidQueryError);
  });

  it('refuses a limit out of bounds', async () => {
    await expect(
      searchTraces(client, { filter: { projectId, range }, sort: newestFirst, limit: 0 }),
    ).rejects.toBeInstanceOf(InvalidQueryError);
  });
});

describe('searchTraces across hours and batches', () => {
  // Trace A starts without a user ten minutes before BASE's hour and calls the model for
  // user ux five minutes into it (that span delivered twice, in two batches); B is ux's one
  // call at +20 min; C is uy's at +30 min. Each trace's summary rows sit in the hours its
  // spans started in, so A's are in two hours. D began five minutes before the range and
  // calls the model for ux, with the same words, ten minutes into it: it starts outside the
  // range, so no list of the range shows it.
  const hoursProject = `p-${hex(6)}`;
  const ids = { a: hex(16), b: hex(16), c: hex(16), d: hex(16) };
  const minute = 60_000;
  const hoursRange = { from: new Date(BASE - 2 * 3_600_000), to: new Date(BASE + 3_600_000) };
  const aRoot = hex(8);
  const aCall = row(
    buildSpan({
      traceId: ids.a,
      parentSpanId: aRoot,
      startTime: BASE + 5 * minute,
      endTime: BASE + 6 * minute,
      userId: 'ux',
      usage: { inputTokens: 7, outputTokens: 3 },
      inputMessages: text('alpha beta'),
    }),
    {},
    hoursProject,
  );

  beforeAll(async () => {
    const call = (traceId: string, at: number, userId: string, content: string) =>
      row(
        buildSpan({
          traceId,
          startTime: at,
          endTime: at + 1_000,
          userId,
          inputMessages: text(content),
        }),
        {},
        hoursProject,
      );
    const aRootSpan = row(
      buildSpan({
        traceId: ids.a,
        spanId: aRoot,
        name: 'agent-a',
        kind: 'agent',
        startTime: BASE - 10 * minute,
        endTime: BASE + 7 * minute,
        userId: undefined,
        usage: undefined,
        inputMessages: undefined,
        outputMessages: undefined,
      }),
      {},
      hoursProject,
    );
    await insertRows(client, {
      table: 'spans',
      rows: [aRootSpan, aCall, call(ids.b, BASE + 20 * minute, 'ux', 'alpha')],
      issuedBy: 'test',
    });
    await insertRows(client, {
      table: 'spans',
      rows: [aCall, call(ids.c, BASE + 30 * minute, 'uy', 'gamma')],
      issuedBy: 'test',
    });
    const rangeStart = hoursRange.from.getTime();
    await insertRows(client, {
      table: 'spans',
      rows: [
        row(
          buildSpan({
            traceId: ids.d,
            name: 'agent-d',
            kind: 'agent',
            startTime: rangeStart - 5 * minute,
            endTime: rangeStart + 20 * minute,
            usage: undefined,
            inputMessages: undefined,
            outputMessages: undefined,
          }),
          {},
          hoursProject,
        ),
        call(ids.d, rangeStart + 10 * minute, 'ux', 'alpha beta'),
      ],
      issuedBy: 'test',
    });
  });

  async function listed(
    filter: Partial<Parameters<typeof searchTraces>[1]['filter']>,
    candidateLimit?: number,
  ) {
    const { rows } = await searchTraces(client, {
      filter: { projectId: hoursProject, range: hoursRange, ...filter },
      sort: newestFirst,
      limit: 50,
      ...(candidateLimit ? { candidateLimit } : {}),
    });
    return rows;
  }

  it('merges a trace’s rows from two hours and counts a span delivered twice once', async () => {
    const rows = await listed({});
    expect(rows.map((entry) => entry.traceId)).toEqual([ids.c, ids.b, ids.a]);
    expect(rows[2]).toMatchObject({
      name: 'agent-a',
      startTime: new Date(BASE - 10 * minute).toISOString().replace('Z', '000Z'),
      durationMs: 17 * minute,
      userId: 'ux',
      spanCount: 2,
      inputTokens: 7,
      outputTokens: 3,
      inputPreview: 'alpha beta',
    });
  });

  it.each([
    ['a user', { userId: 'ux' }],
    ['words', { text: 'alpha' }],
    ['a substring', { text: 'lph', textMode: 'substring' }],
  ] as const)(
    'finds a trace by %s on a span an hour after the trace began, however few candidates it reads at once',
    async (_case, filter) => {
      for (const candidateLimit of [undefined, 1, 2]) {
        const rows = await listed(filter, candidateLimit);
        expect(rows.map((entry) => entry.traceId)).toEqual([ids.b, ids.a]);
        expect(rows[1]?.startTime).toBe(
          new Date(BASE - 10 * minute).toISOString().replace('Z', '000Z'),
        );
      }
    },
  );

  it('pages a user’s traces one at a time', async () => {
    const seen = await traceIdsPageByPage({
      filter: { projectId: hoursProject, range: hoursRange, userId: 'ux' },
      sort: newestFirst,
      limit: 1,
      candidateLimit: 1,
    });
    expect(seen).toEqual([ids.b, ids.a]);
  });
});

describe('listUsers', () => {
  it('lists users by cost with their calls, traces and errors, page by page', async () => {
    const first = await listUsers(client, { projectId, range, limit: 1 });
    const second = await listUsers(client, {
      projectId,
      range,
      limit: 1,
      cursor: first.nextCursor ?? undefined,
    });
    // u1: L1 and T3 (T3 counted twice by the rollup: it was inserted twice).
    expect(first.rows[0]).toMatchObject({ userId: 'u1', traces: 2, errors: 0, errorRate: 0 });
    expect(first.rows[0]?.firstSeen).toBe(new Date(BASE).toISOString().replace('Z', '000Z'));
    expect(second.rows).toEqual([
      expect.objectContaining({
        userId: 'u2',
        requests: 1,
        traces: 1,
        errors: 1,
        errorRate: 1,
        costUsd: 0,
        inputTokens: 50,
        outputTokens: 10,
      }),
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it('sorts by errors', async () => {
    const { rows } = await listUsers(client, { projectId, range, limit: 5, sort: 'errors' });
    expect(rows.map((user) => user.userId)).toEqual(['u2', 'u1']);
  });

  it('pages past the longest user ids the contract admits', async () => {
    // Prepare: one call each for users with 256-unit ids, costliest first in this order.
    const longIdsProject = `p-${hex(6)}`;
    const userIds = [
      'u'.repeat(256),
      '用'.repeat(256),
      '😀'.repeat(128),
      '\u0001'.repeat(256),
      'short',
    ];
    await insertRows(client, {
      table: 'spans',
      rows: userIds.map((userId, index) =>
        row(
          buildSpan({
            startTime: BASE + index * 1_000,
            endTime: BASE + index * 1_000 + 500,
            userId,
          }),
          { cost_usd: userIds.length - index },
          longIdsProject,
        ),
      ),
      issuedBy: 'test',
    });

    // Act: one user per page, each page from the previous page's cursor.
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listUsers(client, { projectId: longIdsProject, range, limit: 1, cursor });
      listed.push(...page.rows.map((user) => user.userId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);

    // Assess
    expect(listed).toEqual(userIds);
  });
});

describe('prompt versions', () => {
  it('lists versions with their metrics', async () => {
    const versions = await listPromptVersions(client, {
      projectId,
      range: { from: new Date(BASE), to: new Date(BASE + 110_000) },
    });
    expect(
      versions.map((entry) => [entry.promptName, entry.promptVersion, entry.requests]),
    ).toEqual([
      ['support', '2', 1],
      ['support', '1', 1],
    ]);
  });

  it('compares two versions with their eval scores', async () => {
    const [v1, v2] = await comparePromptVersions(client, {
      projectId,
      range,
      promptName: 'support',
      versions: ['1', '2'],
    });
    expect(v1?.evalScores).toEqual([
      { evaluator: 'helpfulness', mean: expect.closeTo(0.55, 10), passRate: 0.5, count: 2 },
    ]);
    expect(v2).toMatchObject({ promptVersion: '2', evalScores: [] });
    expect(v2?.metrics).toMatchObject({ requests: 1, errors: 1 });
  });
});

describe('trace lookup', () => {
  it('reads a trace’s spans from their documents as spans holds them, a redelivered one once', async () => {
    // Act: T1 (three spans) and T3 (inserted twice, see beforeAll).
    const t1 = await getTraceSpans(client, { projectId, traceId: traceIds.t1 });
    const t3 = await getTraceSpans(client, { projectId, traceId: traceIds.t3 });
    // Assess: the same values a FINAL read of spans gives, in start order.
    const fromSpans = async (traceId: string) => {
      const result = await client.query({
        query: `SELECT * FROM spans FINAL
          WHERE project_id = {projectId:String} AND trace_id = {traceId:String}
          ORDER BY start_time, span_id`,
        query_params: { projectId, traceId },
        format: 'JSONEachRow',
      });
      return result.json<Record<string, unknown>>();
    };
    const sameColumns = (rows: TraceSpan[], reference: Record<string, unknown>[]) =>
      expect(rows).toEqual(
        reference.map((row) =>
          Object.fromEntries(Object.keys(rows[0]!).map((column) => [column, row[column]])),
        ),
      );
    expect(t1).toHaveLength(3);
    sameColumns(t1, await fromSpans(traceIds.t1));
    expect(t3).toHaveLength(1);
    sameColumns(t3, await fromSpans(traceIds.t3));
    // Another project's trace id reads nothing.
    expect(
      await getTraceSpans(client, { projectId: otherProjectId, traceId: traceIds.t1 }),
    ).toEqual([]);
  });

  it('shows the newest row of a span stored again before parts merge', async () => {
    // Arrange: T2's span again in span_documents, ingested later with another status message.
    const [before] = await getTraceSpans(client, { projectId, traceId: traceIds.t2 });
    const stored = await client.query({
      query: `SELECT * FROM span_documents WHERE project_id = {projectId:String} AND trace_id = {traceId:String}`,
      query_params: { projectId, traceId: traceIds.t2 },
      format: 'JSONEachRow',
    });
    const [row] = await stored.json<Record<string, unknown>>();
    const ingestedAt = toDateTime64(Date.parse(`${String(row!.ingested_at)}Z`) + 60_000);
    const document = JSON.parse(String(row!.document)) as Record<string, unknown>;
    await insertRows(client, {
      table: 'span_documents',
      rows: [
        {
          ...row,
          ingested_at: ingestedAt,
          document: JSON.stringify({
            ...document,
            status_message: 'upstream timeout (re-ingested)',
            ingested_at: ingestedAt,
          }),
        },
      ],
      issuedBy: 'test',
    });
    // Act
    const after = await getTraceSpans(client, { projectId, traceId: traceIds.t2 });
    // Assess
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ span_id: before!.span_id });
    expect(after[0]!.status_message).toBe('upstream timeout (re-ingested)');
  });

  it('keeps the newest eval score and finding of each key, once', async () => {
    // Arrange: a trace of its own, scored twice by one evaluator version and once by another,
    // and one finding stored twice (a redelivered batch) beside another finding.
    const traceId = hex(16);
    const spanId = hex(8);
    const score = (evaluatorVersion: string, value: number, atMs: number) => ({
      project_id: projectId,
      trace_id: traceId,
      span_id: spanId,
      evaluator: 'relevance',
      evaluator_version: evaluatorVersion,
      value,
      passed: value >= 0.5,
      label: '',
      comment: '',
      created_at: toDateTime64(atMs),
    });
    await insertRows(client, {
      table: 'eval_scores',
      rows: [score('1', 0.2, BASE), score('2', 0.7, BASE)],
      issuedBy: 'test',
    });
    await insertRows(client, {
      table: 'eval_scores',
      rows: [score('1', 0.9, BASE + 5_000)],
      issuedBy: 'test',
    });
    const finding = (start: number, atMs: number) => ({
      project_id: projectId,
      trace_id: traceId,
      span_id: spanId,
      category: 'pii',
      type: 'EMAIL',
      field: 'input',
      message_index: 0,
      part_index: 0,
      start,
      end: start + 17,
      score: 0.95,
      detector_id: 'pii.email',
      detector_version: '1',
      created_at: toDateTime64(atMs),
    });
    await insertRows(client, {
      table: 'findings',
      rows: [finding(4, BASE), finding(40, BASE)],
      issuedBy: 'test',
    });
    await insertRows(client, {
      table: 'findings',
      rows: [finding(4, BASE + 1_000)],
      issuedBy: 'test',
    });
    // Act
    const { evalScores: scores, findings } = await getTraceAnnotations(client, {
      projectId,
      traceId,
    });
    // Assess
    expect(scores.map((entry) => [entry.evaluator_version, entry.value])).toEqual([
      ['1', 0.9],
      ['2', 0.7],
    ]);
    expect(findings.map((entry) => entry.start)).toEqual([4, 40]);
    expect(
      await getTraceAnnotations(client, {
        projectId,
        traceId,
        findingsLimit: 1,
        evalScoresLimit: 1,
      }),
    ).toEqual({ findings: findings.slice(0, 1), evalScores: scores.slice(0, 1) });
    expect(await getTraceAnnotations(client, { projectId: otherProjectId, traceId })).toEqual({
      findings: [],
      evalScores: [],
    });
  });
});

describe('metrics across whole days', () => {
  const DAY = 86_400_000;
  const HOUR = 3_600_000;
  const MINUTE = 60_000;
  const dayProject = `p-${hex(6)}`;
  // A UTC midnight five days ago: the range below covers parts of four days.
  const D0 = Math.floor((Date.now() - 5 * DAY) / DAY) * DAY;
  const starts = [
    D0 - 40 * MINUTE, // the evening before: the per-minute tier
    D0 + 10 * MINUTE, // whole days: the daily tier
    D0 + 12 * HOUR,
    D0 + DAY + 5 * HOUR,
    D0 + 2 * DAY + 30_000, // the last day's first whole hour: the hourly tier
    D0 + 2 * DAY + 59 * MINUTE,
    D0 + 2 * DAY + 90 * MINUTE, // the last partial hour: the per-minute tier
    D0 + 2 * DAY + 101 * MINUTE + 20_000, // after the range (which counts whole minutes)
  ];
  const dayRange = {
    from: new Date(D0 - 42 * MINUTE - 15_000),
    to: new Date(D0 + 2 * DAY + 100 * MINUTE + 10_000),
  };

  beforeAll(async () => {
    await insertRows(client, {
      table: 'spans',
      rows: starts.map((start, index) =>
        row(
          buildSpan({
            startTime: start,
            endTime: start + 1_000,
            requestModel: index % 2 === 0 ? 'gpt-4o' : 'claude-3-5-haiku',
            usage: { inputTokens: index + 1, outputTokens: 1 },
          }),
          { cost_usd: 0.5 },
          dayProject,
        ),
      ),
      issuedBy: 'test',
    });
  });

  it('splits a range into whole days, the whole hours beside them and the minutes at its edges', () => {
    expect(splitRollupRange(dayRange.from.getTime(), dayRange.to.getTime(), 'day')).toEqual({
      days: [D0, D0 + 2 * DAY],
      hours: [
        [D0, D0],
        [D0 + 2 * DAY, D0 + 2 * DAY + HOUR],
      ],
      minutes: [
        [D0 - 43 * MINUTE, D0],
        [D0 + 2 * DAY + HOUR, dayRange.to.getTime()],
      ],
    });
    // Hour buckets never read the daily tier; nor does a range without a whole day.
    expect(splitRollupRange(dayRange.from.getTime(), dayRange.to.getTime(), 'hour').days).toBe(
      undefined,
    );
    expect(splitRollupRange(D0 + HOUR, D0 + 20 * HOUR, 'day').days).toBe(undefined);
    expect(metricsRollupQuery({ projectId: dayProject, range: dayRange }).source).toContain(
      'span_metrics_daily',
    );
    expect(
      metricsRollupQuery({ projectId: dayProject, range: dayRange }, { bucket: 'hour' }).source,
    ).not.toContain('_daily');
    // Project totals read whole hours from the per-project tier, unless a filter needs more.
    const totals = (filter: object) =>
      metricsRollupQuery(
        { projectId: dayProject, range: dayRange, ...filter },
        { projectTotals: true },
      ).source;
    expect(totals({})).toContain('span_metrics_project_hourly');
    expect(totals({ model: 'gpt-4o' })).not.toContain('span_metrics_project_hourly');
    expect(totals({ tag: 'beta' })).not.toContain('span_metrics_project_hourly');
    expect(metricsRollupQuery({ projectId: dayProject, range: dayRange }).source).not.toContain(
      'span_metrics_project_hourly',
    );
  });

  it('sums every tier once: the summary and the breakdown hold the seven spans in the range', async () => {
    const summary = await getMetricsSummary(client, {
      filter: { projectId: dayProject, range: dayRange },
    });
    const byModel = await getMetricsBreakdown(client, {
      filter: { projectId: dayProject, range: dayRange },
      dimension: 'model',
      limit: 10,
    });

    expect(summary).toMatchObject({ requests: 7, errors: 0, inputTokens: 28, outputTokens: 7 });
    expect(summary.costUsd).toBeCloseTo(3.5, 10);
    expect(summary.latencyP50Ms).toBeCloseTo(1_000, 0);
    expect(byModel.map((entry) => [entry.key, entry.requests])).toEqual([
      ['gpt-4o', 4],
      ['claude-3-5-haiku', 3],
    ]);
  });

  it('answers day and hour series with the same spans in the right buckets', async () => {
    const byDay = await getMetricsSeries(client, {
      filter: { projectId: dayProject, range: dayRange },
      bucket: 'day',
    });
    const byHour = await getMetricsSeries(client, {
      filter: { projectId: dayProject, range: dayRange },
      bucket: 'hour',
    });

    expect(byDay.map((point) => [point.bucketStart, point.requests])).toEqual([
      [new Date(D0 - DAY).toISOString(), 1],
      [new Date(D0).toISOString(), 2],
      [new Date(D0 + DAY).toISOString(), 1],
      [new Date(D0 + 2 * DAY).toISOString(), 3],
    ]);
    expect(byHour.reduce((sum, point) => sum + point.requests, 0)).toBe(7);
    expect(byHour.filter((point) => point.requests > 0).map((point) => point.bucketStart)).toEqual(
      [D0 - HOUR, D0, D0 + 12 * HOUR, D0 + DAY + 5 * HOUR, D0 + 2 * DAY, D0 + 2 * DAY + HOUR].map(
        (ms) => new Date(ms).toISOString(),
      ),
    );
  });
});

describe('searchTraces from trace_list_rows', () => {
  // Forty traces of one to four spans each over the last two hours of a range, their spans
  // delivered in scattered batches (some twice), crossing minute and hour boundaries. An
  // unfiltered list reads its narrow windows from trace_list_rows and merges rows itself; a
  // filter that holds for every trace (latency ≥ 0) sends the same question through
  // trace_summaries and trace_details. Both must give the same pages.
  const rowsProject = `p-${hex(6)}`;
  const end = BASE + 3 * 3_600_000;
  const rowsRange = { from: new Date(end - 2 * 3_600_000), to: new Date(end + 10 * 60_000) };
  let seed = 20_261_127;
  const random = () => {
    // mulberry32: the same traces on every run.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;

  beforeAll(async () => {
    const batches: ReturnType<typeof row>[][] = [[], [], [], [], []];
    for (let trace = 0; trace < 40; trace += 1) {
      const traceId = hex(16);
      const rootId = hex(8);
      const traceStart = end - Math.floor(random() * 115 * 60_000) - 1_000;
      const spanCount = 1 + Math.floor(random() * 4);
      for (let index = 0; index < spanCount; index += 1) {
        const startTime = traceStart + (index === 0 ? 0 : Math.floor(random() * 5 * 60_000));
        const model = pick(['gpt-4o', 'claude-3-5-sonnet', undefined]);
        const span = row(
          buildSpan({
            traceId,
            spanId: index === 0 ? rootId : hex(8),
            ...(index === 0 ? {} : { parentSpanId: rootId }),
            name: pick(['agent', 'chat', 'tool: search', 'écrire']),
            kind: model ? 'llm' : 'tool',
            startTime,
            endTime: startTime + Math.floor(random() * 90_000),
            status: { code: pick(['ok', 'ok', 'error', 'unset'] as const) },
            requestModel: model,
            userId: pick(['u-1', 'u-2', undefined]),
            sessionId: pick(['s-1', undefined]),
            environment: pick(['prod', 'staging', undefined]),
            ...(random() < 0.3 ? { prompt: { name: 'support', version: pick(['1', '2']) } } : {}),
            tags: random() < 0.5 ? [pick(['beta', 'vip', 'zürich'])] : [],
            usage: {
              inputTokens: Math.floor(random() * 500),
              outputTokens: Math.floor(random() * 200),
            },
            inputMessages: random() < 0.8 ? text(`question ${trace}.${index} — naïve`) : undefined,
            outputMessages:
              random() < 0.7
                ? [
                    {
                      role: 'assistant',
                      parts: [{ type: 'text', content: `answer ${trace}.${index}` }],
                    },
                  ]
                : undefined,
          }),
          {
            cost_usd: random() < 0.2 ? null : Math.round(random() * 1e6) / 1e8,
            pii_types: random() < 0.2 ? [pick(['EMAIL', 'PHONE'])] : [],
          },
          rowsProject,
        );
        pick(batches).push(span);
        if (random() < 0.15) pick(batches).push(span);
      }
    }
    for (const rows of batches) {
      if (rows.length > 0) await insertRows(client, { table: 'spans', rows, issuedBy: 'test' });
    }
  });

  async function pages(
    sort: Parameters<typeof searchTraces>[1]['sort'],
    limit: number,
    filter: Partial<Parameters<typeof searchTraces>[1]['filter']>,
    candidateLimit?: number,
  ): Promise<TraceListRow[][]> {
    const seen: TraceListRow[][] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 60; page += 1) {
      const result = await searchTraces(client, {
        filter: { projectId: rowsProject, range: rowsRange, ...filter },
        sort,
        limit,
        ...(cursor ? { cursor } : {}),
        ...(candidateLimit ? { candidateLimit } : {}),
      });
      // Sums of costs may differ in the last bits with the order they are added in.
      seen.push(
        result.rows.map((entry) => ({
          ...entry,
          costUsd: entry.costUsd === null ? null : Math.round(entry.costUsd * 1e9) / 1e9,
        })),
      );
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return seen;
  }

  it.each([
    ['newest first', 1, 'desc'],
    ['newest first', 4, 'desc'],
    ['newest first', 50, 'desc'],
    ['oldest first', 3, 'asc'],
  ] as const)(
    'lists %s, %i a page, as the per-trace aggregates do',
    async (_o, limit, direction) => {
      const sort = { field: 'start_time', direction } as const;
      const fromListRows = await pages(sort, limit, {});
      const fromAggregates = await pages(sort, limit, { latencyMinMs: 0 });
      expect(fromListRows.flat()).toHaveLength(40);
      expect(fromListRows).toEqual(fromAggregates);
    },
  );

  it.each(['duration_ms', 'cost_usd', 'total_tokens'] as const)(
    'sorts a range of an hour by %s, as the per-trace aggregates do',
    async (field) => {
      const lastHour = { from: new Date(end - 50 * 60_000), to: new Date(end + 10 * 60_000) };
      const sort = { field, direction: 'desc' } as const;
      const unfiltered = await pages(sort, 5, { range: lastHour });
      const filtered = await pages(sort, 5, { range: lastHour, latencyMinMs: 0 });
      expect(unfiltered.flat().length).toBeGreaterThan(5);
      expect(unfiltered).toEqual(filtered);
    },
  );

  // A user's or session's history and a text search read their candidates' rows by id from
  // trace_list_documents and merge them; with a condition the source does not settle (latency
  // ≥ 0, true of every trace) the same question goes to trace_details' aggregates.
  it.each([
    ['a user', { userId: 'u-1' }, 3, undefined],
    ['a user', { userId: 'u-2' }, 50, 2],
    ['a session', { sessionId: 's-1' }, 4, 3],
    ['a word', { text: 'answer' }, 5, undefined],
    ['a word of a user', { text: 'naïve', userId: 'u-2' }, 2, 4],
  ] as const)(
    'lists %s’s traces from their documents, as the per-trace aggregates do (%j, %i a page)',
    async (_what, filter, limit, candidateLimit) => {
      const sort = { field: 'start_time', direction: 'desc' } as const;
      const fromDocuments = await pages(sort, limit, filter, candidateLimit);
      const fromAggregates = await pages(
        sort,
        limit,
        { ...filter, latencyMinMs: 0 },
        candidateLimit,
      );
      expect(fromDocuments.flat().length).toBeGreaterThan(4);
      expect(fromDocuments).toEqual(fromAggregates);
    },
  );
});

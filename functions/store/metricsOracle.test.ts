/**
 * A differential test of the dashboard reads (metricsRepository.ts): a seeded set of spans over
 * about three days (model calls and other spans, some batches delivered again under the same
 * insert deduplication token, as ingest redelivers them) is stored in the embedded engine, and
 * every summary, series, breakdown and top-users answer is compared with what a plain reference
 * of the documented semantics (the repository's header, docs/storage.md "Metrics rollups")
 * computes from the same spans. The ranges cut minutes, hours and days in every way the
 * day/hour/minute split (`splitRollupRange`) has to handle. Quantiles are t-digest estimates:
 * they must lie among the values within 15 points of rank of the quantile (exact for a single
 * value) and be null when no call reports one. The test at the end stores an insert without a
 * token after one with a token, which the embedded engine once dropped.
 */
import { randomHex, seededRandom } from '../common/seededRandom.ts';
import { openTestStore, type TestStore } from '../../test/helpers/testStore.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSpan, hex, storedSpanRow } from '../../test/helpers/factories.ts';
import { insertRows } from './insertRows.ts';
import {
  getMetricsBreakdown,
  getMetricsSeries,
  getMetricsSummary,
  getTopUsersByCost,
  type BreakdownDimension,
  type MetricsBucket,
  type MetricsFilter,
  type MetricsValues,
  type TopUserRow,
} from './metricsRepository.ts';

let testStore: TestStore;
let client: ClickHouseClient;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
// Midnight four days ago: the spans run from 6 h before it to 20 h after the second midnight
// after it, inside the retention TTL and in the past.
const D0 = Math.floor((Date.now() - 4 * DAY) / DAY) * DAY;
const D1 = D0 + DAY;
const D2 = D0 + 2 * DAY;
const FIRST_MS = D0 - 6 * HOUR;
const LAST_MS = D2 + 20 * HOUR;

const projectId = `p-${hex(6)}`;
const otherProjectId = `p-${hex(6)}`;

type Kind = 'llm' | 'embedding' | 'tool' | 'agent' | 'chain';

/** One span as generated: the facts the reference reads. */
interface GeneratedSpan {
  traceId: string;
  spanId: string;
  kind: Kind;
  name: string;
  startMs: number;
  durationMs: number;
  status: 'ok' | 'error' | 'unset';
  model?: string;
  environment?: string;
  prompt?: { name: string; version: number };
  tags: string[];
  usage?: { inputTokens: number; outputTokens: number };
  ttftMs?: number;
  costUsd: number | null;
  userId?: string;
}

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-3-5-sonnet', 'text-embedding-3-small'];
const ENVIRONMENTS = ['prod', 'staging'];
const PROMPTS = [
  { name: 'support', version: 1 },
  { name: 'support', version: 2 },
  { name: 'triage', version: 1 },
];
const TAGS = ['alpha', 'beta', 'gamma'];
const NAMES = ['chat', 'summarize', 'embed'];
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];

/**
 * `count` spans between FIRST_MS and LAST_MS, half of them within two minutes of a midnight
 * or a whole hour (where the tiers meet), with every dimension sometimes missing.
 */
function generateSpans(seed: number, count: number): GeneratedSpan[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const maybe = <T>(probability: number, value: () => T): T | undefined =>
    random() < probability ? value() : undefined;
  const id = (bytes: number) => randomHex(bytes, random);
  const anchors = [D0, D1, D2, D0 - 3 * HOUR, D0 + 5 * HOUR, D1 + 13 * HOUR, D2 + 7 * HOUR];
  const spans: GeneratedSpan[] = [];
  for (let index = 0; index < count; index += 1) {
    const nearEdge = random() < 0.5;
    const startMs = nearEdge
      ? pick(anchors) + Math.floor((random() - 0.5) * 4 * MINUTE)
      : FIRST_MS + Math.floor(random() * (LAST_MS - FIRST_MS));
    const roll = random();
    const kind: Kind =
      roll < 0.65 ? 'llm' : roll < 0.8 ? 'embedding' : pick(['tool', 'agent', 'chain']);
    const modelCall = kind === 'llm' || kind === 'embedding';
    const usage = maybe(0.85, () => ({
      inputTokens: Math.floor(random() * 2_000),
      outputTokens: Math.floor(random() * 500),
    }));
    spans.push({
      traceId: id(16),
      spanId: id(8),
      kind,
      name: pick(NAMES),
      startMs,
      // Whole or half milliseconds: exact in the t-digest's Float32 centroids.
      durationMs: Math.floor(random() * 10_000) / 2,
      status: pick(['ok', 'ok', 'ok', 'error', 'unset'] as const),
      model: maybe(0.9, () => pick(MODELS)),
      environment: maybe(0.85, () => pick(ENVIRONMENTS)),
      prompt: maybe(0.7, () => pick(PROMPTS)),
      tags:
        random() < 0.3
          ? []
          : TAGS.filter(() => random() < 0.45).concat(maybe(0.1, () => 'alpha') ?? []),
      usage,
      ttftMs: maybe(0.5, () => Math.floor(random() * 800)),
      // Enrichment prices model calls with usage only (functions/pricing/priceSpan.ts).
      costUsd: modelCall && usage && random() < 0.75 ? Math.round(random() * 1e7) / 1e9 : null,
      userId: maybe(0.8, () => pick(USERS)),
    });
  }
  return spans;
}

function spanRow(project: string, span: GeneratedSpan, ingestedAfterMs = 5_000) {
  return storedSpanRow(
    buildSpan({
      traceId: span.traceId,
      spanId: span.spanId,
      kind: span.kind,
      name: span.name,
      startTime: span.startMs,
      endTime: span.startMs + span.durationMs,
      status: { code: span.status },
      requestModel: span.model,
      responseModel: span.model === undefined ? undefined : `${span.model}-2024`,
      environment: span.environment,
      prompt: span.prompt,
      tags: span.tags,
      usage: span.usage,
      timeToFirstTokenMs: span.ttftMs,
      userId: span.userId,
      sessionId: undefined,
    }),
    project,
    span.startMs + ingestedAfterMs,
    { cost_usd: span.costUsd },
  );
}

const SPANS = generateSpans(20_240_611, 420);
const BATCH_SIZE = 30;
/** Batches delivered a second time, with the same token: ingest's redelivery (0011). */
const REDELIVERED = new Set([1, 4, 5, 9, 13]);

// ---------------------------------------------------------------------------------------------
// The reference: the documented semantics over the generated spans, in plain JavaScript.

const round9 = (value: number) => Math.round(value * 1e9) / 1e9;
const isModelCall = (span: GeneratedSpan) => span.kind === 'llm' || span.kind === 'embedding';
const minuteOf = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

/** A minute counts when it starts in [from rounded down to the minute, to). */
function inRange(span: GeneratedSpan, fromMs: number, toMs: number): boolean {
  const minute = minuteOf(span.startMs);
  return minute >= minuteOf(fromMs) && minute < toMs;
}

function matchesFilter(span: GeneratedSpan, filter: Omit<MetricsFilter, 'projectId' | 'range'>) {
  return (
    (filter.model === undefined || (span.model ?? '') === filter.model) &&
    (filter.environment === undefined || (span.environment ?? '') === filter.environment) &&
    (filter.promptName === undefined || (span.prompt?.name ?? '') === filter.promptName) &&
    (filter.promptVersion === undefined ||
      (span.prompt === undefined ? '' : String(span.prompt.version)) === filter.promptVersion) &&
    (filter.tag === undefined || span.tags.includes(filter.tag)) &&
    (filter.name === undefined || span.name === filter.name)
  );
}

/** The exact part of MetricsValues (quantiles are checked apart). */
interface ExactValues {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedRequests: number;
}

function exactOf(spans: readonly GeneratedSpan[]): ExactValues {
  return {
    requests: spans.length,
    errors: spans.filter((span) => span.status === 'error').length,
    inputTokens: spans.reduce((sum, span) => sum + (span.usage?.inputTokens ?? 0), 0),
    outputTokens: spans.reduce((sum, span) => sum + (span.usage?.outputTokens ?? 0), 0),
    costUsd: round9(spans.reduce((sum, span) => sum + (span.costUsd ?? 0), 0)),
    unpricedRequests: spans.filter((span) => span.costUsd === null).length,
  };
}

function exactOfActual(values: MetricsValues): ExactValues {
  return {
    requests: values.requests,
    errors: values.errors,
    inputTokens: values.inputTokens,
    outputTokens: values.outputTokens,
    costUsd: round9(values.costUsd),
    unpricedRequests: values.unpricedRequests,
  };
}

/** Problems with the estimated quantiles of `spans` (empty when they are plausible). */
function quantileProblems(values: MetricsValues, spans: readonly GeneratedSpan[]): string[] {
  const problems: string[] = [];
  const check = (label: string, quantile: number, actual: number | null, samples: number[]) => {
    if (samples.length === 0) {
      if (actual !== null) problems.push(`${label}: ${actual}, expected null (no values)`);
      return;
    }
    if (actual === null) {
      problems.push(`${label}: null, expected a value of ${samples.length}`);
      return;
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const min = sorted[0] as number;
    const max = sorted[sorted.length - 1] as number;
    const slack = 1e-3 * Math.max(1, max);
    // Within the values 15 percentage points of rank either side of the quantile asked for.
    const rank = (q: number) => Math.min(1, Math.max(0, q)) * (sorted.length - 1);
    const low = sorted[Math.floor(rank(quantile - 0.15))] as number;
    const high = sorted[Math.ceil(rank(quantile + 0.15))] as number;
    if (actual < low - slack || actual > high + slack) {
      problems.push(`${label}: ${actual} outside [${low}, ${high}] (values ${min}..${max})`);
    }
    if (min === max && Math.abs(actual - min) > slack) {
      problems.push(`${label}: ${actual}, expected the single value ${min}`);
    }
  };
  const latencies = spans.map((span) => span.durationMs);
  const ttfts = spans.flatMap((span) => (span.ttftMs === undefined ? [] : [span.ttftMs]));
  check('latencyP50Ms', 0.5, values.latencyP50Ms, latencies);
  check('latencyP95Ms', 0.95, values.latencyP95Ms, latencies);
  check('latencyP99Ms', 0.99, values.latencyP99Ms, latencies);
  check('ttftP50Ms', 0.5, values.ttftP50Ms, ttfts);
  check('ttftP95Ms', 0.95, values.ttftP95Ms, ttfts);
  return problems;
}

type FilterFields = Omit<MetricsFilter, 'projectId' | 'range'>;

function referenceCalls(
  fromMs: number,
  toMs: number,
  filter: FilterFields = {},
  spans: readonly GeneratedSpan[] = SPANS,
) {
  return spans.filter(
    (span) => isModelCall(span) && inRange(span, fromMs, toMs) && matchesFilter(span, filter),
  );
}

function dimensionKeys(span: GeneratedSpan, dimension: BreakdownDimension): string[] {
  switch (dimension) {
    case 'model':
      return [span.model ?? ''];
    case 'environment':
      return [span.environment ?? ''];
    case 'name':
      return [span.name];
    case 'prompt_version':
      return [span.prompt === undefined ? '' : `${span.prompt.name}@${span.prompt.version}`];
    case 'tag':
      // One row per distinct tag; untagged calls have no row in the per-tag tables.
      return [...new Set(span.tags)];
  }
}

/** Byte order of ASCII keys, as ClickHouse sorts strings. */
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function referenceBreakdown(
  calls: readonly GeneratedSpan[],
  dimension: BreakdownDimension,
  limit: number,
  tagFilter?: string,
) {
  const groups = new Map<string, GeneratedSpan[]>();
  for (const span of calls) {
    for (const key of dimensionKeys(span, dimension)) {
      // A tag filter picks the per-tag rows of that tag: a breakdown by tag then has one group
      // (not the other tags of the calls carrying it).
      if (dimension === 'tag' && tagFilter !== undefined && key !== tagFilter) continue;
      groups.set(key, [...(groups.get(key) ?? []), span]);
    }
  }
  return [...groups.entries()]
    .map(([key, spans]) => ({ key, spans, values: exactOf(spans) }))
    .sort((a, b) => b.values.requests - a.values.requests || byBytes(a.key, b.key))
    .slice(0, limit);
}

/**
 * Top users from the per-hour user rollup: hour-granular (an hour counts when it starts in
 * [from rounded down to the hour, to)); spans with a user; requests, errors, tokens and cost
 * of model calls (docs/storage.md: the rollups hold model calls).
 */
function referenceTopUsers(
  fromMs: number,
  toMs: number,
  filter: FilterFields,
  limit: number,
  fromSpans: boolean,
  spans: readonly GeneratedSpan[] = SPANS,
): TopUserRow[] {
  const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;
  const users = new Map<string, GeneratedSpan[]>();
  for (const span of spans) {
    if (span.userId === undefined || !matchesFilter(span, filter)) continue;
    const within = fromSpans
      ? span.startMs >= fromMs && span.startMs < toMs
      : hourOf(span.startMs) >= hourOf(fromMs) && hourOf(span.startMs) < toMs;
    if (!within) continue;
    users.set(span.userId, [...(users.get(span.userId) ?? []), span]);
  }
  return [...users.entries()]
    .map(([userId, spans]) => {
      const values = exactOf(spans.filter(isModelCall));
      return {
        userId,
        requests: values.requests,
        errors: values.errors,
        costUsd: values.costUsd,
        inputTokens: values.inputTokens,
        outputTokens: values.outputTokens,
      };
    })
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || byBytes(a.userId, b.userId))
    .slice(0, limit);
}

// ---------------------------------------------------------------------------------------------
// The cases.

const at = (base: number, hours = 0, minutes = 0, seconds = 0, millis = 0) =>
  base + hours * HOUR + minutes * MINUTE + seconds * 1_000 + millis;

/** Ranges whose edges cut minutes, hours and days in every way the tier split meets. */
const RANGES: Array<[string, number, number]> = [
  ['everything', FIRST_MS - HOUR, LAST_MS + HOUR],
  ['a day before any span', FIRST_MS - 2 * DAY, FIRST_MS - DAY],
  ['one whole day', D0, D1],
  ['two whole days', D0, D2],
  ['whole days and whole hours either side', at(D0, -5), at(D2, 9)],
  ['mid-minute edges over two days', at(D0, 3, 17, 25), at(D2, 5, 2, 40)],
  ['mid-hour start, ending on midnight', at(D0, 0, 30), D1],
  ['midnight start, ending mid-hour', D1, at(D1, 7, 45, 10)],
  ['under an hour, inside one hour', at(D0, 5, 10, 30), at(D0, 5, 50, 10)],
  ['under an hour, across a whole hour', at(D0, 4, 58, 59, 999), at(D0, 5, 1, 0, 1)],
  ['across midnight, under an hour', at(D1, 0, -20, -15), at(D1, 0, 25, 5)],
  ['across midnight, whole hours', at(D1, -3), at(D1, 2)],
  [
    'a day and a second, off midnight by half a second',
    at(D1, 0, 0, 0, -500),
    at(D2, 0, 0, 0, 500),
  ],
  ['one millisecond after midnight to one after the next', at(D1, 0, 0, 0, 1), at(D2, 0, 0, 0, 1)],
  ['half a minute before an hour to an hour', at(D2, 7, 0, -30), at(D2, 8)],
  ['within one minute', at(D2, 7, 0, 10), at(D2, 7, 0, 50)],
  ['one millisecond', at(D1, 13, 0, 20), at(D1, 13, 0, 20, 1)],
  ['over a day from mid-hour to mid-hour', at(D0, -2, 11, 7, 3), at(D1, 23, 48, 2, 9)],
];

// Random ranges with millisecond edges: the cases nobody thought of.
{
  const random = seededRandom(7);
  for (let index = 0; index < 14; index += 1) {
    const fromMs = FIRST_MS - HOUR + Math.floor(random() * (LAST_MS - FIRST_MS));
    const lengths = [5 * MINUTE, HOUR, 6 * HOUR, DAY, 2 * DAY];
    const toMs = fromMs + 1 + Math.floor(random() * (lengths[index % lengths.length] as number));
    RANGES.push([`random #${index}`, fromMs, toMs]);
  }
}

const FILTERS: FilterFields[] = [
  { model: 'gpt-4o' },
  { model: 'text-embedding-3-small' },
  { environment: 'prod' },
  { promptName: 'support' },
  { promptName: 'support', promptVersion: '2' },
  { promptVersion: '1' },
  { tag: 'beta' },
  { name: 'summarize' },
  { model: 'gpt-4o-mini', environment: 'staging', tag: 'alpha' },
];

const DIMENSIONS: BreakdownDimension[] = ['model', 'prompt_version', 'environment', 'tag', 'name'];

const rangeOf = (fromMs: number, toMs: number) => ({ from: new Date(fromMs), to: new Date(toMs) });

beforeAll(async () => {
  testStore = await openTestStore('metrics-oracle');
  client = testStore.client;
  const batches: GeneratedSpan[][] = [];
  for (let start = 0; start < SPANS.length; start += BATCH_SIZE) {
    batches.push(SPANS.slice(start, start + BATCH_SIZE));
  }
  // A redelivery is stored again by a later invocation: same records, later ingested_at.
  const deliver = (index: number, attempt: number) =>
    insertRows(client, {
      table: 'spans',
      rows: (batches[index] ?? []).map((span) => spanRow(projectId, span, 5_000 + attempt)),
      issuedBy: 'test',
      deduplicationToken: `${projectId}-batch-${index}`,
    });
  for (let index = 0; index < batches.length; index += 1) {
    await deliver(index, 0);
    // A redelivery of an earlier batch, after other batches were stored.
    if (REDELIVERED.has(index - 1)) await deliver(index - 1, 1);
  }
  // Another project's calls at the same times, which no query of `projectId` may count.
  await insertRows(client, {
    table: 'spans',
    rows: SPANS.slice(0, 40).map((span) => spanRow(otherProjectId, { ...span, spanId: hex(8) })),
    issuedBy: 'test',
    deduplicationToken: `${otherProjectId}-batch`,
  });
});

afterAll(async () => {
  await testStore?.close();
});

describe('the generated spans', () => {
  it('cover what the comparisons need', () => {
    const calls = SPANS.filter(isModelCall);
    expect(calls.length).toBeGreaterThan(250);
    expect(SPANS.length - calls.length).toBeGreaterThan(40);
    expect(calls.some((span) => span.costUsd === null)).toBe(true);
    expect(calls.some((span) => span.ttftMs === undefined)).toBe(true);
    expect(calls.some((span) => new Set(span.tags).size < span.tags.length)).toBe(true);
    expect(SPANS.filter((span) => Math.abs(span.startMs - D1) < 2 * MINUTE).length).toBeGreaterThan(
      10,
    );
  });
});

describe.each(RANGES)('over %s', (_name, fromMs, toMs) => {
  const range = rangeOf(fromMs, toMs);

  it('sums the calls, unfiltered and under each filter', async () => {
    for (const filter of [{}, ...FILTERS]) {
      const calls = referenceCalls(fromMs, toMs, filter);
      const summary = await getMetricsSummary(client, { filter: { projectId, range, ...filter } });
      const label = JSON.stringify(filter);
      expect(exactOfActual(summary), label).toEqual(exactOf(calls));
      expect(summary.errorRate, label).toBeCloseTo(
        calls.length === 0 ? 0 : exactOf(calls).errors / calls.length,
        12,
      );
      expect(quantileProblems(summary, calls), label).toEqual([]);
    }
  });

  it.each(['minute', 'hour', 'day'] as MetricsBucket[])(
    'returns one point per %s bucket',
    async (bucket) => {
      const bucketMs = { minute: MINUTE, hour: HOUR, day: DAY }[bucket];
      // Minute series only for ranges of a few hours: the rest is the same tier.
      if (bucket === 'minute' && toMs - fromMs > 6 * HOUR) return;
      for (const filter of [{}, { environment: 'prod' }, { tag: 'gamma' }] as FilterFields[]) {
        const calls = referenceCalls(fromMs, toMs, filter);
        const expected: Array<ExactValues & { bucketStart: string }> = [];
        for (
          let start = Math.floor(fromMs / bucketMs) * bucketMs;
          start < toMs;
          start += bucketMs
        ) {
          const inBucket = calls.filter(
            (span) => Math.floor(minuteOf(span.startMs) / bucketMs) * bucketMs === start,
          );
          expected.push({ bucketStart: new Date(start).toISOString(), ...exactOf(inBucket) });
        }
        const series = await getMetricsSeries(client, {
          filter: { projectId, range, ...filter },
          bucket,
        });
        const label = `${bucket} ${JSON.stringify(filter)}`;
        expect(
          series.map((point) => ({ bucketStart: point.bucketStart, ...exactOfActual(point) })),
          label,
        ).toEqual(expected);
        const problems = series.flatMap((point) =>
          quantileProblems(
            point,
            calls.filter(
              (span) =>
                new Date(Math.floor(minuteOf(span.startMs) / bucketMs) * bucketMs).toISOString() ===
                point.bucketStart,
            ),
          ).map((problem) => `${point.bucketStart} ${problem}`),
        );
        expect(problems, label).toEqual([]);
      }
    },
  );

  it.each(DIMENSIONS)('breaks the calls down by %s', async (dimension) => {
    for (const filter of [
      {},
      { environment: 'prod' },
      { tag: 'beta' },
      { promptName: 'support' },
    ] as FilterFields[]) {
      for (const limit of [1_000, 2]) {
        const calls = referenceCalls(fromMs, toMs, filter);
        const expected = referenceBreakdown(calls, dimension, limit, filter.tag);
        const rows = await getMetricsBreakdown(client, {
          filter: { projectId, range, ...filter },
          dimension,
          limit,
        });
        const label = `${JSON.stringify(filter)} limit ${limit}`;
        expect(
          rows.map((row) => ({ key: row.key, ...exactOfActual(row) })),
          label,
        ).toEqual(expected.map((group) => ({ key: group.key, ...group.values })));
        const problems = rows.flatMap((row) =>
          quantileProblems(row, expected.find((group) => group.key === row.key)?.spans ?? []).map(
            (problem) => `${row.key} ${problem}`,
          ),
        );
        expect(problems, label).toEqual([]);
      }
    }
  });

  it('ranks users by cost from the user rollup and from spans', async () => {
    const cases: Array<[FilterFields, boolean]> = [
      [{}, false],
      [{ environment: 'prod' }, false],
      [{ promptName: 'support', promptVersion: '1' }, false],
      [{ tag: 'alpha' }, true],
      [{ name: 'chat' }, true],
    ];
    for (const [filter, fromSpans] of cases) {
      const users = await getTopUsersByCost(client, {
        filter: { projectId, range, ...filter },
        limit: 3,
      });
      expect(
        users.map((user) => ({ ...user, costUsd: round9(user.costUsd) })),
        JSON.stringify(filter),
      ).toEqual(referenceTopUsers(fromMs, toMs, filter, 3, fromSpans));
    }
  });
});

describe('a batch across a month boundary, delivered three times', () => {
  // The newest first of a month at least a day ago: the batch's parts fall in two monthly
  // partitions of every tier, each with its own deduplication record.
  const now = new Date();
  let month = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  if (Date.now() - month < DAY) month = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
  const monthProject = `p-${hex(6)}`;
  const spans = generateSpans(99, 80).map((span, index) => ({
    ...span,
    startMs: month - 90 * MINUTE + Math.floor((index * 180 * MINUTE) / 80) + 17_000,
  }));

  beforeAll(async () => {
    for (const attempt of [0, 1, 2]) {
      await insertRows(client, {
        table: 'spans',
        rows: spans.map((span) => spanRow(monthProject, span, 5_000 + attempt)),
        issuedBy: 'test',
        deduplicationToken: `${monthProject}-batch`,
      });
    }
  });

  it.each([
    ['whole days either side', month - DAY, month + DAY],
    ['whole hours either side', month - 2 * HOUR, month + 2 * HOUR],
    ['minutes either side', month - 30 * MINUTE - 500, month + 30 * MINUTE + 500],
  ])('counts it once over %s', async (_name, fromMs, toMs) => {
    const range = rangeOf(fromMs, toMs);
    const calls = referenceCalls(fromMs, toMs, {}, spans);
    for (const filter of [{}, { environment: 'prod' }, { tag: 'alpha' }] as FilterFields[]) {
      const summary = await getMetricsSummary(client, {
        filter: { projectId: monthProject, range, ...filter },
      });
      expect(exactOfActual(summary), JSON.stringify(filter)).toEqual(
        exactOf(referenceCalls(fromMs, toMs, filter, spans)),
      );
    }
    for (const bucket of ['hour', 'day'] as MetricsBucket[]) {
      const series = await getMetricsSeries(client, {
        filter: { projectId: monthProject, range },
        bucket,
      });
      expect(
        series.reduce((sum, point) => sum + point.requests, 0),
        bucket,
      ).toBe(calls.length);
    }
    const users = await getTopUsersByCost(client, {
      filter: { projectId: monthProject, range },
      limit: 10,
    });
    expect(users.map((user) => ({ ...user, costUsd: round9(user.costUsd) }))).toEqual(
      referenceTopUsers(fromMs, toMs, {}, 10, false, spans),
    );
  });
});

describe('top users', () => {
  const agentProject = `p-${hex(6)}`;
  const hour = D1 + 10 * HOUR;
  // An agent run reporting its model call's usage again, as agent frameworks do: one call.
  const agent: GeneratedSpan = {
    traceId: hex(16),
    spanId: hex(8),
    kind: 'agent',
    name: 'support-agent',
    startMs: hour + 5 * MINUTE,
    durationMs: 3_000,
    status: 'ok',
    tags: ['support'],
    usage: { inputTokens: 100, outputTokens: 20 },
    costUsd: null,
    userId: 'u-agent',
  };
  const call: GeneratedSpan = {
    ...agent,
    spanId: hex(8),
    kind: 'llm',
    name: 'chat',
    startMs: hour + 5 * MINUTE + 100,
    durationMs: 1_000,
    model: 'gpt-4o',
    costUsd: 0.001,
  };
  const range = rangeOf(hour, hour + HOUR);

  beforeAll(async () => {
    await insertRows(client, {
      table: 'spans',
      rows: [agent, call].map((span) => spanRow(agentProject, span)),
      issuedBy: 'test',
      // A token of its own, as every batch here has.
      deduplicationToken: `${agentProject}-batch`,
    });
  });

  // docs/storage.md: the rollups, user_metrics_hourly among them, hold model calls; the
  // dashboard's totals count the call's 100/20 tokens once, and so must a user's (0020).
  it.each([
    ['the user rollup', undefined],
    ['spans (tag filter)', 'support'],
  ])("count only model calls' tokens, as the dashboard does, from %s", async (_path, tag) => {
    const filter = { projectId: agentProject, range, ...(tag ? { tag } : {}) };
    const summary = await getMetricsSummary(client, { filter });
    const users = await getTopUsersByCost(client, { filter, limit: 10 });
    expect(summary).toMatchObject({ requests: 1, inputTokens: 100, outputTokens: 20 });
    expect(users).toEqual([
      expect.objectContaining({
        userId: 'u-agent',
        requests: 1,
        inputTokens: summary.inputTokens,
        outputTokens: summary.outputTokens,
      }),
    ]);
  });
});

describe('inserts on the embedded engine', () => {
  // insertRows (and docs/storage.md, "Deduplication in the rollups"): only an insert whose
  // token was seen before is skipped. The embedded client (chdb's connection) applies
  // `clickhouse_settings` as session-wide `SET`s, so a tagged insert's
  // insert_deduplication_token would stay set, and the next insert without a token reuse it
  // and be skipped as a repeat, in spans and in every rollup (as it once was).
  it('stores an insert without a token after one with a token', async () => {
    const tokenProject = `p-${hex(6)}`;
    const [first, second] = generateSpans(5, 2).map((span) => ({
      ...span,
      kind: 'llm' as const,
      startMs: D1 + 2 * HOUR,
    }));
    await insertRows(client, {
      table: 'spans',
      rows: [spanRow(tokenProject, first as GeneratedSpan)],
      issuedBy: 'test',
      deduplicationToken: `${tokenProject}-first`,
    });
    await insertRows(client, {
      table: 'spans',
      rows: [spanRow(tokenProject, second as GeneratedSpan)],
      issuedBy: 'test',
    });
    const summary = await getMetricsSummary(client, {
      filter: { projectId: tokenProject, range: rangeOf(D1, D1 + 3 * HOUR) },
    });
    const stored = await client.query({
      query: 'SELECT count() AS spans FROM spans FINAL WHERE project_id = {projectId:String}',
      query_params: { projectId: tokenProject },
      format: 'JSONEachRow',
    });
    expect(
      (await stored.json<{ spans: string | number }>()).map((row) => Number(row.spans)),
    ).toEqual([2]);
    expect(summary.requests).toBe(2);
  });
});

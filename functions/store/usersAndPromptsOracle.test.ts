/**
 * A differential test of the users and prompt-version reads: a seeded set of traces is stored
 * as spans (and eval scores) in the embedded engine, and what `listUsers` (page by page, cursor
 * after cursor, every sort), `getTopUsersByCost` (from the user rollup, and from spans FINAL
 * when a tag or span name is asked for), `listPromptVersions` and `comparePromptVersions`
 * return is compared with a plain reference implementation of the documented semantics
 * (docs/storage.md "Metrics rollups", "Users", "Prompt versions"; the repositories' headers).
 * The cases at the end pin two rules this test found broken once: a trace's eval scores count
 * for the version its first span with the prompt used, and a user's tokens and cost are their
 * model calls'.
 */
import { randomHex, seededRandom } from '../common/seededRandom.ts';
import { openTestStore, type TestStore } from '../../test/helpers/testStore.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanItemInput } from '@sightline/sdk/contract';
import { buildSpan, hex, storedSpanRow } from '../../test/helpers/factories.ts';
import { toDateTime64 } from './dateTime.ts';
import { insertRows } from './insertRows.ts';
import { getTopUsersByCost, type MetricsFilter, type MetricsValues } from './metricsRepository.ts';
import { comparePromptVersions, listPromptVersions } from './promptVersionsRepository.ts';
import { compareStrings } from './traceListRows.ts';
import { listUsers, type UserRow, type UserSort } from './usersRepository.ts';

let testStore: TestStore;
let client: ClickHouseClient;

const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
// Five days ago on a whole hour: three days of traces end well before now, inside the TTL.
const BASE = Math.floor((Date.now() - 5 * DAY) / HOUR) * HOUR;
const at = (hours: number, minutes = 0, seconds = 0) =>
  BASE + hours * HOUR + minutes * MINUTE + seconds * SECOND;

type Kind = 'llm' | 'embedding' | 'tool' | 'agent' | 'chain';

/** One span as generated: the facts the reference reads. */
interface GeneratedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: Kind;
  startMs: number;
  endMs: number;
  status: 'ok' | 'error' | 'unset';
  model?: string;
  userId?: string;
  environment: string;
  prompt?: { name: string; version: string | number };
  tags: string[];
  usage?: { inputTokens: number; outputTokens: number };
  ttftMs?: number;
  costUsd: number | null;
}

interface GeneratedEval {
  traceId: string;
  spanId: string;
  evaluator: string;
  evaluatorVersion: string;
  value: number;
  passed: boolean | null;
  createdAtMs: number;
}

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'Zed', 'zoë'];
const PROMPTS: Record<string, Array<string | number>> = {
  support: [1, 2, 3, 10],
  summarize: [1, 2, 'v2-beta'],
  triage: ['a', 'b'],
};
const EVALUATORS = ['faithfulness', 'helpfulness', 'toxicity'];
const isModelCall = (kind: Kind) => kind === 'llm' || kind === 'embedding';

/**
 * `count` traces of 1–4 spans starting over three days from BASE; a trace's spans start at
 * distinct offsets within 90 minutes of it (often in the next hour). Users, prompts and their
 * versions vary within a trace now and then; non-model spans carry no cost (the pricing stage
 * never prices them) and, here, no usage (the second case at the end has some that do).
 */
function generate(seed: number, count: number) {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const id = (bytes: number) => randomHex(bytes, random);
  const spans: GeneratedSpan[] = [];
  const evals: GeneratedEval[] = [];
  for (let trace = 0; trace < count; trace += 1) {
    const traceId = id(16);
    const traceStart = BASE + Math.floor(random() * 3 * DAY);
    const traceUser = random() < 0.15 ? undefined : pick(USERS);
    const promptName = random() < 0.2 ? undefined : pick(Object.keys(PROMPTS));
    const traceVersion = promptName === undefined ? undefined : pick(PROMPTS[promptName] ?? []);
    const spanCount = 1 + Math.floor(random() * 4);
    const offsets = [0];
    while (offsets.length < spanCount) {
      const offset = 1 + Math.floor(random() * (random() < 0.3 ? 90 * MINUTE : 30 * SECOND));
      if (!offsets.includes(offset)) offsets.push(offset);
    }
    offsets.sort((a, b) => a - b);
    const rootId = id(8);
    const traceSpans: GeneratedSpan[] = [];
    for (const [index, offset] of offsets.entries()) {
      const kind = pick<Kind>(['llm', 'llm', 'llm', 'llm', 'embedding', 'tool', 'agent', 'chain']);
      const model = isModelCall(kind);
      const startMs = traceStart + offset;
      const userRoll = random();
      const promptRoll = random();
      const version =
        promptName === undefined
          ? undefined
          : promptRoll < 0.25
            ? pick(PROMPTS[promptName] ?? [])
            : traceVersion;
      traceSpans.push({
        traceId,
        spanId: index === 0 ? rootId : id(8),
        ...(index > 0 ? { parentSpanId: rootId } : {}),
        name: model ? pick(['chat', 'chat', 'summarize call', 'embed']) : pick(['lookup', 'plan']),
        kind,
        startMs,
        endMs: startMs + 50 + Math.floor(random() * 5_000),
        status: pick(['ok', 'ok', 'ok', 'error', 'unset'] as const),
        ...(model ? { model: pick(['gpt-4o', 'gpt-4o-mini']) } : {}),
        ...(userRoll < 0.8
          ? traceUser === undefined
            ? {}
            : { userId: traceUser }
          : userRoll < 0.9
            ? {}
            : { userId: pick(USERS) }),
        environment: pick(['prod', 'staging']),
        ...(promptName !== undefined && version !== undefined && promptRoll < 0.9
          ? { prompt: { name: promptName, version } }
          : {}),
        tags: pick([[], [], ['beta'], ['vip'], ['beta', 'vip'], ['beta', 'beta']]),
        ...(model
          ? {
              usage: {
                inputTokens: Math.floor(random() * 2_000),
                outputTokens: kind === 'embedding' ? 0 : Math.floor(random() * 500),
              },
            }
          : {}),
        ...(kind === 'llm' && random() < 0.7 ? { ttftMs: 20 + Math.floor(random() * 900) } : {}),
        // Multiples of 1/1024: every sum is exact, so equal costs tie exactly.
        costUsd: model && random() < 0.8 ? (1 + Math.floor(random() * 64)) / 1024 : null,
      });
    }
    spans.push(...traceSpans);
    for (const evaluator of EVALUATORS) {
      if (random() < 0.45) continue;
      const spanId = random() < 0.5 ? '' : pick(traceSpans).spanId;
      const score = () => ({
        traceId,
        spanId,
        evaluator,
        evaluatorVersion: '1',
        value: Math.floor(random() * 9) / 8,
        passed: pick([true, false, null]),
      });
      evals.push({ ...score(), createdAtMs: traceStart + 10 * MINUTE });
      // Re-scored later under the same key: eval_scores FINAL keeps the newest.
      if (random() < 0.25) evals.push({ ...score(), createdAtMs: traceStart + 20 * MINUTE });
      // A second evaluator version is a second score of the same evaluator.
      if (random() < 0.15) {
        evals.push({ ...score(), evaluatorVersion: '2', createdAtMs: traceStart + 30 * MINUTE });
      }
    }
  }
  return { spans, evals };
}

function spanRow(projectId: string, span: GeneratedSpan) {
  const input: SpanItemInput = buildSpan({
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    startTime: span.startMs,
    endTime: span.endMs,
    status: { code: span.status },
    requestModel: span.model,
    responseModel: span.model,
    usage: span.usage,
    timeToFirstTokenMs: span.ttftMs,
    userId: span.userId,
    sessionId: undefined,
    environment: span.environment,
    prompt: span.prompt,
    tags: span.tags.length === 0 ? undefined : span.tags,
  });
  return storedSpanRow(input, projectId, span.startMs + MINUTE, { cost_usd: span.costUsd });
}

function evalRow(projectId: string, score: GeneratedEval) {
  return {
    project_id: projectId,
    trace_id: score.traceId,
    span_id: score.spanId,
    evaluator: score.evaluator,
    evaluator_version: score.evaluatorVersion,
    value: score.value,
    passed: score.passed,
    label: '',
    comment: '',
    created_at: toDateTime64(score.createdAtMs),
  };
}

async function store(
  projectId: string,
  data: { spans: GeneratedSpan[]; evals: GeneratedEval[] },
  batches = 3,
) {
  for (let batch = 0; batch < batches; batch += 1) {
    const rows = data.spans
      .filter((_span, index) => index % batches === batch)
      .map((span) => spanRow(projectId, span));
    await insertRows(client, { table: 'spans', rows, issuedBy: 'test' });
  }
  await insertRows(client, {
    table: 'eval_scores',
    rows: data.evals.map((score) => evalRow(projectId, score)),
    issuedBy: 'test',
  });
}

// ---------------------------------------------------------------------------------------------
// The reference: the documented semantics over the generated spans, in plain JavaScript.

interface Range {
  from: Date;
  to: Date;
}

const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;

/** Hour-granular (the user rollup): the span's hour starts in [from rounded down, to). */
function inHours(span: GeneratedSpan, range: Range) {
  const hour = floorTo(span.startMs, HOUR);
  return hour >= floorTo(range.from.getTime(), HOUR) && hour < range.to.getTime();
}

/** Minute-granular (the metrics rollups): the span's minute starts in [from rounded down, to). */
function inMinutes(span: GeneratedSpan, range: Range) {
  const minute = floorTo(span.startMs, MINUTE);
  return minute >= floorTo(range.from.getTime(), MINUTE) && minute < range.to.getTime();
}

/** Exact: the span starts in [from, to). */
function inRange(span: GeneratedSpan, range: Range) {
  return span.startMs >= range.from.getTime() && span.startMs < range.to.getTime();
}

const microText = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

interface ReferenceUser extends UserRow {
  lastSeenMs: number;
}

/** Per user: model calls and their errors, tokens and cost; traces and times over all spans. */
function referenceUsers(spans: GeneratedSpan[]): ReferenceUser[] {
  const byUser = new Map<string, GeneratedSpan[]>();
  for (const span of spans) {
    if (span.userId === undefined) continue;
    byUser.set(span.userId, [...(byUser.get(span.userId) ?? []), span]);
  }
  return [...byUser].map(([userId, own]) => {
    const calls = own.filter((span) => isModelCall(span.kind));
    const requests = calls.length;
    const errors = calls.filter((span) => span.status === 'error').length;
    const firstMs = Math.min(...own.map((span) => span.startMs));
    const lastMs = Math.max(...own.map((span) => span.startMs));
    return {
      userId,
      requests,
      traces: new Set(own.map((span) => span.traceId)).size,
      errors,
      errorRate: requests === 0 ? 0 : errors / requests,
      costUsd: calls.reduce((sum, span) => sum + (span.costUsd ?? 0), 0),
      inputTokens: calls.reduce((sum, span) => sum + (span.usage?.inputTokens ?? 0), 0),
      outputTokens: calls.reduce((sum, span) => sum + (span.usage?.outputTokens ?? 0), 0),
      firstSeen: microText(firstMs),
      lastSeen: microText(lastMs),
      lastSeenMs: lastMs,
    };
  });
}

const USER_SORT_VALUE: Record<UserSort, (user: ReferenceUser) => number> = {
  cost: (user) => user.costUsd,
  requests: (user) => user.requests,
  errors: (user) => user.errors,
  last_seen: (user) => user.lastSeenMs,
};

function referenceListUsers(spans: GeneratedSpan[], range: Range, sort: UserSort): UserRow[] {
  const value = USER_SORT_VALUE[sort];
  return referenceUsers(spans.filter((span) => inHours(span, range)))
    .sort((a, b) => value(b) - value(a) || compareStrings(a.userId, b.userId))
    .map(({ lastSeenMs: _lastSeenMs, ...row }) => row);
}

function referenceTopUsers(spans: GeneratedSpan[], filter: MetricsFilter, limit: number) {
  const fromSpans = filter.tag !== undefined || filter.name !== undefined;
  const kept = spans.filter(
    (span) =>
      (fromSpans ? inRange(span, filter.range) : inHours(span, filter.range)) &&
      (filter.model === undefined || (span.model ?? '') === filter.model) &&
      (filter.environment === undefined || span.environment === filter.environment) &&
      (filter.promptName === undefined || span.prompt?.name === filter.promptName) &&
      (filter.promptVersion === undefined ||
        (span.prompt === undefined ? '' : String(span.prompt.version)) === filter.promptVersion) &&
      (filter.tag === undefined || span.tags.includes(filter.tag)) &&
      (filter.name === undefined || span.name === filter.name),
  );
  return referenceUsers(kept)
    .sort(
      (a, b) =>
        b.costUsd - a.costUsd || b.requests - a.requests || compareStrings(a.userId, b.userId),
    )
    .slice(0, limit)
    .map(({ userId, requests, errors, costUsd, inputTokens, outputTokens }) => ({
      userId,
      requests,
      errors,
      costUsd,
      inputTokens,
      outputTokens,
    }));
}

interface ReferenceMetrics {
  requests: number;
  errors: number;
  errorRate: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedRequests: number;
  latencies: number[];
  ttfts: number[];
}

function referenceMetrics(calls: GeneratedSpan[]): ReferenceMetrics {
  const requests = calls.length;
  const errors = calls.filter((span) => span.status === 'error').length;
  return {
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    inputTokens: calls.reduce((sum, span) => sum + (span.usage?.inputTokens ?? 0), 0),
    outputTokens: calls.reduce((sum, span) => sum + (span.usage?.outputTokens ?? 0), 0),
    costUsd: calls.reduce((sum, span) => sum + (span.costUsd ?? 0), 0),
    unpricedRequests: calls.filter((span) => span.costUsd === null).length,
    latencies: calls.map((span) => span.endMs - span.startMs).sort((a, b) => a - b),
    ttfts: calls.flatMap((span) => (span.ttftMs === undefined ? [] : [span.ttftMs])),
  };
}

const versionText = (span: GeneratedSpan) =>
  span.prompt === undefined ? '' : String(span.prompt.version);

/** Unsigned integer versions first (highest first), as toUInt64OrZero orders them. */
const numericVersion = (version: string) => (/^\d+$/.test(version) ? Number(version) : 0);

function referencePromptVersions(spans: GeneratedSpan[], range: Range) {
  const groups = new Map<string, GeneratedSpan[]>();
  for (const span of spans) {
    if (!isModelCall(span.kind) || span.prompt === undefined || !inMinutes(span, range)) continue;
    const key = JSON.stringify([span.prompt.name, versionText(span)]);
    groups.set(key, [...(groups.get(key) ?? []), span]);
  }
  return [...groups]
    .map(([key, calls]) => {
      const [promptName, promptVersion] = JSON.parse(key) as [string, string];
      return { promptName, promptVersion, metrics: referenceMetrics(calls) };
    })
    .sort(
      (a, b) =>
        compareStrings(a.promptName, b.promptName) ||
        numericVersion(b.promptVersion) - numericVersion(a.promptVersion) ||
        compareStrings(b.promptVersion, a.promptVersion),
    );
}

/** eval_scores FINAL: the newest row of each key. */
function latestScores(evals: GeneratedEval[]) {
  const byKey = new Map<string, GeneratedEval>();
  for (const score of evals) {
    const key = JSON.stringify([
      score.traceId,
      score.spanId,
      score.evaluator,
      score.evaluatorVersion,
    ]);
    const kept = byKey.get(key);
    if (!kept || score.createdAtMs > kept.createdAtMs) byKey.set(key, score);
  }
  return [...byKey.values()];
}

/**
 * A trace's eval scores count for the version its first span naming the prompt used (of the
 * spans in the range), when that version is one of the two compared.
 */
function referenceEvalScores(
  data: { spans: GeneratedSpan[]; evals: GeneratedEval[] },
  range: Range,
  promptName: string,
  version: string,
) {
  const first = new Map<string, GeneratedSpan>();
  for (const span of data.spans) {
    if (span.prompt?.name !== promptName || !inRange(span, range)) continue;
    const kept = first.get(span.traceId);
    if (!kept || span.startMs < kept.startMs) first.set(span.traceId, span);
  }
  const byEvaluator = new Map<string, GeneratedEval[]>();
  for (const score of latestScores(data.evals)) {
    const span = first.get(score.traceId);
    if (!span || versionText(span) !== version) continue;
    byEvaluator.set(score.evaluator, [...(byEvaluator.get(score.evaluator) ?? []), score]);
  }
  return [...byEvaluator]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([evaluator, scores]) => {
      const judged = scores.filter((score) => score.passed !== null);
      return {
        evaluator,
        mean: scores.reduce((sum, score) => sum + score.value, 0) / scores.length,
        passRate:
          judged.length === 0
            ? null
            : judged.filter((score) => score.passed === true).length / judged.length,
        count: scores.length,
      };
    });
}

// ---------------------------------------------------------------------------------------------
// Comparing.

/**
 * A t-digest quantile of a few values lies between the observed values around its rank
 * (docs/storage.md: estimates, exact for a single value); stored as Float32.
 */
function expectQuantile(actual: number | null, sorted: number[], level: number) {
  if (sorted.length === 0) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  const position = level * sorted.length;
  const clamp = (index: number) => Math.min(sorted.length - 1, Math.max(0, index));
  const low = sorted[clamp(Math.floor(position) - 1)] as number;
  const high = sorted[clamp(Math.ceil(position))] as number;
  expect(actual as number).toBeGreaterThanOrEqual(low * (1 - 1e-6));
  expect(actual as number).toBeLessThanOrEqual(high * (1 + 1e-6));
}

function expectMetrics(actual: MetricsValues, expected: ReferenceMetrics) {
  expect({
    requests: actual.requests,
    errors: actual.errors,
    errorRate: actual.errorRate,
    inputTokens: actual.inputTokens,
    outputTokens: actual.outputTokens,
    costUsd: actual.costUsd,
    unpricedRequests: actual.unpricedRequests,
  }).toEqual({
    requests: expected.requests,
    errors: expected.errors,
    errorRate: expected.errorRate,
    inputTokens: expected.inputTokens,
    outputTokens: expected.outputTokens,
    costUsd: expected.costUsd,
    unpricedRequests: expected.unpricedRequests,
  });
  const ttfts = [...expected.ttfts].sort((a, b) => a - b);
  expectQuantile(actual.latencyP50Ms, expected.latencies, 0.5);
  expectQuantile(actual.latencyP95Ms, expected.latencies, 0.95);
  expectQuantile(actual.latencyP99Ms, expected.latencies, 0.99);
  expectQuantile(actual.ttftP50Ms, ttfts, 0.5);
  expectQuantile(actual.ttftP95Ms, ttfts, 0.95);
}

/** Every page of listUsers from the first, following each page's cursor. */
async function allUserPages(projectId: string, range: Range, sort: UserSort, limit: number) {
  const pages: Array<{ rows: UserRow[]; more: boolean }> = [];
  let cursor: string | undefined;
  do {
    const page = await listUsers(client, { projectId, range, limit, sort, cursor });
    pages.push({ rows: page.rows, more: page.nextCursor !== null });
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 100) throw new Error('listUsers never ends');
  } while (cursor !== undefined);
  return pages;
}

function expectedPages(rows: UserRow[], limit: number) {
  const pages: Array<{ rows: UserRow[]; more: boolean }> = [];
  for (let start = 0; start < rows.length || pages.length === 0; start += limit) {
    pages.push({ rows: rows.slice(start, start + limit), more: start + limit < rows.length });
  }
  return pages;
}

// ---------------------------------------------------------------------------------------------

const project = `p-users-oracle-${hex(6)}`;
const otherProject = `p-users-oracle-other-${hex(6)}`;
const data = generate(20_240_611, 90);
const other = generate(7, 12);

const RANGES: Array<[string, Range]> = [
  ['all three days', { from: new Date(BASE - HOUR), to: new Date(at(75)) }],
  [
    'hours and minutes cut at both ends',
    { from: new Date(at(7, 23, 11)), to: new Date(at(40, 41, 7)) },
  ],
  ['a day from mid-hour to mid-hour', { from: new Date(at(30, 30)), to: new Date(at(54, 15, 30)) }],
  ['less than an hour', { from: new Date(at(49, 10)), to: new Date(at(49, 50)) }],
];

/** Ranges that start on a span's start (kept) and end on another's (left out). */
function spanEdgedRange(index: number, hours: number): Range {
  const starts = data.spans.map((span) => span.startMs).sort((a, b) => a - b);
  const from = starts[index] as number;
  const to = starts.find((start) => start >= from + hours * HOUR) ?? from + hours * HOUR;
  return { from: new Date(from), to: new Date(to) };
}

beforeAll(async () => {
  testStore = await openTestStore('users-prompts-oracle');
  client = testStore.client;
  await store(project, data);
  // Another project's spans, same users and prompts, and a score for one of our traces.
  await store(otherProject, {
    spans: other.spans,
    evals: [
      ...other.evals,
      ...data.evals.slice(0, 3).map((score) => ({ ...score, value: 1, passed: true })),
    ],
  });
  RANGES.push(['from a span’s start to another’s', spanEdgedRange(20, 9)]);
  RANGES.push(['from a span’s start to another’s, later', spanEdgedRange(150, 20)]);
  // Just after a span's start to just after another's: the hour- and minute-granular reads
  // keep the first span, the exact ones leave it out; all keep the last.
  const edged = spanEdgedRange(60, 12);
  RANGES.push([
    'from just after a span’s start to just after another’s',
    { from: new Date(edged.from.getTime() + 1), to: new Date(edged.to.getTime() + 1) },
  ]);
}, 60_000);

afterAll(async () => {
  await testStore?.close();
});

describe('the generated data set', () => {
  it('has what the cases rely on', () => {
    const users = referenceUsers(data.spans);
    expect(data.spans.length).toBeGreaterThan(150);
    expect(users.length).toBe(USERS.length);
    expect(data.spans.some((span) => span.userId === undefined)).toBe(true);
    expect(data.spans.some((span) => span.prompt === undefined)).toBe(true);
    expect(data.spans.some((span) => span.costUsd === null && isModelCall(span.kind))).toBe(true);
    expect(data.spans.some((span) => !isModelCall(span.kind) && span.userId !== undefined)).toBe(
      true,
    );
    // Ties in the errors and requests sorts, broken by the user id.
    const errors = users.map((user) => user.errors);
    expect(new Set(errors).size).toBeLessThan(errors.length);
    expect(latestScores(data.evals).length).toBeLessThan(data.evals.length);
    // Traces that name a prompt with two versions: the first span's decides.
    const versionsByTrace = new Map<string, Set<string>>();
    for (const span of data.spans) {
      if (span.prompt === undefined) continue;
      const versions = versionsByTrace.get(span.traceId) ?? new Set<string>();
      versions.add(versionText(span));
      versionsByTrace.set(span.traceId, versions);
    }
    expect([...versionsByTrace.values()].some((versions) => versions.size > 1)).toBe(true);
  });
});

describe('listUsers against the reference', () => {
  const SORTS: UserSort[] = ['cost', 'requests', 'errors', 'last_seen'];
  const cases = SORTS.flatMap((sort) => [1, 2, 3, 500].map((limit) => [sort, limit] as const));

  it.each(cases)('sort %s, %i a page: every range, page by page', async (sort, limit) => {
    for (const [label, range] of RANGES) {
      const expected = expectedPages(referenceListUsers(data.spans, range, sort), limit);
      const actual = await allUserPages(project, range, sort, limit);
      expect(actual, `${label}, sort ${sort}, limit ${limit}`).toEqual(expected);
    }
  });
});

describe('getTopUsersByCost against the reference', () => {
  const FILTERS: Array<[string, Omit<MetricsFilter, 'projectId' | 'range'>]> = [
    ['no filter (rollup)', {}],
    ['an environment (rollup)', { environment: 'prod' }],
    ['a model (rollup)', { model: 'gpt-4o' }],
    ['a prompt version (rollup)', { promptName: 'support', promptVersion: '1' }],
    ['a tag (spans FINAL)', { tag: 'beta' }],
    ['a span name (spans FINAL)', { name: 'chat' }],
    ['a tag, a span name and an environment', { tag: 'vip', name: 'chat', environment: 'prod' }],
    ['a tag and a model', { tag: 'beta', model: 'gpt-4o-mini' }],
  ];

  it.each(FILTERS)('%s: every range', async (_label, extra) => {
    for (const [label, range] of RANGES) {
      for (const limit of [3, 1_000]) {
        const filter: MetricsFilter = { projectId: project, range, ...extra };
        const actual = await getTopUsersByCost(client, { filter, limit });
        expect(actual, `${label}, limit ${limit}`).toEqual(
          referenceTopUsers(data.spans, filter, limit),
        );
      }
    }
  });
});

describe('prompt versions against the reference', () => {
  it('lists every version with its metrics, in every range', async () => {
    for (const [label, range] of RANGES) {
      const actual = await listPromptVersions(client, { projectId: project, range });
      const expected = referencePromptVersions(data.spans, range);
      expect(
        actual.map((row) => [row.promptName, row.promptVersion]),
        label,
      ).toEqual(expected.map((row) => [row.promptName, row.promptVersion]));
      for (const [index, row] of actual.entries()) {
        expectMetrics(row, (expected[index] as (typeof expected)[number]).metrics);
      }
    }
  });

  const PAIRS: Array<[string, [string, string]]> = [
    ['support', ['1', '2']],
    ['support', ['10', '3']],
    ['summarize', ['v2-beta', '1']],
    ['summarize', ['2', 'missing']],
    ['triage', ['a', 'b']],
  ];

  it.each(PAIRS)('compares %s %j: metrics in every range', async (promptName, versions) => {
    for (const [, range] of RANGES) {
      const actual = await comparePromptVersions(client, {
        projectId: project,
        range,
        promptName,
        versions,
      });
      const listed = referencePromptVersions(data.spans, range);
      expect(actual.map((entry) => entry.promptVersion)).toEqual(versions);
      for (const entry of actual) {
        const expected = listed.find(
          (row) => row.promptName === promptName && row.promptVersion === entry.promptVersion,
        );
        expectMetrics(entry.metrics, expected?.metrics ?? referenceMetrics([]));
      }
    }
  });

  it.each(PAIRS)(
    'compares %s %j: eval scores of the traces whose first span with the prompt used each version',
    async (promptName, versions) => {
      for (const [label, range] of RANGES) {
        const actual = await comparePromptVersions(client, {
          projectId: project,
          range,
          promptName,
          versions,
        });
        const expected = versions.map((version) =>
          referenceEvalScores(data, range, promptName, version),
        );
        expect(
          actual.map((entry) => entry.evalScores),
          label,
        ).toEqual(
          expected.map((scores) =>
            scores.map((score) => ({ ...score, mean: expect.closeTo(score.mean, 12) })),
          ),
        );
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Where a repository contradicts the documented semantics, pinned on a few hand-made spans.

function handSpan(traceId: string, offsetMs: number, overrides: Partial<GeneratedSpan>) {
  return {
    traceId,
    spanId: hex(8),
    name: 'chat',
    kind: 'llm' as const,
    startMs: at(10) + offsetMs,
    endMs: at(10) + offsetMs + 500,
    status: 'ok' as const,
    model: 'gpt-4o',
    environment: 'prod',
    tags: [],
    usage: { inputTokens: 100, outputTokens: 10 },
    costUsd: 1 / 1024,
    ...overrides,
  } satisfies GeneratedSpan;
}

describe('rules found broken once', () => {
  it('comparePromptVersions counts no eval score of a trace for a compared version only a later span used', async () => {
    // Prepare: the trace's first span naming `support` used version 3, a later one version 1.
    const projectId = `p-users-oracle-rule-${hex(6)}`;
    const traceId = hex(16);
    const spans = [
      handSpan(traceId, 0, { prompt: { name: 'support', version: 3 } }),
      handSpan(traceId, 2_000, { prompt: { name: 'support', version: 1 } }),
    ];
    const evals: GeneratedEval[] = [
      {
        traceId,
        spanId: '',
        evaluator: 'helpfulness',
        evaluatorVersion: '1',
        value: 0.25,
        passed: false,
        createdAtMs: at(10, 5),
      },
    ];
    await store(projectId, { spans, evals }, 1);
    const range = { from: new Date(at(9)), to: new Date(at(11)) };

    // Act: version 3 is not among the compared versions.
    const [v1, v2] = await comparePromptVersions(client, {
      projectId,
      range,
      promptName: 'support',
      versions: ['1', '2'],
    });

    // Assess: the trace used version 3 (docs/storage.md "Prompt versions"), so neither of the
    // compared versions gets its score (version 1 got it once: the first span was picked
    // among versions 1 and 2 only).
    expect(v1?.metrics.requests).toBe(1);
    expect(v1?.evalScores).toEqual([]);
    expect(v2?.evalScores).toEqual([]);
  });

  it('listUsers counts a user’s tokens of model calls only, not an agent span’s total usage', async () => {
    // Prepare: an agent span reporting the usage of its run (as OpenTelemetry GenAI
    // `invoke_agent` spans and the Vercel AI SDK's outer spans do) over the one model call it made.
    const projectId = `p-users-oracle-rule-${hex(6)}`;
    const traceId = hex(16);
    const spans = [
      handSpan(traceId, 0, {
        name: 'support-agent',
        kind: 'agent',
        model: undefined,
        userId: 'ana',
        tags: ['vip'],
        usage: { inputTokens: 100, outputTokens: 10 },
        costUsd: 1 / 512,
      }),
      handSpan(traceId, 100, {
        userId: 'ana',
        tags: ['vip'],
        usage: { inputTokens: 100, outputTokens: 10 },
      }),
    ];
    await store(projectId, { spans, evals: [] }, 1);
    const range = { from: new Date(at(9)), to: new Date(at(11)) };

    // Act: the user rollup, and spans FINAL (a tag asked for).
    const { rows } = await listUsers(client, { projectId, range, limit: 10 });
    const topByTag = await getTopUsersByCost(client, {
      filter: { projectId, range, tag: 'vip' },
      limit: 10,
    });

    // Assess: the rollups hold model calls, "token and cost sums" of them (docs/storage.md
    // "Metrics rollups"), as the dashboard's summary of the same range does; the user rollup sums
    // every span of the user.
    expect(rows).toEqual([
      expect.objectContaining({ userId: 'ana', requests: 1, inputTokens: 100, outputTokens: 10 }),
    ]);
    expect(topByTag).toEqual([
      {
        userId: 'ana',
        requests: 1,
        errors: 0,
        costUsd: 1 / 1024,
        inputTokens: 100,
        outputTokens: 10,
      },
    ]);
  });
});

/**
 * A differential test of the trace lookup reads (getTraceSpans, getTraceAnnotations), the
 * dead letters listing and the stored feedback scores: a seeded set of traces, written as
 * ingest writes them (spans with every field the wire contract allows, redeliveries with a
 * later or an earlier ingested_at and changed content in separate token-tagged inserts,
 * findings and eval scores re-scored under the same key, a second project with the same trace
 * ids), is read back through the repositories and compared field by field with what a plain
 * reference of docs/storage.md computes from the generated inputs: span documents as JSONEachRow
 * writes the span's columns, the newest row of each span, of each finding and of each eval
 * score key, FINAL where the doc says so, one project's rows only.
 */
import { randomHex, seededRandom } from '../common/seededRandom.ts';
import { openTestStore, type TestStore } from '../../test/helpers/testStore.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SpanItemSchema,
  type ChatMessage,
  type MessagePart,
  type ScoreItem,
  type SpanItem,
  type SpanItemInput,
} from '@sightline/sdk/contract';
import { buildScore, buildSpan, storedSpanRow } from '../../test/helpers/factories.ts';
import { insertDeadLetters, listDeadLetters, type DeadLetterRow } from './deadLettersRepository.ts';
import { insertEvalScores, insertFindings } from './enrichmentRows.ts';
import type { EvalScoreRow } from './evalScoresRepository.ts';
import type { FindingRow } from './findingsRepository.ts';
import { insertScores, toScoreRow } from './scoresRepository.ts';
import { getTraceSpans, insertSpans, type TraceSpan } from './spansRepository.ts';
import { getTraceAnnotations } from './traceAnnotationsRepository.ts';

let testStore: TestStore;
let client: ClickHouseClient;

const SEED = 0x5eed_1a7e;
const MINUTE = 60_000;
const HOUR = 3_600_000;
// Two days ago on a whole hour: well inside every retention TTL (dead letters keep 30 days).
const BASE = Math.floor((Date.now() - 2 * 86_400_000) / HOUR) * HOUR;
const INGESTED = BASE + 2 * HOUR;

const PROJECT = 'p-lookup-oracle';
const OTHER_PROJECT = 'p-lookup-oracle-other';

const random = seededRandom(SEED);
const chance = (p: number): boolean => random() < p;
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
const integer = (below: number): number => Math.floor(random() * below);
const maybe = <T>(value: T, p = 0.7): T | undefined => (chance(p) ? value : undefined);
function hexId(bytes: number): string {
  let id = '';
  while (id === '' || /^0+$/.test(id)) id = randomHex(bytes, random);
  return id;
}

/** Strings a careless or hostile producer sends, each within the contract when cut to a limit. */
const HOSTILE = [
  '<script>alert("x")</script><img src=x onerror=alert(1)>',
  'lone high \ud800 surrogate',
  'lone low \udfff surrogate',
  '\udc00\ud800 reversed pair',
  'emoji 😀👩‍👩‍👧 and 用户 and zürich',
  'NUL \u0000 controls \u0001\u001f\u007f\u0085',
  'separators \u2028 and \u2029',
  'quote " backslash \\ slash / ',
  "'; DROP TABLE spans; --",
  '{"looks":"like json"}',
  'bidi \u202e gnp.exe',
  'tab\tnew\nline\rcr',
  '%_\\ like escapes',
  '{name:String} {projectId:String}',
  'ends with a high surrogate \ud83d',
] as const;

const hostile = (max: number): string => {
  const text = pick(HOSTILE);
  return text.length > max ? text.slice(0, max) : text;
};
const nonEmptyHostile = (max: number): string => hostile(max) || 'x';

function part(): MessagePart {
  switch (integer(5)) {
    case 0:
      return { type: 'text', content: hostile(200_000) };
    case 1:
      return { type: 'reasoning', content: `thinking: ${hostile(1_000)}` };
    case 2:
      return {
        type: 'tool_call',
        ...(chance(0.7) ? { id: `call_${hexId(4)}` } : {}),
        name: nonEmptyHostile(256),
        ...(chance(0.8)
          ? {
              arguments: {
                query: hostile(500),
                n: integer(1_000),
                ratio: random(),
                nested: { list: [1, null, true, 'x', { deep: hostile(50) }], empty: {} },
              },
            }
          : {}),
      };
    case 3:
      return {
        type: 'tool_call_response',
        ...(chance(0.7) ? { id: `call_${hexId(4)}` } : {}),
        response: chance(0.5) ? hostile(1_000) : { rows: [{ id: 1, v: hostile(80) }], total: 1 },
      };
    default:
      return {
        type: 'media',
        ...(chance(0.8) ? { mimeType: 'image/png' } : {}),
        ...(chance(0.5) ? { uri: `https://example.com/${hexId(4)}.png?q=<b>` } : {}),
        ...(chance(0.8) ? { bytes: integer(10_000_000) } : {}),
      };
  }
}

function chatMessages(output: boolean): ChatMessage[] {
  return Array.from({ length: integer(4) }, () => ({
    role: output ? 'assistant' : pick(['system', 'user', 'assistant', 'tool'] as const),
    ...(chance(0.3) ? { name: hostile(256) } : {}),
    parts: Array.from({ length: integer(4) }, part),
    ...(output && chance(0.7) ? { finishReason: pick(['stop', 'length', hostile(64)]) } : {}),
  }));
}

/** Epoch milliseconds with a microsecond fraction, kept apart so the expected text is exact. */
interface Instant {
  ms: number;
  us: number;
}
const epochOf = (instant: Instant): number => instant.ms + instant.us / 1000;

function dateTimeText(ms: number, fractionDigits: 3 | 6, us = 0): string {
  const iso = new Date(ms).toISOString();
  const seconds = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  const millis = iso.slice(20, 23);
  return fractionDigits === 3
    ? `${seconds}.${millis}`
    : `${seconds}.${millis}${String(us).padStart(3, '0')}`;
}

/** Everything the contract allows on a span, each field now and then absent. */
function generateSpan(traceId: string, spanId: string, parentSpanId: string | undefined) {
  const start: Instant = {
    ms: BASE - 5 * HOUR + integer(6 * HOUR),
    us: integer(1000),
  };
  const end: Instant = chance(0.1)
    ? start
    : { ms: start.ms + integer(5 * MINUTE), us: integer(1000) };
  if (end.ms === start.ms && end.us < start.us) end.us = start.us;
  const longText = chance(0.08);
  const input: SpanItemInput = buildSpan({
    traceId,
    spanId,
    parentSpanId,
    name: nonEmptyHostile(256),
    kind: maybe(pick(['llm', 'embedding', 'tool', 'retrieval', 'agent', 'chain', 'span'] as const)),
    startTime: epochOf(start),
    endTime: epochOf(end),
    status: maybe({
      code: pick(['unset', 'ok', 'error'] as const),
      ...(chance(0.5) ? { message: hostile(200_000) } : {}),
    }),
    errorType: maybe(hostile(256), 0.3),
    operationName: maybe(pick(['chat', 'embeddings', 'execute_tool', hostile(64)])),
    provider: maybe(pick(['openai', 'anthropic', hostile(64)])),
    requestModel: maybe(pick(['gpt-4o', 'claude-3-5-sonnet', hostile(256)])),
    responseModel: maybe(pick(['gpt-4o-2024-08-06', hostile(256)]), 0.5),
    responseId: maybe(`resp_${hexId(8)}`),
    serverAddress: maybe('api.openai.com', 0.3),
    request: maybe({
      temperature: Math.round(random() * 200) / 100,
      topP: random(),
      topK: integer(100),
      maxTokens: integer(1e12),
      frequencyPenalty: -random(),
      presencePenalty: 0.5,
      stopSequences: [hostile(1_000), 'END'],
      seed: -integer(2 ** 31),
      choiceCount: 1 + integer(4),
      outputType: hostile(64),
      stream: chance(0.5),
    }),
    usage: maybe({
      inputTokens: chance(0.1) ? 1e12 : integer(100_000),
      outputTokens: maybe(integer(10_000)),
      cachedInputTokens: maybe(integer(1_000)),
      reasoningTokens: maybe(2 ** 39 + integer(1_000)),
    }),
    finishReasons: maybe([pick(['stop', 'length', 'tool_calls']), hostile(64)]),
    timeToFirstTokenMs: maybe(Math.round(random() * 1e6) / 1e3),
    systemInstructions: maybe(Array.from({ length: 1 + integer(2) }, part), 0.4),
    inputMessages: maybe(chatMessages(false)),
    outputMessages: maybe(chatMessages(true)),
    tool: maybe(
      {
        name: nonEmptyHostile(256),
        ...(chance(0.6) ? { callId: `call_${hexId(4)}` } : {}),
        ...(chance(0.5) ? { type: 'function' } : {}),
      },
      0.3,
    ),
    userId: maybe(pick(['u-1', nonEmptyHostile(256), '😀'.repeat(128)])),
    sessionId: maybe(pick(['s-1', nonEmptyHostile(256)])),
    prompt: maybe(
      {
        name: nonEmptyHostile(256),
        version: chance(0.5) ? integer(1_000) : nonEmptyHostile(64),
        ...(chance(0.6)
          ? { variables: { [hostile(256) || 'k']: hostile(200_000), plain: 'v' } }
          : {}),
      },
      0.4,
    ),
    environment: maybe(pick(['prod', hostile(64)])),
    release: maybe(hostile(128)),
    tags: maybe(Array.from({ length: integer(5) }, () => nonEmptyHostile(200))),
    metadata: maybe({
      plan: 'pro',
      ratio: Math.round(random() * 1e6) / 1e3,
      big: 2 ** 53 - 1,
      tiny: 1e-7,
      flag: chance(0.5),
      ['__proto__']: 'proto key',
      constructor: hostile(4_096),
      '10': 'numeric key',
      [nonEmptyHostile(256)]: hostile(4_096),
      long: 'v'.repeat(4_096),
    }),
    truncated: maybe(chance(0.5)),
  });
  if (longText) {
    input.outputMessages = [
      {
        role: 'assistant',
        parts: [{ type: 'text', content: `${'长'.repeat(99_990)}😀${'a'.repeat(99_990)}` }],
      },
    ];
  }
  return { input, start, end };
}

/** A span as a row of spans, as delivered once: what the reference reads. */
interface Delivery {
  projectId: string;
  input: SpanItemInput;
  start: Instant;
  end: Instant;
  ingestedAtMs: number;
  costUsd: number | null;
}

function costOf(): number | null {
  return chance(0.3) ? null : pick([0, 1e-9, Math.round(random() * 1e8) / 1e10, 12.5]);
}

// ---------------------------------------------------------------------------------------------
// The reference: what a span's document holds, from the contract's input alone.

const wellFormed = (text: string): string => text.toWellFormed();
const jsonOrEmpty = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));

/**
 * The span's TraceSpan columns as JSONEachRow writes them: UInt64 counts as numbers (the
 * engine's output_format_json_quote_64bit_integers is off), DateTime64 as text with its precision,
 * strings with lone surrogates replaced (ClickHouse refuses them), JSON columns as the JSON
 * text of the contract's values.
 */
function expectedDocument(delivery: Delivery): Record<string, unknown> {
  const span: SpanItem = SpanItemSchema.parse(delivery.input);
  const usage = span.usage ?? {};
  const inputTokens = usage.inputTokens ?? 0;
  const outputTokens = usage.outputTokens ?? 0;
  return {
    project_id: delivery.projectId,
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId ?? '',
    name: wellFormed(span.name),
    kind: span.kind,
    start_time: dateTimeText(delivery.start.ms, 6, delivery.start.us),
    duration_ms: span.endTime - span.startTime,
    status_code: span.status.code,
    status_message: wellFormed(span.status.message ?? ''),
    provider: wellFormed(span.provider ?? ''),
    request_model: wellFormed(span.requestModel ?? ''),
    response_model: wellFormed(span.responseModel ?? span.requestModel ?? ''),
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    user_id: wellFormed(span.userId ?? ''),
    session_id: wellFormed(span.sessionId ?? ''),
    prompt_name: wellFormed(span.prompt?.name ?? ''),
    prompt_version: span.prompt === undefined ? '' : wellFormed(String(span.prompt.version)),
    environment: wellFormed(span.environment ?? ''),
    end_time: dateTimeText(delivery.end.ms, 6, delivery.end.us),
    error_type: wellFormed(span.errorType ?? ''),
    operation_name: wellFormed(span.operationName ?? ''),
    response_id: span.responseId ?? '',
    request_params: jsonOrEmpty(span.request),
    cached_input_tokens: usage.cachedInputTokens ?? 0,
    reasoning_tokens: usage.reasoningTokens ?? 0,
    finish_reasons: (span.finishReasons ?? []).map(wellFormed),
    time_to_first_token_ms: span.timeToFirstTokenMs ?? null,
    system_instructions: jsonOrEmpty(span.systemInstructions),
    input_messages: jsonOrEmpty(span.inputMessages),
    output_messages: jsonOrEmpty(span.outputMessages),
    tool_name: wellFormed(span.tool?.name ?? ''),
    tool_call_id: span.tool?.callId ?? '',
    prompt_variables: jsonOrEmpty(span.prompt?.variables),
    release: wellFormed(span.release ?? ''),
    tags: (span.tags ?? []).map(wellFormed),
    metadata: Object.fromEntries(
      Object.entries(span.metadata ?? {}).map(([key, value]) => [
        wellFormed(key),
        wellFormed(String(value)),
      ]),
    ),
    truncated: span.truncated ?? false,
    sdk_name: 'test',
    sdk_version: '0',
    ingested_at: dateTimeText(delivery.ingestedAtMs, 3),
    cost_usd: delivery.costUsd,
    cost_status: '',
  };
}

/** ClickHouse's byte order of UTF-8 strings (JavaScript's `<` compares UTF-16 units). */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function compareMicros(a: Instant, b: Instant): number {
  return a.ms - b.ms || a.us - b.us;
}

/**
 * getTraceSpans as documented: the project's spans of the trace, the newest delivery of each
 * (highest ingested_at), in start order then span id.
 */
function expectedTraceSpans(
  deliveries: readonly Delivery[],
  projectId: string,
  traceId: string,
): Array<{ delivery: Delivery; document: Record<string, unknown> }> {
  const newest = new Map<string, Delivery>();
  for (const delivery of deliveries) {
    if (delivery.projectId !== projectId || delivery.input.traceId !== traceId) continue;
    const spanId = delivery.input.spanId;
    const seen = newest.get(spanId);
    if (!seen || delivery.ingestedAtMs > seen.ingestedAtMs) newest.set(spanId, delivery);
  }
  return [...newest.values()]
    .sort((a, b) => compareMicros(a.start, b.start) || compareBytes(a.input.spanId, b.input.spanId))
    .map((delivery) => ({ delivery, document: expectedDocument(delivery) }));
}

// ---------------------------------------------------------------------------------------------
// Findings and eval scores: rows as the enrichment stage inserts them.

interface FindingInsert {
  project_id: string;
  trace_id: string;
  span_id: string;
  category: string;
  type: string;
  field: string;
  message_index: number;
  part_index: number;
  start: number;
  end: number;
  score: number;
  detector_id: string;
  detector_version: string;
  created_at: string;
  retention_days: number;
  createdAtMs: number;
}

interface EvalScoreInsert {
  project_id: string;
  trace_id: string;
  span_id: string;
  evaluator: string;
  evaluator_version: string;
  value: number;
  passed: boolean | null;
  label: string;
  comment: string;
  created_at: string;
  retention_days: number;
  createdAtMs: number;
}

const FINDING_KEY = [
  'span_id',
  'detector_id',
  'type',
  'field',
  'message_index',
  'part_index',
  'start',
  'end',
] as const;
const EVAL_KEY = ['span_id', 'evaluator', 'evaluator_version'] as const;

function newestBy<Row extends { createdAtMs: number; project_id: string; trace_id: string }>(
  rows: readonly Row[],
  key: readonly (keyof Row)[],
  projectId: string,
  traceId: string,
): Row[] {
  const newest = new Map<string, Row>();
  for (const row of rows) {
    if (row.project_id !== projectId || row.trace_id !== traceId) continue;
    const id = JSON.stringify(key.map((column) => row[column]));
    const seen = newest.get(id);
    if (!seen || row.createdAtMs > seen.createdAtMs) newest.set(id, row);
  }
  return [...newest.values()];
}

/** The shortest decimal that reads back as the same Float32: how ClickHouse writes one. */
function float32Text(value: number): number {
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits += 1) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}

function findingView(row: FindingInsert): FindingRow {
  return {
    span_id: row.span_id,
    category: row.category,
    type: row.type,
    field: row.field,
    message_index: row.message_index,
    part_index: row.part_index,
    start: row.start,
    end: row.end,
    score: float32Text(row.score),
    detector_id: row.detector_id,
    detector_version: row.detector_version,
  };
}

function evalScoreView(row: EvalScoreInsert): EvalScoreRow {
  return {
    span_id: row.span_id,
    evaluator: row.evaluator,
    evaluator_version: row.evaluator_version,
    value: row.value,
    passed: row.passed,
    label: row.label,
    comment: row.comment,
    created_at: row.created_at,
  };
}

/** The documented order of a trace's findings: span, field, message, part, start. */
function compareFindingOrder(a: FindingRow, b: FindingRow): number {
  return (
    compareBytes(a.span_id, b.span_id) ||
    compareBytes(a.field, b.field) ||
    a.message_index - b.message_index ||
    a.part_index - b.part_index ||
    a.start - b.start
  );
}

/** A total order, to compare what ties in the documented order leave to the engine. */
function compareFindingFully(a: FindingRow, b: FindingRow): number {
  return (
    compareFindingOrder(a, b) ||
    a.end - b.end ||
    compareBytes(a.detector_id, b.detector_id) ||
    compareBytes(a.type, b.type)
  );
}

function compareEvalOrder(a: EvalScoreRow, b: EvalScoreRow): number {
  return (
    compareBytes(a.span_id, b.span_id) ||
    compareBytes(a.evaluator, b.evaluator) ||
    compareBytes(a.evaluator_version, b.evaluator_version)
  );
}

// ---------------------------------------------------------------------------------------------
// The generated data set.

const TRACE_COUNT = 14;
const traceIds = Array.from({ length: TRACE_COUNT }, () => hexId(16));
const deliveries: Delivery[] = [];
/** Inserts into spans, in order, each with its own deduplication token. */
const spanBatches: Array<{ token: string; deliveries: Delivery[] }> = [];
const findingRows: FindingInsert[] = [];
const evalRows: EvalScoreInsert[] = [];

function generateDataSet(): void {
  const first: Delivery[] = [];
  const again: Delivery[] = [];
  const stale: Delivery[] = [];
  for (const projectId of [PROJECT, OTHER_PROJECT]) {
    for (const traceId of traceIds) {
      const rootId = hexId(8);
      const spanIds = [rootId, ...Array.from({ length: integer(6) }, () => hexId(8))];
      for (const [index, spanId] of spanIds.entries()) {
        const parent = index === 0 ? maybe(hexId(8), 0.1) : pick(spanIds.slice(0, index));
        const generated = generateSpan(traceId, spanId, parent);
        const delivery: Delivery = {
          projectId,
          ...generated,
          ingestedAtMs: INGESTED + integer(MINUTE),
          costUsd: costOf(),
        };
        first.push(delivery);
        if (chance(0.35)) {
          // Delivered again later, with other content: a moved start (sometimes into another
          // hour), a new status message and output, other metadata and cost.
          const moved = chance(0.4) ? integer(3 * HOUR) - HOUR : 0;
          const start = { ms: generated.start.ms + moved, us: integer(1000) };
          const end = { ms: Math.max(start.ms, generated.end.ms + moved) + 1, us: integer(1000) };
          again.push({
            projectId,
            input: {
              ...generated.input,
              startTime: epochOf(start),
              endTime: epochOf(end),
              status: { code: 'error', message: `redelivered ${hostile(500)}` },
              outputMessages: chatMessages(true),
              metadata: { redelivered: true, note: hostile(4_096) },
              tags: ['redelivered'],
            },
            start,
            end,
            ingestedAtMs: delivery.ingestedAtMs + MINUTE + integer(MINUTE),
            costUsd: costOf(),
          });
        }
        if (chance(0.15)) {
          // A stale copy (ingested earlier) that reaches storage last: never the newest.
          stale.push({
            ...delivery,
            input: { ...delivery.input, name: 'stale copy' },
            ingestedAtMs: delivery.ingestedAtMs - 30_000,
            costUsd: 999,
          });
        }
        generateAnnotations(projectId, traceId, spanId, index === 0);
      }
    }
  }
  deliveries.push(...first, ...again, ...stale);
  spanBatches.push(
    { token: 'spans:oracle-first', deliveries: first },
    { token: 'spans:oracle-again', deliveries: again },
    { token: 'spans:oracle-stale', deliveries: stale },
  );
}

function generateAnnotations(
  projectId: string,
  traceId: string,
  spanId: string,
  isRoot: boolean,
): void {
  const identity = { project_id: projectId, trace_id: traceId, retention_days: 90 };
  const versions = (): number[] => {
    const count = 1 + (chance(0.4) ? 1 + integer(2) : 0);
    // Distinct creation times, in shuffled insert order below.
    const times = new Set<number>();
    while (times.size < count) times.add(INGESTED + integer(HOUR));
    return [...times];
  };
  const findingCount = integer(4);
  for (let finding = 0; finding < findingCount; finding += 1) {
    const start = integer(500);
    const location = {
      span_id: spanId,
      category: pick(['pii', 'secret', 'injection']),
      type: pick(['EMAIL', 'PHONE', 'AWS_KEY', 'INJECTION']),
      field: pick(['input', 'output', 'system', 'status_message']),
      message_index: pick([-1, 0, 1, 2]),
      part_index: pick([-1, 0, 1]),
      start,
      end: start + 1 + integer(40),
      detector_id: pick(['pii.regex', 'pii.gazetteer', 'secrets', 'injection.classifier']),
    };
    for (const atMs of versions()) {
      findingRows.push({
        ...identity,
        ...location,
        score: Math.round(random() * 1000) / 1000,
        detector_version: pick(['1', '2', '1.0.0-β']),
        created_at: dateTimeText(atMs, 3),
        createdAtMs: atMs,
      });
    }
  }
  const evaluatorKeys = [
    ...(chance(0.6) ? [['helpfulness', '1']] : []),
    ...(chance(0.4) ? [['helpfulness', '2']] : []),
    ...(chance(0.3) ? [['judge:faithfulness', 'gpt-4o@2024-08-06']] : []),
  ];
  // Trace-level scores carry an empty span id.
  const scoredSpans = isRoot && chance(0.5) ? [spanId, ''] : [spanId];
  for (const scoredSpan of scoredSpans) {
    for (const [evaluator = '', evaluatorVersion = ''] of evaluatorKeys) {
      for (const atMs of versions()) {
        const value = pick([random(), 0, 1, -3.25, 1e-300, 12345.678901234567]);
        evalRows.push({
          ...identity,
          span_id: scoredSpan,
          evaluator,
          evaluator_version: evaluatorVersion,
          value,
          passed: pick([true, false, null]),
          label: pick(['', 'good', 'bad', 'ünïcødé']),
          comment: wellFormed(hostile(1_000)),
          created_at: dateTimeText(atMs, 3),
          createdAtMs: atMs,
        });
      }
    }
  }
}

generateDataSet();

function shuffled<T>(values: readonly T[]): T[] {
  const copy = [...values];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = integer(index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

const rowOf = (delivery: Delivery) =>
  storedSpanRow(delivery.input, delivery.projectId, delivery.ingestedAtMs, {
    cost_usd: delivery.costUsd,
  });

const withoutBookkeeping = <Row extends { createdAtMs: number }>({
  createdAtMs: _createdAtMs,
  ...row
}: Row) => row;

beforeAll(async () => {
  testStore = await openTestStore('trace-lookup-oracle');
  client = testStore.client;
  for (const batch of spanBatches) {
    await insertSpans(client, batch.deliveries.map(rowOf), batch.token);
  }
  // Findings and eval scores in several inserts, each row's versions in shuffled order, so a
  // newer row is often stored before an older one of its key.
  for (const [table, rows] of [
    ['findings', findingRows],
    ['eval_scores', evalRows],
  ] as const) {
    const inserts: Array<typeof rows> = [[], [], [], []];
    for (const row of shuffled<(typeof rows)[number]>(rows)) pick(inserts).push(row as never);
    for (const insert of inserts) {
      const plain = insert.map(withoutBookkeeping);
      if (table === 'findings') await insertFindings(client, plain as never[]);
      else await insertEvalScores(client, plain as never[]);
    }
  }
});

afterAll(async () => {
  await testStore?.close();
});

describe('the generated data set', () => {
  it('has what the cases rely on', () => {
    const first = spanBatches[0]!.deliveries.length;
    expect(first).toBeGreaterThan(50);
    expect(spanBatches[1]!.deliveries.length).toBeGreaterThan(10);
    expect(spanBatches[2]!.deliveries.length).toBeGreaterThan(3);
    const keys = new Set(
      findingRows.map((row) => JSON.stringify(FINDING_KEY.map((column) => row[column]))),
    );
    expect(findingRows.length).toBeGreaterThan(keys.size);
    expect(evalRows.some((row) => row.span_id === '')).toBe(true);
  });
});

describe('getTraceSpans against the reference', () => {
  it.each([PROJECT, OTHER_PROJECT])(
    'reads every trace of %s as documented, field by field',
    async (projectId) => {
      for (const traceId of traceIds) {
        const actual = await getTraceSpans(client, { projectId, traceId });
        const expected = expectedTraceSpans(deliveries, projectId, traceId);
        expect(
          actual.map((span) => span.span_id),
          `span order of ${traceId}`,
        ).toEqual(expected.map(({ document }) => document.span_id));
        for (const [index, { delivery, document }] of expected.entries()) {
          const span = actual[index] as unknown as Record<string, unknown>;
          expect(Object.keys(span).sort(), 'the document’s columns').toEqual(
            Object.keys(document).sort(),
          );
          for (const [column, value] of Object.entries(document)) {
            expect(span[column], `${traceId}/${String(document.span_id)}.${column}`).toEqual(value);
          }
          // The JSON columns give back the very values the producer sent.
          const sent = SpanItemSchema.parse(delivery.input);
          const parsed = (column: keyof TraceSpan): unknown => {
            const text = span[column] as string;
            return text === '' ? undefined : JSON.parse(text);
          };
          expect(parsed('input_messages')).toEqual(sent.inputMessages);
          expect(parsed('output_messages')).toEqual(sent.outputMessages);
          expect(parsed('system_instructions')).toEqual(sent.systemInstructions);
          expect(parsed('request_params')).toEqual(sent.request);
          expect(parsed('prompt_variables')).toEqual(sent.prompt?.variables);
        }
      }
    },
  );

  it('reads nothing for a trace id no project stored, or one of another project only', async () => {
    expect(await getTraceSpans(client, { projectId: PROJECT, traceId: hexId(16) })).toEqual([]);
    expect(
      await getTraceSpans(client, { projectId: 'p-lookup-oracle-none', traceId: traceIds[0]! }),
    ).toEqual([]);
  });
});

describe('getTraceAnnotations against the reference', () => {
  it.each([PROJECT, OTHER_PROJECT])(
    'keeps the newest finding and eval score of each key of %s, in the documented order',
    async (projectId) => {
      for (const traceId of traceIds) {
        const { findings, evalScores } = await getTraceAnnotations(client, { projectId, traceId });
        const expectedFindings = newestBy(findingRows, FINDING_KEY, projectId, traceId)
          .map(findingView)
          .sort(compareFindingFully);
        const expectedScores = newestBy(evalRows, EVAL_KEY, projectId, traceId)
          .map(evalScoreView)
          .sort(compareEvalOrder);
        // Findings: in span and text order; rows that tie there may come in either order.
        for (let index = 1; index < findings.length; index += 1) {
          expect(
            compareFindingOrder(findings[index - 1]!, findings[index]!),
            `finding order of ${traceId} at ${index}`,
          ).toBeLessThanOrEqual(0);
        }
        expect([...findings].sort(compareFindingFully), `findings of ${traceId}`).toEqual(
          expectedFindings,
        );
        expect(evalScores, `eval scores of ${traceId}`).toEqual(expectedScores);
      }
    },
  );

  it('cuts each part at its limit after keeping the newest row of each key', async () => {
    const traceId = [...traceIds].sort(
      (a, b) =>
        newestBy(findingRows, FINDING_KEY, PROJECT, b).length -
        newestBy(findingRows, FINDING_KEY, PROJECT, a).length,
    )[0]!;
    const full = await getTraceAnnotations(client, { projectId: PROJECT, traceId });
    for (const limit of [1, 2, 3]) {
      const cut = await getTraceAnnotations(client, {
        projectId: PROJECT,
        traceId,
        findingsLimit: limit,
        evalScoresLimit: limit,
      });
      expect(cut.evalScores).toEqual(full.evalScores.slice(0, limit));
      expect(cut.findings).toHaveLength(Math.min(limit, full.findings.length));
      // The first `limit` in the documented order (ties at the cut may differ).
      expect(cut.findings.map((row) => [row.span_id, row.field, row.message_index])).toEqual(
        full.findings.slice(0, limit).map((row) => [row.span_id, row.field, row.message_index]),
      );
    }
  });

  it('reads nothing for another project’s trace id', async () => {
    expect(
      await getTraceAnnotations(client, {
        projectId: 'p-lookup-oracle-none',
        traceId: traceIds[0]!,
      }),
    ).toEqual({ findings: [], evalScores: [] });
  });
});

describe('a batch delivered again with its deduplication token', () => {
  // docs/storage.md: a batch delivered again "inserts nothing, in spans and in the views
  // alike", and the lookup shows span documents as spans holds them. span_documents (0017) had
  // no non_replicated_deduplication_window, so its view's block of the repeat was stored (0021).
  it('shows the spans as spans holds them, not the repeat spans skipped', async () => {
    // Prepare: one batch stored, then the same records again, as the ingest writer sends a
    // redelivered batch: the same token (its stream positions), rows rebuilt at a later time.
    const traceId = hexId(16);
    const spans = Array.from({ length: 3 }, () => generateSpan(traceId, hexId(8), undefined));
    const batch = (ingestedAtMs: number): Delivery[] =>
      spans.map((span) => ({ projectId: PROJECT, ...span, ingestedAtMs, costUsd: 0.5 }));
    const token = `spans:replay-${traceId}`;
    await insertSpans(client, batch(INGESTED).map(rowOf), token);
    await insertSpans(client, batch(INGESTED + 5 * MINUTE).map(rowOf), token);
    // Act
    const actual = await getTraceSpans(client, { projectId: PROJECT, traceId });
    const final = await client.query({
      query: `SELECT span_id, ingested_at FROM spans FINAL
        WHERE project_id = {projectId:String} AND trace_id = {traceId:String}`,
      query_params: { projectId: PROJECT, traceId },
      format: 'JSONEachRow',
    });
    const documents = await client.query({
      query: `SELECT count() AS documents FROM span_documents
        WHERE project_id = {projectId:String} AND trace_id = {traceId:String}`,
      query_params: { projectId: PROJECT, traceId },
      format: 'JSONEachRow',
    });
    // Assess: spans holds the first delivery only; so must the documents, and the lookup.
    const held = await final.json<{ span_id: string; ingested_at: string }>();
    expect(held.map((row) => row.ingested_at)).toEqual(
      Array.from({ length: 3 }, () => dateTimeText(INGESTED, 3)),
    );
    expect(actual).toEqual(
      expectedTraceSpans(batch(INGESTED), PROJECT, traceId).map(({ document }) => document),
    );
    expect(await documents.json(), 'documents stored').toEqual([{ documents: 3 }]);
  });
});

describe('listDeadLetters against the reference', () => {
  // Records that failed, some failing again on redelivery (later, with another reason), one
  // stale copy stored last, the same sequence number on two shards.
  const shards = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002'];
  const rows: DeadLetterRow[] = [];
  let clock = BASE - 3 * 86_400_000;
  const tick = (): number => (clock += 1 + integer(10 * MINUTE));
  for (let index = 0; index < 40; index += 1) {
    const arrivalMs = tick();
    const row: DeadLetterRow = {
      stream_arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/sightline-spans',
      shard_id: pick(shards),
      sequence_number: `49590${String(index % 30).padStart(2, '0')}${'7'.repeat(40)}`,
      partition_key: wellFormed(hostile(256)),
      approximate_arrival: dateTimeText(arrivalMs, 3),
      claimed_project_id: pick([PROJECT, OTHER_PROJECT, '']),
      reason: pick(['BAD_SIGNATURE', 'SCHEMA_VIOLATION', 'UNKNOWN_PROJECT', 'BAD_FRAME']),
      detail: wellFormed(hostile(1_000)),
      raw_base64: `sealed:v1:${Buffer.from(hexId(600)).toString('base64')}`,
      raw_size: integer(1_048_576),
      dead_lettered_at: dateTimeText(arrivalMs + 1 + integer(1_000), 3),
    };
    rows.push(row);
    if (chance(0.4)) {
      rows.push({
        ...row,
        reason: 'CLICKHOUSE_REJECTED',
        detail: `again: ${wellFormed(hostile(500))}`,
        dead_lettered_at: dateTimeText(tick(), 3),
      });
    }
  }
  const staleOf = {
    ...rows[0]!,
    reason: 'STALE',
    dead_lettered_at: dateTimeText(BASE - 4 * 86_400_000, 3),
  };

  /** FINAL as documented: the newest row of each (shard, sequence number), newest first. */
  function expectedDeadLetters(sequenceNumbers?: readonly string[], limit = 1000): DeadLetterRow[] {
    const newest = new Map<string, DeadLetterRow>();
    for (const row of [...rows, staleOf]) {
      const key = `${row.shard_id}\n${row.sequence_number}`;
      const seen = newest.get(key);
      if (!seen || row.dead_lettered_at > seen.dead_lettered_at) newest.set(key, row);
    }
    return [...newest.values()]
      .filter((row) => !sequenceNumbers || sequenceNumbers.includes(row.sequence_number))
      .sort((a, b) => compareBytes(b.dead_lettered_at, a.dead_lettered_at))
      .slice(0, limit);
  }

  beforeAll(async () => {
    const inserts: DeadLetterRow[][] = [[], [], []];
    for (const row of rows) pick(inserts).push(row);
    for (const insert of inserts) await insertDeadLetters(client, insert);
    await insertDeadLetters(client, [staleOf]);
  });

  it('lists the newest row of each record, newest first', async () => {
    const expected = expectedDeadLetters();
    expect(new Set(expected.map((row) => row.dead_lettered_at)).size).toBe(expected.length);
    expect(await listDeadLetters(client)).toEqual(expected);
    expect(await listDeadLetters(client, { limit: 7 })).toEqual(expectedDeadLetters(undefined, 7));
  });

  it('lists the records with the sequence numbers asked for, on every shard', async () => {
    const asked = [rows[0]!.sequence_number, rows[5]!.sequence_number, '0'];
    expect(await listDeadLetters(client, { sequenceNumbers: asked })).toEqual(
      expectedDeadLetters(asked),
    );
    expect(await listDeadLetters(client, { sequenceNumbers: [] })).toEqual([]);
  });
});

describe('feedback scores as stored', () => {
  // scoresRepository has no read: this checks what the table holds, read with FINAL as the doc
  // says every reader must, against the documented deduplication on the producer's score id.
  const traceId = traceIds[0]!;
  const scores: ScoreItem[] = Array.from({ length: 12 }, (_, index) =>
    buildScore({
      scoreId: `score-${index}-${hexId(4)}`,
      traceId,
      ...(chance(0.5) ? { spanId: hexId(8) } : {}),
      name: nonEmptyHostile(256),
      value: pick([random(), -1.5, 0, true, false, hostile(1_000)]),
      ...(chance(0.6) ? { comment: hostile(200_000) } : {}),
      ...(chance(0.5) ? { userId: nonEmptyHostile(256) } : {}),
      timestamp: BASE - integer(HOUR) + integer(1000) / 1000,
    }),
  );
  const stored = (projectId: string, ingestedAt: number) =>
    scores.map((score) => toScoreRow(score, { projectId, ingestedAt, retentionDays: 90 }));

  beforeAll(async () => {
    await insertScores(client, stored(PROJECT, INGESTED));
    // Redelivered later (another insert), and the same ids in another project.
    await insertScores(client, stored(PROJECT, INGESTED + MINUTE));
    await insertScores(client, stored(OTHER_PROJECT, INGESTED));
  });

  it('holds each score once per project, with every value as sent', async () => {
    const result = await client.query({
      query: `SELECT * EXCEPT retention_days FROM scores FINAL
        WHERE project_id = {projectId:String} AND trace_id = {traceId:String}
        ORDER BY score_id`,
      query_params: { projectId: PROJECT, traceId },
      format: 'JSONEachRow',
    });
    const expected = scores
      .map((score) => ({
        project_id: PROJECT,
        score_id: score.scoreId,
        trace_id: traceId,
        span_id: score.spanId ?? '',
        name: wellFormed(score.name),
        data_type:
          typeof score.value === 'number'
            ? 'numeric'
            : typeof score.value === 'boolean'
              ? 'boolean'
              : 'categorical',
        numeric_value: typeof score.value === 'string' ? null : Number(score.value),
        string_value: typeof score.value === 'string' ? wellFormed(score.value) : '',
        comment: wellFormed(score.comment ?? ''),
        user_id: wellFormed(score.userId ?? ''),
        timestamp: dateTimeText(Math.floor(score.timestamp), 3),
        ingested_at: dateTimeText(INGESTED + MINUTE, 3),
      }))
      .sort((a, b) => compareBytes(a.score_id, b.score_id));
    expect(await result.json()).toEqual(expected);
  });
});

/**
 * A differential leak oracle for the ingest path. Spans, scores and bad records carry
 * freshly generated personal data and secrets (an e-mail address, a phone number, a Luhn-valid
 * card, an IBAN, an SSN, an IP address, AWS, GitHub and Stripe keys, a JWT) in every text slot
 * the wire contract has; the real handler stores them in a real chDB under each policy (the
 * default, mask, hash, keep, a mixed one, a malformed one), with a detector made to fail on
 * one text, tool payloads past the scan limits and every kind of dead letter. Then every table
 * of the database is read back as text, and so is everything written to the console, stdout
 * and stderr meanwhile: a value may appear only where its policy says `keep`.
 *
 * Fields docs/detection.md lists as identifiers the application chooses (span name, userId,
 * sessionId, tags, metadata keys…) are not scanned by design; they carry values of their own,
 * held to the identifier columns and kept out of logs and dead letters.
 */
import { createHash, randomInt } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WIRE_LIMITS, type SpanItemInput } from '@sightline/sdk/contract';
import { seededRandom } from '../common/seededRandom.ts';
import { makeIban, makeIpv4, makeSsn, makeUsPhone } from '../detect/pii/syntheticPiiCases.ts';
import { SecretFactory } from '../detect/secrets/secretFactories.ts';
import { UNSCANNED_TEXT_MARKER } from '../enrich/enrichSpan.ts';
import { vaultFromMasterKey } from '../enrich/loadVault.ts';
import { openEnvelope } from '../enrich/originalsVault.ts';
import { hashTag } from '../enrich/redactText.ts';
import { detectSensitiveTexts } from '../enrich/scanText.ts';
import {
  buildKinesisEvent,
  buildKinesisRecord,
  buildRecordData,
  buildScore,
  buildSpan,
  hex,
  type RecordKey,
} from '../../test/helpers/factories.ts';
import { startTestControlPlane } from '../../test/helpers/controlPlane.ts';
import { openTestStore, type TestStore } from '../../test/helpers/testStore.ts';
import { DEAD_LETTER_REASONS } from './constants.ts';
import { createIngestHandler } from './handler.ts';
import { IngestKeyCache } from './ingestKeyCache.ts';

/** The PII recognizer for names throws on texts holding this: a detector failure at ingest. */
const { NAME_POISON } = vi.hoisted(() => ({
  NAME_POISON: 'this text breaks the name recognizer',
}));

vi.mock('../detect/pii/recognizeNames.ts', async (importOriginal) => {
  const { throwingOn } = await import('../../test/helpers/throwingOn.ts');
  return throwingOn(
    await importOriginal<typeof import('../detect/pii/recognizeNames.ts')>(),
    'recognizeNames',
    NAME_POISON,
    () => new Error('name recognizer failed'),
  );
});

/** Fresh values each run; a failing run names its seed, and LEAK_ORACLE_SEED replays it. */
const SEED = Number(process.env.LEAK_ORACLE_SEED ?? randomInt(2 ** 31));
const random = seededRandom(SEED);
const secretFactory = new SecretFactory(SEED);
const vault = vaultFromMasterKey(Buffer.from(hex(32), 'hex'));
const context = { awsRequestId: 'leak-oracle', getRemainingTimeInMillis: () => 60_000 } as Context;

// ---------------------------------------------------------------------------------------------
// Planted values

const KINDS = [
  { kind: 'email', type: 'EMAIL', category: 'pii' },
  { kind: 'phone', type: 'PHONE_NUMBER', category: 'pii' },
  { kind: 'card', type: 'CREDIT_CARD', category: 'pii' },
  { kind: 'iban', type: 'IBAN', category: 'pii' },
  { kind: 'ssn', type: 'US_SSN', category: 'pii' },
  { kind: 'ip', type: 'IP_ADDRESS', category: 'pii' },
  { kind: 'aws', type: 'AWS_ACCESS_KEY_ID', category: 'secret' },
  { kind: 'github', type: 'GITHUB_TOKEN', category: 'secret' },
  { kind: 'jwt', type: 'JWT', category: 'secret' },
  { kind: 'stripe', type: 'STRIPE_API_KEY', category: 'secret' },
] as const;
type Kind = (typeof KINDS)[number]['kind'];
type ValueSet = Record<Kind, string>;

function luhnCard(): string {
  const body = `4${Array.from({ length: 14 }, () => Math.floor(random() * 10)).join('')}`;
  let sum = 0;
  for (let index = 0; index < body.length; index += 1) {
    let digit = Number(body[body.length - 1 - index]);
    if (index % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return `${body}${(10 - (sum % 10)) % 10}`.replace(/(\d{4})(?=\d)/g, '$1 ');
}

const MAKERS: Record<Kind, () => string> = {
  email: () => `lk${hex(5)}.okafor@example.com`,
  phone: () => makeUsPhone(random),
  card: luhnCard,
  iban: () => makeIban(random, true),
  ssn: () => makeSsn(random, true),
  ip: () => makeIpv4(random, true),
  aws: () => secretFactory.awsAccessKeyId(),
  github: () => secretFactory.githubToken(),
  jwt: () => secretFactory.jwt(),
  stripe: () => secretFactory.stripeKey(),
};

/** The sentence every scanned slot holds: each value next to words that name it. */
function sentence(values: ValueSet): string {
  return (
    `Write to ${values.email} or call phone ${values.phone}. Card number ${values.card}, ` +
    `IBAN ${values.iban}, SSN ${values.ssn}, server ip ${values.ip}. ` +
    `aws_access_key_id=${values.aws} github token ${values.github} ` +
    `Authorization: Bearer ${values.jwt} stripe key ${values.stripe}`
  );
}

/** Whether the detectors find `value` in `text` as one finding of `type` (or it is not there). */
function detectedAs(text: string, value: string, type: string): boolean {
  const [findings] = detectSensitiveTexts([text]);
  const start = text.indexOf(value);
  if (start < 0) return true;
  return (findings ?? []).some(
    (finding) =>
      finding.type === type && finding.start <= start && finding.end >= start + value.length,
  );
}

/**
 * A fresh value of each kind, drawn again until the detectors find it where `place` puts it:
 * the oracle tests redaction and storage, so it plants only values the detectors catch there.
 */
function freshValues(place: (values: ValueSet) => string = sentence): ValueSet {
  const values = Object.fromEntries(KINDS.map(({ kind }) => [kind, MAKERS[kind]()])) as ValueSet;
  for (const { kind, type } of KINDS) {
    for (let attempt = 0; !detectedAs(place(values), values[kind], type); attempt += 1) {
      if (attempt > 50) throw new Error(`no detectable ${kind} value in 50 attempts`);
      values[kind] = MAKERS[kind]();
    }
  }
  return values;
}

/** The ways a value could show in stored or logged text: as sent, and its digits alone. */
function needlesOf(value: string): string[] {
  const needles = new Set([value.toLowerCase(), value.replace(/\s+/g, '').toLowerCase()]);
  const digits = value.replace(/\D/g, '');
  if (digits.length >= 9 && digits.length >= value.replace(/[\s().+-]/g, '').length)
    needles.add(digits);
  return [...needles];
}

interface Planted {
  /** Where it was planted: `<case> / <slot>`. */
  where: string;
  kind: Kind;
  type: string;
  value: string;
  /** The project's policy keeps it readable. */
  kept: boolean;
}

const planted: Planted[] = [];

interface Project {
  label: string;
  key: RecordKey;
  policy: unknown;
  /** Whether its policy keeps a type readable (the malformed one acts as the default). */
  keeps: (type: string, category: 'pii' | 'secret') => boolean;
}

function plant(
  project: Project | undefined,
  where: string,
  values: ValueSet,
  kinds: readonly Kind[] = KINDS.map(({ kind }) => kind),
): ValueSet {
  for (const { kind, type, category } of KINDS.filter(({ kind }) => kinds.includes(kind)))
    planted.push({
      where,
      kind,
      type,
      value: values[kind],
      kept: project?.keeps(type, category) ?? false,
    });
  return values;
}

/** A media link holding an e-mail address, an AWS key and a card number (unspaced). */
const mediaUri = (values: ValueSet): string =>
  `https://files.example.com/get?owner=${values.email}&key=${values.aws}&card=${values.card.replace(/ /g, '')}`;

/** A score's categorical value holding four kinds. */
const categoricalValue = (values: ValueSet): string =>
  `email ${values.email}; phone ${values.phone}; card ${values.card}; key ${values.aws}`;

/** Values for identifier fields, which are not scanned by design (docs/detection.md). */
interface Identifier {
  where: string;
  value: string;
}
const identifiers: Identifier[] = [];

function identifier(where: string): string {
  const value = `id${hex(5)}.${where.replace(/\W/g, '').slice(-12).toLowerCase()}@example.com`;
  identifiers.push({ where, value });
  return value;
}

// ---------------------------------------------------------------------------------------------
// Spans with a value set in every slot

/**
 * A span with planted values in every scanned slot and identifiers in the unscanned fields.
 * `repeat` is a value set planted in several spans and traces (placeholder and hash equality).
 */
function richSpan(
  project: Project | undefined,
  label: string,
  overrides: Partial<SpanItemInput> = {},
  repeat?: ValueSet,
): SpanItemInput {
  const at = (slot: string) => sentence(plant(project, `${label} / ${slot}`, freshValues()));
  const uriValues = plant(project, `${label} / media uri`, freshValues(mediaUri), [
    'email',
    'aws',
    'card',
  ]);
  const jsonArguments = at('tool call arguments (JSON text)');
  return buildSpan({
    name: `chat ${identifier(`${label} name`)}`,
    status: { code: 'error', message: at('status message') },
    errorType: identifier(`${label} errorType`),
    responseId: identifier(`${label} responseId`),
    serverAddress: identifier(`${label} serverAddress`),
    release: identifier(`${label} release`),
    userId: identifier(`${label} userId`),
    sessionId: identifier(`${label} sessionId`),
    tags: [identifier(`${label} tag`)],
    request: { stopSequences: [identifier(`${label} stopSequence`)] },
    systemInstructions: [
      { type: 'text', content: at('system text') },
      { type: 'reasoning', content: at('system reasoning') },
    ],
    inputMessages: [
      {
        role: 'user',
        name: identifier(`${label} participant name`),
        parts: [
          {
            type: 'text',
            content: `${at('input text')}${repeat ? ` Again: ${sentence(repeat)}` : ''}`,
          },
          {
            type: 'media',
            mimeType: 'image/png',
            uri: mediaUri(uriValues),
          },
        ],
      },
      {
        role: 'tool',
        parts: [
          {
            type: 'tool_call_response',
            id: identifier(`${label} tool result id`),
            response: {
              result: at('tool result'),
              nested: { list: [at('tool result (nested)')] },
              [identifier(`${label} tool result key`)]: 'ok',
            },
          },
        ],
      },
    ],
    outputMessages: [
      {
        role: 'assistant',
        finishReason: 'stop',
        parts: [
          {
            type: 'text',
            content: `${at('output text')}${repeat ? ` Once more: ${sentence(repeat)}` : ''}`,
          },
          { type: 'reasoning', content: at('output reasoning') },
          {
            type: 'tool_call',
            id: identifier(`${label} tool call id`),
            name: identifier(`${label} tool call name`),
            arguments: { to: at('tool call arguments'), priority: 1 },
          },
          {
            type: 'tool_call',
            name: 'lookup',
            arguments: JSON.stringify({ query: jsonArguments }),
          },
        ],
      },
    ],
    tool: { name: identifier(`${label} tool name`), callId: identifier(`${label} tool callId`) },
    prompt: {
      name: identifier(`${label} prompt name`),
      version: 3,
      variables: {
        customer: at('prompt variable'),
        [identifier(`${label} prompt variable name`)]: 'x',
      },
    },
    metadata: {
      note: at('metadata value'),
      [identifier(`${label} metadata key`)]: 'ok',
    },
    ...overrides,
  });
}

function scoreFor(project: Project | undefined, label: string, traceId: string) {
  const comment = sentence(plant(project, `${label} / score comment`, freshValues()));
  const value = plant(
    project,
    `${label} / score categorical value`,
    freshValues(categoricalValue),
    ['email', 'phone', 'card', 'aws'],
  );
  return buildScore({
    traceId,
    name: identifier(`${label} score name`),
    userId: identifier(`${label} score userId`),
    comment,
    value: categoricalValue(value),
  });
}

// ---------------------------------------------------------------------------------------------
// The run

const POLICIES: Array<{
  label: string;
  policy: unknown;
  keeps: Project['keeps'];
}> = [
  { label: 'default (no policy)', policy: undefined, keeps: () => false },
  {
    label: 'mask',
    policy: { pii: { default: 'mask' }, secrets: 'mask', retainOriginals: true },
    keeps: () => false,
  },
  {
    label: 'hash',
    policy: { pii: { default: 'hash' }, secrets: 'hash' },
    keeps: () => false,
  },
  {
    label: 'keep',
    policy: { pii: { default: 'keep' }, secrets: 'keep', retainOriginals: true },
    keeps: () => true,
  },
  {
    label: 'mixed',
    policy: {
      pii: { default: 'hash', types: { EMAIL: 'keep', PHONE_NUMBER: 'mask' } },
      secrets: 'mask',
      retainOriginals: true,
    },
    keeps: (type) => type === 'EMAIL',
  },
  {
    label: 'malformed (falls back to the default)',
    policy: { pii: { default: 'shred' }, secrets: 'keep', retainOriginals: true },
    keeps: () => false,
  },
];

let store: TestStore;
let controlPlane: Awaited<ReturnType<typeof startTestControlPlane>>;
const projects = new Map<string, Project>();
/** Per policy: the value set repeated across spans and traces, and where it went. */
const repeats = new Map<
  string,
  { values: ValueSet; spans: Array<{ trace: string; span: string }> }
>();
/** Every table of the database, as JSONEachRow text. */
const dumps = new Map<string, string>();
/** Everything the run wrote to the console, stdout and stderr. */
const written: string[] = [];
const restorers: Array<() => void> = [];
let deadLetterSequences: Map<string, string>;
/** The edge-case spans with withheld text: a detector failure, tool payloads past the limits. */
let withheldSpans: string[] = [];
let edgeProjectId: string;
let batchFailures: unknown[] = [];

function captureOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const spy = vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      return true;
    });
    restorers.push(() => spy.mockRestore());
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      written.push(args.map((arg) => (typeof arg === 'string' ? arg : String(arg))).join(' '));
    });
    restorers.push(() => spy.mockRestore());
  }
  const warning = vi.spyOn(process, 'emitWarning').mockImplementation((...args: unknown[]) => {
    written.push(args.map(String).join(' '));
  });
  restorers.push(() => warning.mockRestore());
}

async function newProject(label: string, policy: unknown, keeps: Project['keeps']) {
  const projectId = `p-${hex(6)}`;
  await controlPlane.projects.putProject({
    projectId,
    name: projectId,
    retentionDays: 30,
    ...(policy === undefined ? {} : { policy }),
  });
  const key = await controlPlane.projects.createIngestKey(projectId);
  const project: Project = {
    label,
    key: { projectId, keyId: key.keyId, secret: key.secret },
    policy,
    keeps,
  };
  projects.set(label, project);
  return project;
}

async function dumpDatabase(): Promise<void> {
  const tables = await store.client.query({
    query: `SELECT name, engine FROM system.tables WHERE database = currentDatabase()
            AND engine NOT IN ('MaterializedView', 'View') ORDER BY name`,
    format: 'JSONEachRow',
  });
  for (const { name } of await tables.json<{ name: string; engine: string }>()) {
    const result = await store.client.query({
      query: `SELECT * FROM ${name}`,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_escape_forward_slashes: 0 },
    });
    dumps.set(name, await result.text());
  }
  // The engine's own records of errors and queries, where they exist: its messages can quote
  // row content.
  const system = await store.client.query({
    query: `SELECT name FROM system.tables WHERE database = 'system'
            AND name IN ('errors', 'query_log', 'text_log', 'part_log', 'processes')`,
    format: 'JSONEachRow',
  });
  for (const { name } of await system.json<{ name: string }>()) {
    const result = await store.client.query({
      query: `SELECT * FROM system.${name}`,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_escape_forward_slashes: 0 },
    });
    dumps.set(`system.${name}`, await result.text());
  }
}

beforeAll(async () => {
  store = await openTestStore('pii-leak-oracle');
  controlPlane = await startTestControlPlane();
  const records = [];

  // One project per policy: two spans of one trace and one of another, repeating one value
  // set; a score on the first trace.
  for (const { label, policy, keeps } of POLICIES) {
    const project = await newProject(label, policy, keeps);
    const repeat = plant(project, `${label} / repeated values`, freshValues());
    const [first, second] = [hex(16), hex(16)];
    const spans = [
      richSpan(project, `${label} / span 1`, { traceId: first }, repeat),
      richSpan(project, `${label} / span 2`, { traceId: first }, repeat),
      richSpan(project, `${label} / span 3`, { traceId: second }, repeat),
    ];
    repeats.set(label, {
      values: repeat,
      spans: spans.map((span) => ({ trace: span.traceId, span: span.spanId })),
    });
    records.push(
      buildKinesisRecord(
        buildRecordData([spans[0]!, spans[1]!, scoreFor(project, label, first)], project.key),
      ),
      buildKinesisRecord(buildRecordData([spans[2]!], project.key, { gzip: true })),
    );
  }

  // Edge cases, under the default policy.
  const edge = await newProject('edge cases', undefined, () => false);
  const failing = buildSpan({
    inputMessages: [
      {
        role: 'user',
        parts: [
          {
            type: 'text',
            content: `${sentence(plant(edge, 'detector failure / input text', freshValues()))} ${NAME_POISON}`,
          },
        ],
      },
    ],
  });
  withheldSpans = [failing.spanId];
  let deep: unknown = sentence(plant(edge, 'tool payload deeper than scanned', freshValues()));
  for (let level = 0; level < 70; level += 1) deep = { down: deep };
  const wide = Array.from({ length: 4_100 }, (_, index) => `item ${index}`);
  wide.push(sentence(plant(edge, 'tool payload past the scanned strings', freshValues())));
  const limits = buildSpan({
    outputMessages: [
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', name: 'deep', arguments: deep },
          { type: 'tool_call', name: 'wide', arguments: { list: wide } },
        ],
      },
    ],
  });
  withheldSpans.push(limits.spanId);
  edgeProjectId = edge.key.projectId;
  records.push(buildKinesisRecord(buildRecordData([failing, limits], edge.key)));

  // Dead letters: each bad record carries its own values, none of which may be readable.
  const bad = (label: string) => richSpan(undefined, `dead letter: ${label}`);
  const month = 31 * 24 * 3_600_000;
  const sprawling = Array.from({ length: 120 }, (_, index) => {
    const start = Date.UTC(2015, 0, 15) + index * month;
    // A few of them carry values: enough to see, few enough to search for quickly.
    const text =
      index % 40 === 0
        ? sentence(
            plant(undefined, `dead letter: rejected by store / span ${index}`, freshValues()),
          )
        : `Answer ${index}.`;
    return buildSpan({
      startTime: start,
      endTime: start + 10,
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: text }] }],
    });
  });
  const huge = bad('record too large');
  huge.metadata = { ...huge.metadata, padding: 'x'.repeat(WIRE_LIMITS.maxRecordBytes) };
  const badCases: Array<[string, Buffer]> = [
    [DEAD_LETTER_REASONS.recordTooLarge, buildRecordData([huge], edge.key)],
    [
      DEAD_LETTER_REASONS.badJson,
      buildRecordData([], edge.key, {
        itemsText: JSON.stringify([bad('bad JSON')]).slice(0, -3),
      }),
    ],
    [
      DEAD_LETTER_REASONS.badSignature,
      buildRecordData([bad('bad signature')], { ...edge.key, secret: 'x'.repeat(43) }),
    ],
    [
      DEAD_LETTER_REASONS.unknownKey,
      buildRecordData([bad('unknown key')], { ...edge.key, keyId: 'ik_missing' }),
    ],
    [
      DEAD_LETTER_REASONS.schemaViolation,
      buildRecordData([{ ...bad('invalid span'), kind: 'not-a-kind' }], edge.key),
    ],
    [
      DEAD_LETTER_REASONS.schemaViolation,
      buildRecordData(
        [
          richSpan(edge, 'dead letter: valid span beside an invalid one'),
          {
            ...bad('invalid span beside a valid one'),
            endTime: 0,
            name: 'x'.repeat(300),
            metadata: { [identifier('dead letter: overlong metadata key') + 'x'.repeat(300)]: 1 },
          },
        ],
        edge.key,
      ),
    ],
    [DEAD_LETTER_REASONS.rejectedByStore, buildRecordData(sprawling, edge.key)],
  ];
  // Header fields are read before anything is verified: a version that is a card number, a
  // project id that is an e-mail address.
  const header = plant(undefined, 'dead letter: envelope header', freshValues(), ['card', 'email']);
  const unspacedCard = header.card.replace(/ /g, '');
  plant(undefined, 'dead letter: envelope header (unspaced)', { ...header, card: unspacedCard }, [
    'card',
  ]);
  const headerCases: Array<[string, Buffer]> = [
    [
      DEAD_LETTER_REASONS.unsupportedVersion,
      buildRecordData([buildSpan()], edge.key, { header: { v: unspacedCard as unknown as 1 } }),
    ],
    [
      DEAD_LETTER_REASONS.badEnvelope,
      buildRecordData([buildSpan()], edge.key, { header: { projectId: header.email } }),
    ],
  ];
  badCases.push(...headerCases);
  // The partition key is the producer's choice too: one may key records by a user.
  const keyedBy = plant(undefined, 'dead letter: partition key', freshValues(), ['email']);
  const badRecords = badCases.map(([, data], index) =>
    buildKinesisRecord(data, index === 0 ? { partitionKey: keyedBy.email } : {}),
  );
  deadLetterSequences = new Map(
    badCases.map(([reason], index) => [badRecords[index]!.kinesis.sequenceNumber, reason]),
  );
  records.push(...badRecords);

  captureOutput();
  const logger = new Logger({ serviceName: 'pii-leak-oracle', logLevel: 'DEBUG' });
  const keys = new IngestKeyCache(controlPlane.projects, { ttlSeconds: 60 });
  const handler = createIngestHandler(async () => ({
    clickhouse: store.client,
    keys,
    vault,
    logger,
  }));
  try {
    const response = await handler(buildKinesisEvent(records), context);
    batchFailures = response.batchItemFailures;
  } finally {
    for (const restore of restorers.splice(0)) restore();
  }
  await dumpDatabase();
}, 240_000);

afterAll(async () => {
  for (const restore of restorers.splice(0)) restore();
  await store?.close();
  await controlPlane?.close();
});

// ---------------------------------------------------------------------------------------------
// Reading the results

/** Every table's dump in lower case, read once: the needles are lower case too. */
let lowerDumps: Map<string, string> | undefined;

/** The tables and columns a needle shows in, e.g. `spans.input_messages`. */
function placesOf(needles: readonly string[]): string[] {
  lowerDumps ??= new Map([...dumps].map(([table, dump]) => [table, dump.toLowerCase()]));
  const places = new Set<string>();
  for (const [table, lower] of lowerDumps) {
    if (!needles.some((needle) => lower.includes(needle))) continue;
    for (const line of dumps.get(table)!.split('\n')) {
      const lowerLine = line.toLowerCase();
      if (!needles.some((needle) => lowerLine.includes(needle))) continue;
      const row = JSON.parse(line) as Record<string, unknown>;
      for (const [column, cell] of Object.entries(row)) {
        const text = (typeof cell === 'string' ? cell : JSON.stringify(cell)).toLowerCase();
        if (needles.some((needle) => text.includes(needle))) places.add(`${table}.${column}`);
      }
    }
  }
  return [...places].sort();
}

const logText = () => written.join('\n').toLowerCase();

async function spanTexts(projectId: string): Promise<Map<string, string>> {
  const result = await store.client.query({
    query: `SELECT span_id, input_messages, output_messages FROM spans
            WHERE project_id = {projectId:String}`,
    query_params: { projectId },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    span_id: string;
    input_messages: string;
    output_messages: string;
  }>();
  return new Map(rows.map((row) => [row.span_id, row.input_messages + row.output_messages]));
}

/** Tables holding what a span or score row holds (identifiers, text, previews), or parts of it. */
const SPAN_CONTENT_TABLES = new Set([
  'spans',
  'span_documents',
  'scores',
  'trace_details',
  'trace_keys',
  'trace_summaries',
  'trace_list_rows',
  'trace_list_documents',
  'user_metrics_hourly',
  'span_metrics_minutely',
  'span_metrics_hourly',
  'span_metrics_daily',
  'span_metrics_project_hourly',
  'span_tag_metrics_minutely',
  'span_tag_metrics_hourly',
  'span_tag_metrics_daily',
]);

describe(`the PII leak oracle (seed ${SEED})`, () => {
  it('ran the batch, read every table, and captured the log', () => {
    expect(batchFailures).toEqual([]);
    expect(planted.length).toBeGreaterThan(3_000);
    expect(dumps.has('spans')).toBe(true);
    expect(dumps.has('pii_originals')).toBe(true);
    expect(dumps.has('dead_letters')).toBe(true);
    expect(dumps.has('system.errors')).toBe(true);
    expect(written.join('')).toContain('batch processed');
    for (const project of projects.values()) {
      expect(dumps.get('spans')).toContain(project.key.projectId);
    }
  });

  it('finds kept values where the keep policy put them (the oracle can see plaintext)', () => {
    const kept = planted.filter((value) => value.kept);
    expect(kept.length).toBeGreaterThan(0);
    const unseen = kept.filter(
      (value) =>
        !placesOf(needlesOf(value.value)).some(
          (place) => place.startsWith('spans.') || place.startsWith('scores.'),
        ),
    );
    expect(unseen.map((value) => `${value.where}: ${value.kind}`)).toEqual([]);
  });

  it('stores no redacted value readable in any table, under any policy', () => {
    const leaks = planted
      .filter((value) => !value.kept)
      .flatMap((value) => {
        const places = placesOf(needlesOf(value.value));
        return places.length === 0 ? [] : [`${value.where}: ${value.kind} in ${places.join(', ')}`];
      });
    expect(leaks).toEqual([]);
  });

  it('keeps kept values out of the originals vault, findings, eval scores and dead letters', async () => {
    // With `retainOriginals`, only masked and hashed values are sealed: a kept one is in the text.
    const originals = await store.client.query({
      query: 'SELECT count() AS rows FROM pii_originals WHERE project_id = {projectId:String}',
      query_params: { projectId: projects.get('keep')!.key.projectId },
      format: 'JSONEachRow',
    });
    const [counted] = await originals.json<{ rows: string | number }>();
    expect(Number(counted?.rows)).toBe(0);
    const misplaced = planted
      .filter((value) => value.kept)
      .flatMap((value) =>
        placesOf(needlesOf(value.value))
          .filter((place) => !SPAN_CONTENT_TABLES.has(place.split('.')[0]!))
          .map((place) => `${value.where}: ${value.kind} in ${place}`),
      );
    expect(misplaced).toEqual([]);
  });

  it('holds identifier fields (documented as not scanned) to the identifier tables', () => {
    const misplaced = identifiers.flatMap((id) =>
      placesOf(needlesOf(id.value))
        .filter((place) => !SPAN_CONTENT_TABLES.has(place.split('.')[0]!))
        .map((place) => `${id.where} in ${place}`),
    );
    expect(misplaced).toEqual([]);
  });

  it('writes no planted value or identifier to the console, stdout or stderr', () => {
    const log = logText();
    const logged = [
      ...planted
        .filter((value) => needlesOf(value.value).some((needle) => log.includes(needle)))
        .map((value) => `${value.where}: ${value.kind}`),
      ...identifiers.filter((id) => log.includes(id.value)).map((id) => id.where),
    ];
    expect(logged).toEqual([]);
  });

  it('dead-letters every bad record with its reason, the raw record sealed', async () => {
    const result = await store.client.query({
      query: `SELECT sequence_number, reason, detail, claimed_project_id, raw_base64 FROM dead_letters
              WHERE sequence_number IN {sequences:Array(String)}`,
      query_params: { sequences: [...deadLetterSequences.keys()] },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{
      sequence_number: string;
      reason: string;
      detail: string;
      raw_base64: string;
    }>();
    const reasons = new Map(rows.map((row) => [row.sequence_number, row.reason]));
    expect(Object.fromEntries(reasons)).toEqual(Object.fromEntries(deadLetterSequences));
    for (const row of rows) expect(row.raw_base64.startsWith('sealed:v1:')).toBe(true);
  });

  it('withholds text a detector failed on or past the tool payload limits, marking spans partial', async () => {
    const result = await store.client.query({
      query: `SELECT span_id, input_messages, output_messages, enrichment_status FROM spans
              WHERE project_id = {projectId:String} AND span_id IN {spanIds:Array(String)}`,
      query_params: { projectId: edgeProjectId, spanIds: withheldSpans },
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<string, string>>();
    expect(rows).toHaveLength(withheldSpans.length);
    for (const row of rows) {
      expect(row.enrichment_status).toBe('partial');
      expect(row.input_messages! + row.output_messages!).toContain(UNSCANNED_TEXT_MARKER);
    }
  });

  it('hashes with a keyed HMAC per project: equal values give equal tags, not a plain SHA-256', async () => {
    const hash = projects.get('hash')!;
    const { values, spans } = repeats.get('hash')!;
    const texts = await spanTexts(hash.key.projectId);
    const hashKey = vault.hashKeyFor(hash.key.projectId);
    for (const { kind, type } of KINDS) {
      const tag = hashTag(hashKey, type, values[kind]);
      // The same value in two spans of one trace and in another trace: one tag everywhere.
      for (const { span } of spans) expect(texts.get(span), `${kind} in ${span}`).toContain(tag);
      const shown = tag.slice(tag.indexOf('#') + 1, -1);
      for (const unkeyed of [values[kind], `${type}\u0000${values[kind]}`]) {
        expect(createHash('sha256').update(unkeyed).digest('hex').slice(0, 12)).not.toBe(shown);
      }
      // Another project's key gives another tag for the same value.
      expect(hashTag(vault.hashKeyFor('another-project'), type, values[kind])).not.toBe(tag);
    }
    // Every tag in the project's text is one of its planted values' HMACs: nothing unkeyed.
    const tags = new Set(
      [...texts.values()].flatMap((text) => text.match(/\[[A-Z_]+#[0-9a-f]{12}\]/g) ?? []),
    );
    const expected = new Set(
      planted
        .filter((value) => value.where.startsWith('hash /'))
        // A card is planted spaced, and unspaced in a media link.
        .flatMap((value) =>
          [value.value, value.value.replace(/ /g, '')].map((text) =>
            hashTag(hashKey, value.type, text),
          ),
        ),
    );
    expect([...tags].filter((tag) => !expected.has(tag))).toEqual([]);
  });

  it.each(['mask', 'mixed'])(
    'seals the originals of redacted values under the %s policy, opening only for their place',
    async (label) => {
      const project = projects.get(label)!;
      const result = await store.client.query({
        query: `SELECT * FROM pii_originals WHERE project_id = {projectId:String}`,
        query_params: { projectId: project.key.projectId },
        format: 'JSONEachRow',
      });
      const rows = await result.json<Record<string, string | number>>();
      const opened = new Set<string>();
      for (const row of rows) {
        const aad = [
          row.project_id,
          row.trace_id,
          row.span_id,
          row.field,
          row.message_index,
          row.part_index,
          row.start,
        ].join('\n');
        const envelope = {
          ciphertext: String(row.ciphertext),
          iv: String(row.iv),
          authTag: String(row.auth_tag),
          wrappedKey: String(row.wrapped_key),
          keyRef: String(row.key_ref),
        };
        opened.add(await openEnvelope(vault.keys, envelope, aad));
        await expect(openEnvelope(vault.keys, envelope, `${aad}0`)).rejects.toThrow();
      }
      // Every redacted value of the project's span slots has its sealed original (scores
      // keep none: their findings are not stored).
      const missing = planted
        .filter(
          (value) =>
            value.where.startsWith(`${label} /`) && !value.kept && !value.where.includes('score'),
        )
        // A media link holds its card number unspaced.
        .filter((value) => !opened.has(value.value) && !opened.has(value.value.replace(/ /g, '')));
      expect(missing.map((value) => `${value.where}: ${value.kind}`)).toEqual([]);
    },
  );
});

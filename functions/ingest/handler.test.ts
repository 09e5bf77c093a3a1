/**
 * The ingest handler against real engines: the embedded ClickHouse (chDB) and dynalite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIRE_LIMITS, frameRecord, signItems } from '@sightline/sdk/contract';
import { parseServerEnv } from '../config/env.ts';
import { openEmbeddedClickHouse, type EmbeddedClickHouse } from '../store/clickhouseClient.ts';
import { startClickHouseHttpServer } from '../../infra/local/clickhouse/ClickHouseHttpServer.ts';
import { listDeadLetters } from '../store/deadLettersRepository.ts';
import { runMigrations } from '../store/migrate.ts';
import { countSpans } from '../store/spansRepository.ts';
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
import { DEAD_LETTER_REASONS } from './constants.ts';
import { createIngestHandler, type IngestHandler } from './handler.ts';
import { IngestKeyCache } from './ingestKeyCache.ts';
import { vaultFromMasterKey } from '../enrich/loadVault.ts';
import { openRecord, SEALED_RECORD_PREFIX } from '../enrich/originalsVault.ts';
import { recordAad } from './prepareIngestBatch.ts';
import { randomBytes as vaultKeyBytes } from 'node:crypto';

const testVault = vaultFromMasterKey(vaultKeyBytes(32));

const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;
const logger = new Logger({ serviceName: 'ingest-test', logLevel: 'SILENT' });

let home: string;
let embedded: EmbeddedClickHouse;
let clickhouse: ClickHouseClient;
let controlPlane: Awaited<ReturnType<typeof startTestControlPlane>>;
let handler: IngestHandler;

function handlerWith(client: ClickHouseClient): IngestHandler {
  const keys = new IngestKeyCache(controlPlane.projects, { ttlSeconds: 60 });
  return createIngestHandler(async () => ({ clickhouse: client, keys, vault: testVault, logger }));
}

async function newProject(): Promise<RecordKey> {
  const projectId = `p-${hex(6)}`;
  await controlPlane.projects.putProject({ projectId, name: projectId, retentionDays: 30 });
  const key = await controlPlane.projects.createIngestKey(projectId);
  return { projectId, keyId: key.keyId, secret: key.secret };
}

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-ingest-'));
  embedded = await openEmbeddedClickHouse(parseServerEnv({ SIGHTLINE_HOME: home }));
  clickhouse = embedded.client;
  await runMigrations(clickhouse);
  controlPlane = await startTestControlPlane();
  handler = handlerWith(clickhouse);
});

afterAll(async () => {
  await clickhouse?.close();
  await controlPlane?.close();
  rmSync(home, { recursive: true, force: true });
});

/** The dashboards' rollup tiers: per minute, and the hourly, daily and per-project ones. */
const ROLLUP_TIERS = ['minutely', 'hourly', 'daily', 'project_hourly'] as const;

/** Requests each rollup tier counts for a project, in ROLLUP_TIERS order. */
async function rollupRequests(projectId: string): Promise<number[]> {
  const counts: number[] = [];
  for (const tier of ROLLUP_TIERS) {
    const rollup = await clickhouse.query({
      query: `SELECT sum(requests) AS requests FROM span_metrics_${tier}
        WHERE project_id = {projectId:String}`,
      query_params: { projectId },
      format: 'JSONEachRow',
    });
    const [row] = await rollup.json<{ requests: number | string }>();
    counts.push(Number(row?.requests ?? 0));
  }
  return counts;
}

describe('ingest handler', () => {
  it('stores every span of plain and gzip records, of contract v2 and v1, in one invocation', async () => {
    // Prepare
    const key = await newProject();
    const spans = Array.from({ length: 36 }, () => buildSpan());
    const event = buildKinesisEvent([
      buildKinesisRecord(buildRecordData(spans.slice(0, 10), key)),
      buildKinesisRecord(buildRecordData(spans.slice(10, 30), key, { gzip: true })),
      buildKinesisRecord(buildRecordData([buildScore({ traceId: spans[0]!.traceId })], key)),
      // Producers still on contract v1: signed over the uncompressed items, compressed whole.
      buildKinesisRecord(buildRecordData(spans.slice(30, 33), key, { version: 1 })),
      buildKinesisRecord(buildRecordData(spans.slice(33), key, { version: 1, gzip: true })),
    ]);
    // Act
    const response = await handler(event, context);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await countSpans(clickhouse, { projectId: key.projectId })).toBe(36);
    const stored = await clickhouse.query({
      query: `SELECT trace_id, request_model, input_tokens, output_text, start_time FROM spans FINAL
              WHERE project_id = {projectId:String} AND span_id = {spanId:String}`,
      query_params: { projectId: key.projectId, spanId: spans[3]!.spanId },
      format: 'JSONEachRow',
    });
    expect(await stored.json()).toEqual([
      expect.objectContaining({
        trace_id: spans[3]!.traceId,
        request_model: 'gpt-4o-mini',
        // Locations are personal data under the default policy: masked, numbered per trace.
        output_text: expect.stringMatching(/^\[LOCATION_\d\]\.$/),
      }),
    ]);
  });

  it('leaves counts unchanged when the same batch is delivered again', async () => {
    const key = await newProject();
    const event = buildKinesisEvent([
      buildKinesisRecord(buildRecordData([buildSpan(), buildSpan()], key)),
      buildKinesisRecord(buildRecordData([buildSpan()], key, { gzip: true })),
      buildKinesisRecord(Buffer.from('not a record')),
    ]);
    await handler(event, context);
    await handler(event, context);
    await handler(event, context);
    expect(await countSpans(clickhouse, { projectId: key.projectId })).toBe(3);
    // The dashboards' rollups (fed by materialized views, the hourly, daily and per-project
    // tiers chained on the per-minute one) skip the redelivered inserts too.
    expect(await rollupRequests(key.projectId)).toEqual(ROLLUP_TIERS.map(() => 3));
    const sequence = event.Records[2]!.kinesis.sequenceNumber;
    expect(await listDeadLetters(clickhouse, { sequenceNumbers: [sequence] })).toHaveLength(1);
  });

  it('dead-letters every kind of bad record with its reason while storing the good ones', async () => {
    // Prepare
    const key = await newProject();
    const revoked = await controlPlane.projects.createIngestKey(key.projectId);
    await controlPlane.projects.revokeIngestKey(key.projectId, revoked.keyId);
    const good = [buildSpan(), buildSpan()];
    const validBeside = buildSpan();
    const huge = Buffer.alloc(WIRE_LIMITS.maxRecordBytes + 1, 0x20);
    const cases: [string, Buffer][] = [
      [DEAD_LETTER_REASONS.recordTooLarge, huge],
      [
        DEAD_LETTER_REASONS.badEncoding,
        Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('garbage')]),
      ],
      [DEAD_LETTER_REASONS.badEnvelope, Buffer.from('[{"type":"span"}]')],
      [DEAD_LETTER_REASONS.badJson, Buffer.from('{not json\n[]')],
      [DEAD_LETTER_REASONS.badJson, buildRecordData([], key, { itemsText: '[{"type":' })],
      [
        DEAD_LETTER_REASONS.unsupportedVersion,
        buildRecordData([buildSpan()], key, { header: { v: 9 as 1 } }),
      ],
      [
        DEAD_LETTER_REASONS.unknownProject,
        buildRecordData([buildSpan()], { ...key, projectId: `p-${hex(6)}` }),
      ],
      [
        DEAD_LETTER_REASONS.unknownKey,
        buildRecordData([buildSpan()], { ...key, keyId: 'ik_missing' }),
      ],
      [
        DEAD_LETTER_REASONS.revokedKey,
        buildRecordData([buildSpan()], { ...key, keyId: revoked.keyId, secret: revoked.secret }),
      ],
      [
        DEAD_LETTER_REASONS.badSignature,
        buildRecordData([buildSpan()], { ...key, secret: 'x'.repeat(43) }),
      ],
      [
        DEAD_LETTER_REASONS.schemaViolation,
        buildRecordData([{ type: 'span', traceId: 'nope' }], key),
      ],
      [DEAD_LETTER_REASONS.schemaViolation, buildRecordData([validBeside, { type: 'bogus' }], key)],
      [
        DEAD_LETTER_REASONS.schemaViolation,
        buildRecordData([], key, { itemsText: '{"not":"an array"}' }),
      ],
    ];
    const badRecords = cases.map(([, data]) => buildKinesisRecord(data));
    const goodRecord = buildKinesisRecord(buildRecordData(good, key, { gzip: true }));
    const event = buildKinesisEvent([badRecords[0]!, goodRecord, ...badRecords.slice(1)]);

    // Act
    const response = await handler(event, context);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await countSpans(clickhouse, { projectId: key.projectId })).toBe(3);
    const deadLetters = await listDeadLetters(clickhouse, {
      sequenceNumbers: badRecords.map((record) => record.kinesis.sequenceNumber),
    });
    const bySequence = new Map(deadLetters.map((row) => [row.sequence_number, row]));
    cases.forEach(([reason], index) => {
      const record = badRecords[index]!;
      const row = bySequence.get(record.kinesis.sequenceNumber);
      expect(row, `dead letter for ${reason}`).toBeDefined();
      expect(row).toMatchObject({
        reason,
        shard_id: 'shardId-000000000000',
        stream_arn: record.eventSourceARN,
      });
      expect(row!.raw_base64.startsWith(SEALED_RECORD_PREFIX)).toBe(true);
      expect(row!.detail.length).toBeGreaterThan(0);
    });
    // Sealed raw records open with the vault's key, bound to their place in the stream.
    const first = badRecords[0]!;
    const sealed = bySequence.get(first.kinesis.sequenceNumber)!.raw_base64;
    expect(await openRecord(testVault.keys, sealed, recordAad(first))).toBe(first.kinesis.data);
    await expect(openRecord(testVault.keys, sealed, recordAad(badRecords[1]!))).rejects.toThrow(
      /does not open/,
    );
  });

  it("checks a v2 record's signature, and a v1 record's project and key, before it decompresses anything", async () => {
    // Prepare: records whose items bytes are gzip that does not decompress, or inflates past
    // the 64 MiB cap, each signed with the right key or a wrong one; and v1 records compressed
    // as a whole that inflate past the cap, naming a key that does not exist or the right one.
    const key = await newProject();
    const record = (payload: Buffer, secret = key.secret, version: 1 | 2 = 2) =>
      frameRecord(
        {
          v: version,
          sdk: { name: 'test-sdk', version: '0' },
          projectId: key.projectId,
          keyId: key.keyId,
          sig: signItems(secret, key.projectId, key.keyId, payload, version),
        },
        payload,
      );
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not deflate')]);
    const bomb = gzipSync(Buffer.alloc(65 * WIRE_LIMITS.maxRecordBytes), { level: 9 });
    const spansV2 = gzipSync(JSON.stringify([buildSpan()]));
    const itemsV1 = Buffer.from(JSON.stringify([buildSpan()]));
    const v1Bomb = (keyId: string) =>
      gzipSync(
        Buffer.concat([
          Buffer.from(
            `${JSON.stringify({ v: 1, sdk: { name: 't', version: '0' }, projectId: key.projectId, keyId, sig: 'a'.repeat(64) })}\n[`,
          ),
          Buffer.alloc(65 * WIRE_LIMITS.maxRecordBytes, 0x20),
        ]),
        { level: 9 },
      );
    const cases: [string, Buffer, RegExp][] = [
      [DEAD_LETTER_REASONS.badSignature, record(corrupt, 'x'.repeat(43)), /signature/],
      [DEAD_LETTER_REASONS.badSignature, record(bomb, 'x'.repeat(43)), /signature/],
      [DEAD_LETTER_REASONS.badEncoding, record(corrupt), /gzip decoding of the items failed/],
      [DEAD_LETTER_REASONS.badEncoding, record(bomb), /gzip decoding of the items failed/],
      // A v2 header inside a record compressed as a whole.
      [DEAD_LETTER_REASONS.badEncoding, gzipSync(record(spansV2)), /never the whole record/],
      // v1 signs the uncompressed items: v1 items sent compressed are not JSON.
      [DEAD_LETTER_REASONS.badJson, record(spansV2, key.secret, 1), /v1 compresses the whole/],
      // Were a v1 record inflated before its header is checked, both would be `bad_encoding`.
      [DEAD_LETTER_REASONS.unknownKey, v1Bomb('ik_missing'), /does not exist/],
      [DEAD_LETTER_REASONS.badEncoding, v1Bomb(key.keyId), /inflates past the 64 MiB cap/],
      [DEAD_LETTER_REASONS.badSignature, gzipSync(record(itemsV1, 'x'.repeat(43), 1)), /HMAC/],
    ];
    const records = cases.map(([, data]) => buildKinesisRecord(data));
    const good = buildSpan();
    // Act
    const response = await handler(
      buildKinesisEvent([
        ...records,
        buildKinesisRecord(buildRecordData([good], key, { gzip: true })),
      ]),
      context,
    );
    // Assess
    expect(bomb.length).toBeLessThan(WIRE_LIMITS.maxRecordBytes);
    expect(response.batchItemFailures).toEqual([]);
    expect(await countSpans(clickhouse, { projectId: key.projectId })).toBe(1);
    const rows = await listDeadLetters(clickhouse, {
      sequenceNumbers: records.map((r) => r.kinesis.sequenceNumber),
    });
    const bySequence = new Map(rows.map((row) => [row.sequence_number, row]));
    cases.forEach(([reason, , detail], index) => {
      const row = bySequence.get(records[index]!.kinesis.sequenceNumber);
      expect(row, `case ${index}`).toMatchObject({ reason, claimed_project_id: key.projectId });
      expect(row!.detail).toMatch(detail);
    });
  });

  it('refuses v1 records without decompressing them when v1 is no longer accepted', async () => {
    // Prepare: a handler of an ingest whose operator set SIGHTLINE_ACCEPT_CONTRACT_V1=false; a
    // v1 record sent plain, one compressed as a whole that would inflate past the 64 MiB cap,
    // and a v2 record of the same project.
    const key = await newProject();
    const keys = new IngestKeyCache(controlPlane.projects, { ttlSeconds: 60 });
    const v2Only = createIngestHandler(async () => ({
      clickhouse,
      keys,
      vault: testVault,
      logger,
      acceptContractV1: false,
    }));
    const v1Bomb = gzipSync(Buffer.alloc(65 * WIRE_LIMITS.maxRecordBytes, 0x20), { level: 9 });
    const refused = [
      buildKinesisRecord(buildRecordData([buildSpan()], key, { version: 1 })),
      buildKinesisRecord(v1Bomb),
    ];
    // Act
    const response = await v2Only(
      buildKinesisEvent([...refused, buildKinesisRecord(buildRecordData([buildSpan()], key))]),
      context,
    );
    // Assess: only the v2 span is stored; both v1 records are dead letters saying why, the one
    // compressed as a whole refused as such (were it inflated, it would read as bad_encoding).
    expect(response.batchItemFailures).toEqual([]);
    expect(await countSpans(clickhouse, { projectId: key.projectId })).toBe(1);
    const rows = await listDeadLetters(clickhouse, {
      sequenceNumbers: refused.map((r) => r.kinesis.sequenceNumber),
    });
    const bySequence = new Map(rows.map((row) => [row.sequence_number, row]));
    expect(bySequence.get(refused[0]!.kinesis.sequenceNumber)).toMatchObject({
      reason: DEAD_LETTER_REASONS.unsupportedVersion,
      claimed_project_id: key.projectId,
      detail: 'contract version 1 is not supported (expected 2)',
    });
    expect(bySequence.get(refused[1]!.kinesis.sequenceNumber)).toMatchObject({
      reason: DEAD_LETTER_REASONS.unsupportedVersion,
      detail: expect.stringMatching(/compressed as a whole is contract v1/),
    });
  });

  it('stores a span whose strings hold lone UTF-16 surrogates, with U+FFFD in their place', async () => {
    const key = await newProject();
    const brokenEmoji = 'cut 😀'.slice(0, -1);
    const span = buildSpan({
      name: brokenEmoji,
      userId: `\udc00${brokenEmoji}`,
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: brokenEmoji }] }],
      metadata: { [brokenEmoji]: brokenEmoji },
    });
    const neighbour = buildSpan();
    const response = await handler(
      buildKinesisEvent([
        buildKinesisRecord(buildRecordData([span], key)),
        buildKinesisRecord(buildRecordData([neighbour], key)),
      ]),
      context,
    );
    expect(response.batchItemFailures).toEqual([]);
    const result = await clickhouse.query({
      query:
        'SELECT name, user_id, input_text FROM spans FINAL WHERE project_id = {projectId:String} AND span_id = {spanId:String}',
      query_params: { projectId: key.projectId, spanId: span.spanId },
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([
      { name: 'cut \ufffd', user_id: '\ufffdcut \ufffd', input_text: 'cut \ufffd' },
    ]);
    expect(await countSpans(clickhouse, { projectId: key.projectId })).toBe(2);
  });

  it('dead-letters a record ClickHouse refuses as a whole, and stores the rest of the batch', async () => {
    // Prepare: one record spans 120 months; a single insert may touch at most 100 partitions.
    const key = await newProject();
    const month = 31 * 24 * 3_600_000;
    const sprawling = Array.from({ length: 120 }, (_, index) => {
      const start = Date.UTC(2015, 0, 15) + index * month;
      return buildSpan({ startTime: start, endTime: start + 10 });
    });
    const goodRecords = Array.from({ length: 3 }, () =>
      buildKinesisRecord(buildRecordData([buildSpan(), buildSpan()], key)),
    );
    const poison = buildKinesisRecord(buildRecordData(sprawling, key));
    // Act
    const response = await handler(
      buildKinesisEvent([goodRecords[0]!, poison, ...goodRecords.slice(1)]),
      context,
    );
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await countSpans(clickhouse, { projectId: key.projectId })).toBe(6);
    const [row] = await listDeadLetters(clickhouse, {
      sequenceNumbers: [poison.kinesis.sequenceNumber],
    });
    expect(row).toMatchObject({
      reason: DEAD_LETTER_REASONS.rejectedByStore,
      claimed_project_id: key.projectId,
    });
    expect(await openRecord(testVault.keys, row!.raw_base64, recordAad(poison))).toBe(
      poison.kinesis.data,
    );
    expect(row!.detail).toContain('252');
  });

  it('retries, and does not dead-letter, a batch ClickHouse refuses because merges lag (too many parts)', async () => {
    // Prepare: "Too many parts" shares error code 252 with "too many partitions for one insert",
    // but it is overload, not bad data. Merges stopped and a threshold of one part make it
    // happen on the next insert into spans.
    const key = await newProject();
    await handler(
      buildKinesisEvent([buildKinesisRecord(buildRecordData([buildSpan()], key))]),
      context,
    );
    const record = buildKinesisRecord(buildRecordData([buildSpan(), buildSpan()], key));
    const event = buildKinesisEvent([record]);
    await clickhouse.command({ query: 'SYSTEM STOP MERGES spans' });
    await clickhouse.command({
      query: 'ALTER TABLE spans MODIFY SETTING parts_to_throw_insert = 1',
    });
    let during: Awaited<ReturnType<IngestHandler>>;
    try {
      // Act
      during = await handler(event, context);
    } finally {
      await clickhouse.command({ query: 'ALTER TABLE spans RESET SETTING parts_to_throw_insert' });
      await clickhouse.command({ query: 'SYSTEM START MERGES spans' });
    }
    const deadLettered = await listDeadLetters(clickhouse, {
      sequenceNumbers: [record.kinesis.sequenceNumber],
    });
    const after = await handler(event, context);
    // Assess
    expect(during.batchItemFailures).toEqual([{ itemIdentifier: record.kinesis.sequenceNumber }]);
    expect(deadLettered).toEqual([]);
    expect(after.batchItemFailures).toEqual([]);
    expect(await countSpans(clickhouse, { projectId: key.projectId })).toBe(3);
  });

  it('counts a span once when a failed record is retried with the records after it', async () => {
    // Prepare: only the middle record has a finding (an email address); the findings table
    // refuses inserts for a while (merges lag), so that record alone fails.
    const key = await newProject();
    const plain = (text: string) =>
      buildSpan({
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Say it.' }] }],
        outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: text }] }],
      });
    const [before, failing, after] = [
      buildKinesisRecord(buildRecordData([plain('One.')], key)),
      buildKinesisRecord(buildRecordData([plain('Mail jane.doe@example.com.')], key)),
      buildKinesisRecord(buildRecordData([plain('Three.')], key)),
    ];
    // At least one part in findings (another project's, so this one's counts are untouched).
    const other = buildKinesisRecord(buildRecordData([plain('a@example.com')], await newProject()));
    await handler(buildKinesisEvent([other]), context);
    await clickhouse.command({ query: 'SYSTEM STOP MERGES findings' });
    await clickhouse.command({
      query: 'ALTER TABLE findings MODIFY SETTING parts_to_throw_insert = 1',
    });
    let first: Awaited<ReturnType<IngestHandler>>;
    try {
      // Act: the event source retries from the lowest failed record, with every record after it.
      first = await handler(buildKinesisEvent([before, failing, after]), context);
    } finally {
      await clickhouse.command({
        query: 'ALTER TABLE findings RESET SETTING parts_to_throw_insert',
      });
      await clickhouse.command({ query: 'SYSTEM START MERGES findings' });
    }
    const retried = await handler(buildKinesisEvent([failing, after]), context);
    // Assess
    expect(first.batchItemFailures.map((failure) => failure.itemIdentifier)).toContain(
      failing.kinesis.sequenceNumber,
    );
    expect(retried.batchItemFailures).toEqual([]);
    expect(await countSpans(clickhouse, { projectId: key.projectId })).toBe(3);
    expect(await rollupRequests(key.projectId)).toEqual(ROLLUP_TIERS.map(() => 3));
  });

  it('keeps personal data out of dead-letter details', async () => {
    const key = await newProject();
    const span = { ...buildSpan(), userId: 'jane.doe@example.com', kind: 'not-a-kind' };
    const record = buildKinesisRecord(buildRecordData([span], key));
    await handler(buildKinesisEvent([record]), context);
    const [row] = await listDeadLetters(clickhouse, {
      sequenceNumbers: [record.kinesis.sequenceNumber],
    });
    expect(row?.reason).toBe(DEAD_LETTER_REASONS.schemaViolation);
    expect(row?.detail).toContain('kind');
    expect(row?.detail).not.toContain('jane.doe@example.com');
  });

  it('reports every record as failed (to be retried) when ClickHouse is unreachable, then stores them', async () => {
    // Prepare
    const key = await newProject();
    const unreachable = createClient({ url: 'http://127.0.0.1:9', request_timeout: 2_000 });
    const event = buildKinesisEvent([
      buildKinesisRecord(buildRecordData([buildSpan()], key)),
      buildKinesisRecord(buildRecordData([buildSpan(), buildSpan()], key)),
      buildKinesisRecord(gzipSync(Buffer.from('bad'))),
    ]);
    // Act
    const during = await handlerWith(unreachable)(event, context);
    const after = await handler(event, context);
    // Assess
    expect(during.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      event.Records.map((record) => record.kinesis.sequenceNumber),
    );
    expect(after.batchItemFailures).toEqual([]);
    expect(await countSpans(clickhouse, { projectId: key.projectId })).toBe(3);
    await unreachable.close();
  });

  it('drops its cached dependencies when ClickHouse refuses the credentials (a rotated password)', async () => {
    // Prepare
    const key = await newProject();
    const server = await startClickHouseHttpServer({
      engine: embedded.engine,
      auth: { username: 'ingest', password: 'rotated-password' },
    });
    const stale = createClient({ url: server.url, username: 'ingest', password: 'old-password' });
    let resets = 0;
    const keys = new IngestKeyCache(controlPlane.projects, { ttlSeconds: 60 });
    const withStaleCredentials = createIngestHandler(async () => ({
      clickhouse: stale,
      keys,
      vault: testVault,
      logger,
      reset: () => (resets += 1),
    }));
    const event = buildKinesisEvent([buildKinesisRecord(buildRecordData([buildSpan()], key))]);
    // Act
    const response = await withStaleCredentials(event, context);
    // Assess
    expect(response.batchItemFailures).toHaveLength(1);
    expect(resets).toBe(1);
    await stale.close();
    await server.close();
  });
});

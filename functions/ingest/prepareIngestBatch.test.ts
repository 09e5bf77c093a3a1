/**
 * What a batch stores does not depend on how its work is scheduled: spans are enriched in
 * groups of ENRICH_GROUP_SPANS in the records' order, and placeholders are numbered per trace
 * across groups and in record order, even when an earlier record's key lookup finishes last.
 * Real key cache on dynalite, real vault; prepareIngestBatch does no ClickHouse I/O.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanItemInput } from '@sightline/sdk/contract';
import {
  buildKinesisRecord,
  buildRecordData,
  buildSpan,
  hex,
  type RecordKey,
} from '../../test/helpers/factories.ts';
import { startTestControlPlane } from '../../test/helpers/controlPlane.ts';
import { vaultFromMasterKey } from '../enrich/loadVault.ts';
import { IngestKeyCache } from './ingestKeyCache.ts';
import {
  ENRICH_GROUP_SPANS,
  prepareIngestBatch,
  storedPartitionKey,
} from './prepareIngestBatch.ts';

const vault = vaultFromMasterKey(randomBytes(32));
let controlPlane: Awaited<ReturnType<typeof startTestControlPlane>>;
let keys: IngestKeyCache;
let projectId: string;
let first: RecordKey;
let second: RecordKey;

beforeAll(async () => {
  controlPlane = await startTestControlPlane();
  keys = new IngestKeyCache(controlPlane.projects, { ttlSeconds: 60 });
  projectId = `p-${hex(6)}`;
  await controlPlane.projects.putProject({ projectId, name: projectId, retentionDays: 30 });
  const keyOf = async (): Promise<RecordKey> => {
    const key = await controlPlane.projects.createIngestKey(projectId);
    return { projectId, keyId: key.keyId, secret: key.secret };
  };
  first = await keyOf();
  second = await keyOf();
}, 60_000);

afterAll(async () => {
  await controlPlane?.close();
});

function spanIn(traceId: string, question: string): SpanItemInput {
  return buildSpan({
    traceId,
    inputMessages: [{ role: 'user', parts: [{ type: 'text', content: question }] }],
    outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Noted.' }] }],
  });
}

function record(spans: SpanItemInput[], key: RecordKey) {
  return buildKinesisRecord(buildRecordData(spans, key, { gzip: true }));
}

const inputOf = (row: { input_messages: string }) =>
  (JSON.parse(row.input_messages) as { parts: { content: string }[] }[])[0]!.parts[0]!.content;

describe('prepareIngestBatch', () => {
  it('numbers a trace’s placeholders across enrichment groups as one sequence', async () => {
    const traceId = hex(16);
    const filler = (count: number) =>
      Array.from({ length: count }, (_, index) => spanIn(hex(16), `Question ${index}?`));
    const perRecord = Math.ceil(ENRICH_GROUP_SPANS / 2);
    const records = [
      record([spanIn(traceId, 'Mail ann@example.com'), ...filler(perRecord - 1)], first),
      record(filler(perRecord), first),
      // Enriched in the next group: the trace's numbering goes on from the first group.
      record(
        [spanIn(traceId, 'Mail bob@example.com or ann@example.com'), ...filler(perRecord - 1)],
        first,
      ),
    ];

    const batch = await prepareIngestBatch(records, keys, Date.now(), vault);

    expect(batch.spans).toHaveLength(3 * perRecord);
    expect(batch.deadLetters).toEqual([]);
    const traceRows = batch.spans.filter((row) => row.trace_id === traceId);
    expect(traceRows.map(inputOf)).toEqual(['Mail [EMAIL_1]', 'Mail [EMAIL_2] or [EMAIL_1]']);
    // Every span of every group was enriched: each has its eval scores.
    const scored = new Set(batch.evalScores.map((row) => row.span_id));
    expect(batch.spans.every((row) => scored.has(row.span_id))).toBe(true);
  });

  it('numbers placeholders in record order when an earlier record’s key lookup finishes last', async () => {
    const traceId = hex(16);
    const slowFirstKey = {
      resolve: async (project: string, keyId: string) => {
        if (keyId === first.keyId) await sleep(50);
        return keys.resolve(project, keyId);
      },
    } as IngestKeyCache;
    const records = [
      record([spanIn(traceId, 'Mail carol@example.com')], first),
      record([spanIn(traceId, 'Mail dave@example.com')], second),
    ];

    const batch = await prepareIngestBatch(records, slowFirstKey, Date.now(), vault);

    expect(batch.spans.map(inputOf)).toEqual(['Mail [EMAIL_1]', 'Mail [EMAIL_2]']);
  });

  it('redacts the free text of scores and media links by the policy, numbered in their trace', async () => {
    const traceId = hex(16);
    const span = buildSpan({
      traceId,
      inputMessages: [
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'Mail ann@example.com' },
            {
              type: 'media',
              mimeType: 'image/png',
              uri: 'https://files.example.com/u/bob@example.com/id.png?key=AKIAIOSFODNN7QWERTYU',
            },
          ],
        },
      ],
    });
    const score = {
      type: 'score',
      scoreId: hex(8),
      traceId,
      name: 'feedback',
      value: 'reach me at ann@example.com',
      comment: 'Wrong. Call me on +1 415 555 2671 or ann@example.com, card 4111 1111 1111 1111',
      timestamp: Date.now(),
    };
    const records = [record([span, score as unknown as SpanItemInput], first)];

    const batch = await prepareIngestBatch(records, keys, Date.now(), vault);

    expect(batch.deadLetters).toEqual([]);
    const stored = JSON.stringify(batch.spans[0]!.input_messages);
    expect(stored).not.toContain('bob@example.com');
    expect(stored).not.toContain('AKIAIOSFODNN7QWERTYU');
    expect(batch.scores).toHaveLength(1);
    expect(batch.scores[0]!.comment).toBe(
      'Wrong. Call me on [PHONE_NUMBER_1] or [EMAIL_1], card [CREDIT_CARD_1]',
    );
    expect(batch.scores[0]!.string_value).toBe('reach me at [EMAIL_1]');
  });
});

describe('storedPartitionKey', () => {
  it.each([
    ['the SDK’s hex key', '9f86d081884c7d65', '9f86d081884c7d65'],
    ['a UUID', '123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-12d3-a456-426614174000'],
    ['an e-mail address', 'jane.doe@example.com', '(withheld: 20 characters)'],
    ['a phone number (digits only)', '4155552671', '(withheld: 10 characters)'],
    ['a name', 'Jane Doe', '(withheld: 8 characters)'],
  ])('keeps only an id-like key: %s', (_case, key, stored) => {
    expect(storedPartitionKey(key)).toBe(stored);
  });
});

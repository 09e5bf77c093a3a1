/**
 * The SDK's Kinesis transport and tracer against a real kinesalite.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOSTILE_SPAN_NAMES,
  REFUSED_SCORE_VALUES,
  buildScore,
  hostileSpanValues,
  oversizeSpanValues,
} from '../../../test/helpers/factories.ts';
import {
  createStreamAndWait,
  createTestKinesisClient,
  readStreamRecords,
  startKinesalite,
  uniqueStreamName,
  type KinesaliteServer,
} from '../../../test/helpers/kinesalite.ts';
import {
  EnvelopeHeaderSchema,
  ItemSchema,
  isGzip,
  isValidSignature,
  splitRecord,
  type Item,
  type ItemInput,
} from '../contract/index.ts';
import { createSdkKinesisClient } from '../config.ts';
import { init } from '../index.ts';
import { Sightline } from '../Sightline.ts';
import type { SpanAttributes } from '../SpanHandle.ts';
import type { ExportThread } from './BatchExporter.ts';
import { ItemsDroppedError } from './errors.ts';
import { KinesisTransport } from './KinesisTransport.ts';

const signer = {
  projectId: 'acme',
  keyId: 'ik_test1',
  secret: 's'.repeat(43),
  sdk: { name: 'test', version: '1' },
};

let kinesalite: KinesaliteServer;
let reader: KinesisClient;

beforeAll(async () => {
  kinesalite = await startKinesalite();
  reader = createTestKinesisClient(kinesalite.endpoint);
});

afterAll(async () => {
  reader?.destroy();
  await kinesalite?.close();
});

/**
 * Every record on a stream, in order: its items' bytes, after checking header and signature
 * and that the items were compressed (the default) or not.
 */
async function readRecordItemsBytes(streamName: string, compressed = true): Promise<Buffer[]> {
  const records: Buffer[] = [];
  for (const record of await readStreamRecords(reader, streamName)) {
    // Contract v2: a header line never compressed, then the items, signed as sent.
    const parts = splitRecord(Buffer.from(record.Data!))!;
    const header = EnvelopeHeaderSchema.parse(JSON.parse(parts.headerText));
    expect(header.v).toBe(2);
    expect(isGzip(parts.itemsBytes)).toBe(compressed);
    expect(isValidSignature(signer.secret, header, parts.itemsBytes)).toBe(true);
    records.push(isGzip(parts.itemsBytes) ? gunzipSync(parts.itemsBytes) : parts.itemsBytes);
  }
  return records;
}

/** Reads every item on a stream as JSON data, checking each record's header and signature. */
async function readRawItems(streamName: string, compressed = true): Promise<unknown[]> {
  return (await readRecordItemsBytes(streamName, compressed)).flatMap(
    (itemsBytes) => JSON.parse(itemsBytes.toString()) as unknown[],
  );
}

/** Reads and decodes every item on a stream, checking each record's signature. */
async function readItems(streamName: string): Promise<Item[]> {
  return (await readRawItems(streamName)).map((item) => ItemSchema.parse(item));
}

/** A small score item: the cheapest valid item to fill a queue with. */
function scoreItem(scoreId: string): ItemInput {
  return {
    type: 'score',
    scoreId,
    traceId: 'a'.repeat(32),
    name: 'n',
    value: 1,
    timestamp: Date.now(),
  };
}

function sdkFor(
  streamName: string,
  exportThread: ExportThread,
  options: Partial<Parameters<typeof init>[0]> = {},
) {
  return init({
    projectId: signer.projectId,
    ingestKeyId: signer.keyId,
    ingestKey: signer.secret,
    streamName,
    endpoint: kinesalite.endpoint,
    flushOnExit: false,
    exportThread,
    ...options,
  });
}

function transportFor(
  streamName: string,
  exportThread: ExportThread,
  endpoint = kinesalite.endpoint,
  options: Partial<ConstructorParameters<typeof KinesisTransport>[0]> = {},
) {
  return new KinesisTransport({
    kinesis: { endpoint },
    exportThread,
    streamName,
    signer,
    ...options,
  });
}

const threadOf = (sightline: Sightline) => (sightline.transport as KinesisTransport).exportThread;

describe('KinesisTransport', () => {
  it('exports on the calling thread with a client object it is given, and delivers', async () => {
    // Prepare
    const streamName = uniqueStreamName('sdk');
    await createStreamAndWait(reader, streamName, 1);
    const client = createSdkKinesisClient({ endpoint: kinesalite.endpoint });
    const transport = new KinesisTransport({ client, streamName, signer });
    // Act
    transport.enqueue(scoreItem('given-client'));
    await transport.shutdown();
    // Assess
    expect(transport.exportThread).toBe('main');
    expect((await readItems(streamName)).map((item) => item.type)).toEqual(['score']);
    expect(transport.stats()).toMatchObject({ queued: 0, sent: 1, dropped: 0 });
    client.destroy();
  });
});

describe.each<ExportThread>(['worker', 'main'])(
  'KinesisTransport exporting on the %s thread',
  (exportThread) => {
    it('delivers every span, aggregated into a few signed records, with parents linked', async () => {
      // Prepare
      const streamName = uniqueStreamName('sdk');
      await createStreamAndWait(reader, streamName, 2);
      const sightline = sdkFor(streamName, exportThread);
      // Act
      const traceIds: string[] = [];
      for (let index = 0; index < 250; index += 1) {
        await sightline.trace('request', { userId: `u${index}` }, async (root) => {
          traceIds.push(root.traceId);
          await Promise.all([
            sightline.span('retrieve', { kind: 'retrieval' }, async () => undefined),
            sightline.span('chat', { kind: 'llm', requestModel: 'gpt-4o-mini' }, async (span) => {
              span.update({ usage: { inputTokens: 10, outputTokens: 2 } });
            }),
          ]);
        });
      }
      await sightline.shutdown();
      // Assess
      const items = await readItems(streamName);
      expect(items).toHaveLength(750);
      expect(sightline.stats()).toMatchObject({ queued: 0, sent: 750, dropped: 0 });
      expect(threadOf(sightline)).toBe(exportThread);
      const spans = items.filter((item) => item.type === 'span');
      const roots = spans.filter((span) => !span.parentSpanId);
      expect(new Set(roots.map((span) => span.traceId))).toEqual(new Set(traceIds));
      for (const child of spans.filter((span) => span.parentSpanId)) {
        const parent = roots.find((root) => root.spanId === child.parentSpanId);
        expect(parent?.traceId).toBe(child.traceId);
      }
    });

    it('sends the items uncompressed, still signed, when gzip is off', async () => {
      const streamName = uniqueStreamName('sdk');
      await createStreamAndWait(reader, streamName, 1);
      const sightline = sdkFor(streamName, exportThread, { gzip: false });
      for (let index = 0; index < 40; index += 1)
        await sightline.span('plain', { metadata: { index } }, async () => undefined);
      await sightline.shutdown();
      const items = await readRawItems(streamName, false);
      expect(items.map((item) => (item as { metadata: { index: number } }).metadata.index)).toEqual(
        Array.from({ length: 40 }, (_, index) => index),
      );
    });

    it('packs a steady stream of spans into records of about a record’s worth each, not a full one and a remainder', async () => {
      // Prepare: LLM spans of ~1.45 KB of JSON, ending one per event-loop turn as a service's
      // calls do. 200 of them (the item bound) would be a full record and a small remainder.
      const streamName = uniqueStreamName('sdk');
      await createStreamAndWait(reader, streamName, 1);
      const transport = transportFor(streamName, exportThread, kinesalite.endpoint, {
        flushIntervalMs: 3_600_000,
      });
      const content = 'The parcel left the warehouse this morning; it arrives on Friday. '.repeat(
        20,
      );
      const startTime = Date.now();
      // Act
      for (let index = 0; index < 600; index += 1) {
        transport.enqueue({
          type: 'span',
          traceId: (index + 1).toString(16).padStart(32, '0'),
          spanId: (index + 1).toString(16).padStart(16, '0'),
          name: 'chat',
          kind: 'llm',
          startTime,
          endTime: startTime + 1,
          requestModel: 'gpt-4o-mini',
          inputMessages: [{ role: 'user', parts: [{ type: 'text', content }] }],
          usage: { inputTokens: 420, outputTokens: 96 },
        });
        await new Promise((resolve) => setImmediate(resolve));
      }
      await transport.shutdown();
      // Assess: every record but the last is at least half the 256 KiB record target.
      const records = await readRecordItemsBytes(streamName);
      const itemCounts = records.map(
        (itemsBytes) => (JSON.parse(itemsBytes.toString()) as unknown[]).length,
      );
      expect(itemCounts.reduce((sum, count) => sum + count, 0)).toBe(600);
      const sizes = records.map((itemsBytes) => itemsBytes.length);
      expect(sizes.slice(0, -1).filter((size) => size < 128 * 1_024)).toEqual([]);
    });

    it('keeps every span’s metadata when new keys arrive batch after batch', async () => {
      // Prepare: small batches, each bringing metadata keys the batches before it did not have
      // (the worker is sent only the new part of the key table each time).
      const streamName = uniqueStreamName('sdk');
      await createStreamAndWait(reader, streamName, 1);
      const sightline = new Sightline({
        transport: transportFor(streamName, exportThread, kinesalite.endpoint, {
          maxBatchItems: 3,
        }),
        flushOnExit: false,
      });
      // Act
      for (let index = 0; index < 30; index += 1) {
        sightline
          .startSpan(`span-${index}`, { metadata: { [`key${index}`]: index, shared: 's' } })
          .end();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await sightline.shutdown();
      // Assess
      const spans = (await readItems(streamName)).filter((item) => item.type === 'span');
      expect(spans).toHaveLength(30);
      for (const span of spans) {
        const index = Number(span.name.slice('span-'.length));
        expect(span.metadata).toEqual({ [`key${index}`]: index, shared: 's' });
      }
    });

    it('sends what hostile input gives as items the contract accepts, refusing only what it must', async () => {
      // Prepare
      const streamName = uniqueStreamName('sdk');
      await createStreamAndWait(reader, streamName, 1);
      const errors: unknown[] = [];
      const sightline = sdkFor(streamName, exportThread, {
        onError: (error) => errors.push(error),
      });
      const attributes = [...hostileSpanValues(), ...oversizeSpanValues()];
      // Act
      for (const [label, values] of attributes)
        sightline.startSpan(label, values as SpanAttributes).end();
      for (const name of HOSTILE_SPAN_NAMES) sightline.startSpan(name as string).end();
      sightline.startSpan('times', {}, { startTime: 1_700_000_000 }).end(undefined, 5e12);
      const scored = sightline.startSpan('scored');
      scored.end();
      for (const value of REFUSED_SCORE_VALUES) sightline.score(scored, 'rating', value as number);
      sightline.score(scored, '', 'x'.repeat(5_000), 42 as unknown as string);
      await sightline.shutdown();
      // Assess
      const items = await readRawItems(streamName);
      const refusals = items.flatMap((item) => {
        const parsed = ItemSchema.safeParse(item);
        return parsed.success ? [] : [{ item, issues: parsed.error.issues }];
      });
      expect(refusals).toEqual([]);
      const sentSpans = attributes.length + HOSTILE_SPAN_NAMES.length + 2;
      expect(items).toHaveLength(sentSpans + 1);
      expect(sightline.stats()).toMatchObject({
        queued: 0,
        sent: sentSpans + 1,
        dropped: REFUSED_SCORE_VALUES.length,
      });
      const dropped = errors.filter((error) => error instanceof ItemsDroppedError);
      expect(dropped.reduce((count, error) => count + error.count, 0)).toBe(
        REFUSED_SCORE_VALUES.length,
      );
      expect(errors.length).toBe(dropped.length);
    });

    it('records a thrown error on the span and re-throws it unchanged', async () => {
      const streamName = uniqueStreamName('sdk');
      await createStreamAndWait(reader, streamName, 1);
      const sightline = sdkFor(streamName, exportThread);
      const failure = new TypeError('boom');
      await expect(sightline.trace('fails', async () => Promise.reject(failure))).rejects.toBe(
        failure,
      );
      expect(() =>
        sightline.trace('fails sync', () => {
          throw failure;
        }),
      ).toThrow(failure);
      await sightline.shutdown();
      const spans = (await readItems(streamName)).filter((item) => item.type === 'span');
      expect(spans.map((span) => [span.status.code, span.errorType, span.status.message])).toEqual([
        ['error', 'TypeError', 'boom'],
        ['error', 'TypeError', 'boom'],
      ]);
    });

    it('truncates oversize content with a marker instead of dropping it', async () => {
      const streamName = uniqueStreamName('sdk');
      await createStreamAndWait(reader, streamName, 1);
      const transport = transportFor(streamName, exportThread);
      const huge = 'x'.repeat(3_000_000);
      transport.enqueue({
        type: 'span',
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        name: 'big',
        startTime: Date.now(),
        endTime: Date.now(),
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: huge }] }],
      });
      await transport.shutdown();
      const [span] = await readItems(streamName);
      expect(span?.type).toBe('span');
      const content = span?.type === 'span' ? span.inputMessages?.[0]?.parts[0] : undefined;
      expect(content?.type === 'text' && content.content).toMatch(
        /…\[sightline: truncated \d+ characters\]$/,
      );
      expect(span?.type === 'span' && span.truncated).toBe(true);
      expect(transport.stats()).toMatchObject({ sent: 1, dropped: 0, truncated: 1 });
    });

    it('sends oversize values of any shape truncated, without evicting the turn’s other spans', async () => {
      // Prepare: a byte bound smaller than the big values, as 32 MiB is to a 34 MB one.
      const streamName = uniqueStreamName('sdk');
      await createStreamAndWait(reader, streamName, 1);
      const errors: unknown[] = [];
      const sightline = sdkFor(streamName, exportThread, {
        maxQueueBytes: 2 * 1_048_576,
        onError: (error) => errors.push(error),
      });
      const rows = Array.from({ length: 60_000 }, (_, id) => ({ id, name: `row${id}` }));
      // Act: small spans and three huge ones, all ended in the same turn.
      for (let index = 0; index < 100; index += 1) sightline.startSpan(`small-${index}`).end();
      sightline.startSpan('big-metadata', { metadata: { blob: 'm'.repeat(3_000_000) } }).end();
      sightline
        .startSpan('big-prompt', {
          inputMessages: [
            { role: 'user', parts: [{ type: 'text', content: 'p'.repeat(3_000_000) }] },
          ],
        })
        .end();
      sightline
        .startSpan('big-tool-result', {
          inputMessages: [
            { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: rows }] },
          ],
        })
        .end();
      await sightline.shutdown();
      // Assess
      const spans = (await readItems(streamName)).filter((item) => item.type === 'span');
      expect(spans).toHaveLength(103);
      expect(sightline.stats()).toMatchObject({ sent: 103, dropped: 0, truncated: 3 });
      expect(errors).toEqual([]);
      const byName = new Map(spans.map((span) => [span.name, span]));
      expect(byName.get('big-metadata')?.metadata?.blob).toMatch(
        /^m+…\[sightline: truncated \d+ characters\]$/,
      );
      expect(JSON.stringify(byName.get('big-prompt')?.inputMessages)).toMatch(
        /p…\[sightline: truncated \d+ characters\]/,
      );
      expect(JSON.stringify(byName.get('big-tool-result')?.inputMessages)).toMatch(
        /more entries truncated\]"\]/,
      );
      for (const name of ['big-metadata', 'big-prompt', 'big-tool-result'])
        expect(byName.get(name)?.truncated, name).toBe(true);
    });

    it('reports what the full buffer drops to onError, counted', async () => {
      // Prepare: nothing listens, so nothing leaves the buffer.
      const errors: unknown[] = [];
      const transport = transportFor('nowhere', exportThread, 'http://127.0.0.1:9', {
        maxQueueItems: 10,
        maxRetries: 0,
        flushIntervalMs: 3_600_000,
        onError: (error) => errors.push(error),
      });
      // Act
      for (let index = 0; index < 25; index += 1) transport.enqueue(scoreItem(`s${index}`));
      await new Promise((resolve) => setImmediate(resolve));
      // Assess
      expect(transport.stats()).toMatchObject({ queued: 10, dropped: 15 });
      const dropped = errors.filter((error) => error instanceof ItemsDroppedError);
      expect(dropped.map((error) => [error.code, error.count])).toEqual([
        ['SIGHTLINE_ITEMS_DROPPED', 15],
      ]);
      await transport.shutdown();
    });

    it('refuses an item the contract cannot take on its drain, counted and reported, never sent', async () => {
      // Prepare: nothing listens, so what is not refused stays queued.
      const errors: unknown[] = [];
      const transport = transportFor('nowhere', exportThread, 'http://127.0.0.1:9', {
        maxRetries: 0,
        flushIntervalMs: 3_600_000,
        onError: (error) => errors.push(error),
      });
      // Act
      transport.enqueue(buildScore({ value: NaN }));
      transport.enqueue(() => buildScore({ traceId: 'not-hex' }));
      transport.enqueue(scoreItem('kept'));
      // One turn builds the items, the next reports what was dropped while building.
      for (let turn = 0; turn < 2; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      // Assess
      expect(transport.stats()).toMatchObject({ queued: 1, dropped: 2 });
      const dropped = errors.filter((error) => error instanceof ItemsDroppedError);
      expect(dropped).toHaveLength(1);
      expect(dropped[0]?.count).toBe(2);
      expect(dropped[0]?.message).toMatch(/wire contract refuses it: a score value must be/);
      expect(dropped[0]?.message).toMatch(/wire contract refuses it: a score needs the id/);
      await transport.shutdown();
    });

    it('never throws, stays bounded and counts drops when the stream is unreachable', async () => {
      // Prepare: nothing listens on port 9.
      const transport = transportFor('nowhere', exportThread, 'http://127.0.0.1:9', {
        maxQueueItems: 100,
        maxRetries: 1,
        retryBaseMs: 1,
        retryMaxMs: 2,
      });
      // Act
      for (let index = 0; index < 1_000; index += 1) transport.enqueue(scoreItem(`s${index}`));
      const queuedAtPeak = transport.stats().queued;
      await transport.shutdown();
      // Assess
      expect(queuedAtPeak).toBeLessThanOrEqual(100);
      expect(transport.stats()).toMatchObject({ queued: 0, sent: 0, dropped: 1_000 });
      expect(transport.stats().retried).toBeGreaterThan(0);
    });

    it('sends hostile and binary values as markers instead of dropping the span', async () => {
      // Prepare
      const streamName = uniqueStreamName('sdk');
      await createStreamAndWait(reader, streamName, 1);
      const errors: unknown[] = [];
      const transport = transportFor(streamName, exportThread, kinesalite.endpoint, {
        onError: (error) => errors.push(error),
      });
      const sightline = new Sightline({ transport, flushOnExit: false });
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      const hostile = {
        get secret(): string {
          throw new TypeError('getter boom');
        },
      };
      let bufferReads = 0;
      const binary = Buffer.alloc(2_000_000);
      Object.defineProperty(binary, 'toJSON', { value: () => (bufferReads += 1) });
      const metadata = {
        bigint: 10n,
        cyclic,
        hostile,
        badToJson: {
          toJSON(): never {
            throw new RangeError('toJSON boom');
          },
        },
        buffer: Buffer.alloc(2_048),
        floats: new Float32Array(3),
      } as unknown as Record<string, string>;
      // Act
      sightline.startSpan('hostile-metadata', { metadata }).end();
      sightline
        .startSpan('hostile-tool-args', {
          outputMessages: [
            {
              role: 'assistant',
              parts: [{ type: 'tool_call', name: 'f', arguments: { cyclic, n: 10n, hostile } }],
            },
          ],
        })
        .end();
      sightline.observe('upload', (data: Buffer) => data.length, { captureArgs: true })(binary);
      await sightline.shutdown();
      // Assess
      const spans = new Map(
        (await readItems(streamName)).flatMap((item) =>
          item.type === 'span' ? [[item.name, item] as const] : [],
        ),
      );
      expect(transport.stats()).toMatchObject({ sent: 3, dropped: 0 });
      expect(errors).toEqual([]);
      expect(spans.get('hostile-metadata')?.metadata).toEqual({
        bigint: '[bigint 10]',
        cyclic: '{"a":1,"self":"[circular]"}',
        hostile: '{"secret":"[unreadable: TypeError]"}',
        badToJson: '[unreadable: RangeError]',
        buffer: '[binary 2048 bytes]',
        floats: '[binary 12 bytes]',
      });
      expect(spans.get('hostile-tool-args')?.outputMessages?.[0]?.parts[0]).toMatchObject({
        arguments: {
          cyclic: { a: 1, self: '[circular]' },
          n: '[bigint 10]',
          hostile: { secret: '[unreadable: TypeError]' },
        },
      });
      expect(spans.get('upload')?.metadata).toEqual({ input: '["[binary 2000000 bytes]"]' });
      expect(bufferReads).toBe(0);
    });
  },
);

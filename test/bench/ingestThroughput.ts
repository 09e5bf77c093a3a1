/**
 * Ingest handler throughput: the real handler on realistic ~2 KB spans against the embedded
 * ClickHouse engine. Run by `runBenchmarks.ts` in a child process pinned to one core
 * (`taskset -c 0`), so the number means "spans/s on one core", the engine's work included.
 * Prints its result as JSON on the last line when run directly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { parseServerEnv } from '../../functions/config/env.ts';
import type { IngestKeyItem, ProjectItem } from '../../functions/control/controlPlaneTables.ts';
import { createIngestHandler } from '../../functions/ingest/handler.ts';
import { IngestKeyCache } from '../../functions/ingest/ingestKeyCache.ts';
import { prepareIngestBatch } from '../../functions/ingest/prepareIngestBatch.ts';
import { openEmbeddedClickHouse } from '../../functions/store/clickhouseClient.ts';
import { runMigrations } from '../../functions/store/migrate.ts';
import { buildKinesisRecord, buildRecordData, buildSpan, hex } from '../helpers/factories.ts';
import { percentile } from './percentile.ts';
import { randomBytes } from 'node:crypto';
import { vaultFromMasterKey } from '../../functions/enrich/loadVault.ts';

/** A support-chat LLM span of about 2 KB serialised. */
export function realisticSpan() {
  const question =
    'Hello, I ordered a pair of running shoes last week (order 48213) and the tracking page has not updated since Tuesday. ' +
    'Could you check where the parcel is and whether it will arrive before the weekend? I also want to change the delivery address.';
  const answer =
    'Thanks for reaching out! I checked order 48213: the parcel left our warehouse on Monday and is with the carrier. ' +
    'The carrier reports a delay at the regional hub; the new estimate is Friday. You can change the address until it is out for delivery: ' +
    'open Orders → 48213 → Delivery and choose "Change address". Is there anything else I can help with?';
  return buildSpan({
    name: 'chat gpt-4o-mini',
    systemInstructions: [
      {
        type: 'text',
        content:
          "You are a helpful, concise support assistant for an online shoe store. Answer in the customer's language. " +
          'Use the order tools before answering questions about deliveries. Never promise refunds; explain the policy ' +
          'instead: unworn items can be returned within 30 days, and refunds reach the original payment method within 5 to 10 business days.',
      },
    ],
    inputMessages: [{ role: 'user', parts: [{ type: 'text', content: question }] }],
    outputMessages: [
      { role: 'assistant', finishReason: 'stop', parts: [{ type: 'text', content: answer }] },
    ],
    request: { temperature: 0.2, maxTokens: 800 },
    usage: { inputTokens: 812, outputTokens: 143, cachedInputTokens: 256 },
    timeToFirstTokenMs: 412,
    prompt: { name: 'support-answer', version: 4, variables: { store: 'Acme Shoes' } },
    tags: ['support', 'prod'],
    metadata: { route: '/api/chat', region: 'eu-west-1' },
    release: 'support-web@1.4.2',
  });
}

/** The bench project's ingest key and a warm key cache over it (no DynamoDB). */
export function benchKeys() {
  const key = { projectId: 'bench', keyId: 'ik_bench', secret: 'b'.repeat(43) };
  const project: ProjectItem = {
    projectId: 'bench',
    name: 'bench',
    retentionDays: 30,
    createdAt: '',
  };
  const ingestKey: IngestKeyItem = { ...key, status: 'active', createdAt: '' };
  const keys = new IngestKeyCache(
    { getProject: async () => project, getIngestKey: async () => ingestKey },
    { ttlSeconds: 3_600 },
  );
  return { key, keys };
}

export interface IngestResult {
  spanBytes: number;
  batches: number;
  spansPerBatch: number;
  prepareSpansPerSecond: number;
  endToEndSpansPerSecond: number;
  batchP50Ms: number;
  batchP95Ms: number;
}

export async function benchIngestHandler(): Promise<IngestResult> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-'));
  const env = parseServerEnv({ SIGHTLINE_HOME: home });
  const clickhouse = await openEmbeddedClickHouse(env);
  await runMigrations(clickhouse.client);
  const { key, keys } = benchKeys();
  const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
  const vault = vaultFromMasterKey(randomBytes(32));
  const handler = createIngestHandler(async () => ({
    clickhouse: clickhouse.client,
    keys,
    vault,
    logger,
  }));
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 60_000 } as Context;

  const spansPerRecord = 50;
  const recordsPerBatch = 20;
  const batches = 30;
  const spanBytes = Buffer.byteLength(JSON.stringify(realisticSpan()));
  const events = Array.from({ length: batches }, () => ({
    Records: Array.from({ length: recordsPerBatch }, () =>
      buildKinesisRecord(
        buildRecordData(
          Array.from({ length: spansPerRecord }, () => ({
            ...realisticSpan(),
            traceId: hex(16),
            spanId: hex(8),
          })),
          key,
          { gzip: true },
        ),
      ),
    ),
  }));
  const spansPerBatch = spansPerRecord * recordsPerBatch;

  // Warm-up, then the CPU-only part (decode, verify, validate, map), then the full handler.
  await handler(events[0]!, context);
  let started = performance.now();
  for (const event of events) await prepareIngestBatch(event.Records, keys, Date.now(), vault);
  const prepareSeconds = (performance.now() - started) / 1000;

  const durations: number[] = [];
  started = performance.now();
  for (const event of events) {
    const batchStart = performance.now();
    const response = await handler(event, context);
    if (response.batchItemFailures.length > 0) throw new Error('benchmark batch failed');
    durations.push(performance.now() - batchStart);
  }
  const totalSeconds = (performance.now() - started) / 1000;
  await clickhouse.client.close();
  rmSync(home, { recursive: true, force: true });
  durations.sort((a, b) => a - b);
  return {
    spanBytes,
    batches,
    spansPerBatch,
    prepareSpansPerSecond: (batches * spansPerBatch) / prepareSeconds,
    endToEndSpansPerSecond: (batches * spansPerBatch) / totalSeconds,
    batchP50Ms: percentile(durations, 50),
    batchP95Ms: percentile(durations, 95),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const result = await benchIngestHandler();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

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
import { createIngestHandler } from '../../functions/ingest/handler.ts';
import { prepareIngestBatch } from '../../functions/ingest/prepareIngestBatch.ts';
import { openEmbeddedClickHouse } from '../../functions/store/clickhouseClient.ts';
import { runMigrations } from '../../functions/store/migrate.ts';
import { benchKeys, kinesisBatches, variedSpan } from './benchSpans.ts';
import { percentile } from './percentile.ts';
import { randomBytes } from 'node:crypto';
import { vaultFromMasterKey } from '../../functions/enrich/loadVault.ts';

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
  const spansPerBatch = spansPerRecord * recordsPerBatch;
  // Warm-up, the CPU-only pass and the handler pass each get their own spans: texts seen
  // before would be answered from the ingest function's memo.
  const eventsFrom = (first: number, count: number) =>
    kinesisBatches(
      Array.from({ length: count * spansPerBatch }, (_, index) => variedSpan(first + index)),
      key,
      { spansPerRecord, recordsPerBatch },
    ).map((Records) => ({ Records }));
  const warmUp = eventsFrom(0, 1);
  const prepareEvents = eventsFrom(spansPerBatch, batches);
  const events = eventsFrom((batches + 1) * spansPerBatch, batches);
  const spanBytes = Buffer.byteLength(JSON.stringify(variedSpan(0)));

  // Warm-up, then the CPU-only part (decode, verify, validate, map), then the full handler.
  await handler(warmUp[0]!, context);
  let started = performance.now();
  for (const event of prepareEvents)
    await prepareIngestBatch(event.Records, keys, Date.now(), vault);
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

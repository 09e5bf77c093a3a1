/**
 * A ClickHouse outage while batches are in flight: the event-source runner retries the
 * ingest handler's failed records until ClickHouse is back, and nothing is lost or doubled.
 * Real parts: kinesalite, dynalite, the embedded ClickHouse served over HTTP (stopped and
 * restarted on the same port to make the outage), the SDK, the runner, the handler.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { init } from '@sightline/sdk';
import { createIngestHandler } from '../../functions/ingest/handler.ts';
import { IngestKeyCache } from '../../functions/ingest/ingestKeyCache.ts';
import { runMigrations } from '../../functions/store/migrate.ts';
import { countSpans } from '../../functions/store/spansRepository.ts';
import { startClickHouseHttpServer } from '../../infra/local/clickhouse/ClickHouseHttpServer.ts';
import type { ClickHouseHttpServer } from '../../infra/local/clickhouse/types.ts';
import { KinesisEventSourceRunner } from '../../infra/local/eventSource/KinesisEventSourceRunner.ts';
import { INGEST_EVENT_SOURCE } from '../../functions/ingest/eventSourceSettings.ts';
import {
  openEmbeddedClickHouse,
  type EmbeddedClickHouse,
} from '../../functions/store/clickhouseClient.ts';
import { parseServerEnv } from '../../functions/config/env.ts';
import { startTestControlPlane } from '../helpers/controlPlane.ts';
import {
  createStreamAndWait,
  createTestKinesisClient,
  startKinesalite,
  uniqueStreamName,
  type KinesaliteServer,
} from '../helpers/kinesalite.ts';
import { waitFor } from '../helpers/localStackProcess.ts';
import { vaultFromMasterKey } from '../../functions/enrich/loadVault.ts';
import { randomBytes as vaultKeyBytes } from 'node:crypto';

const testVault = vaultFromMasterKey(vaultKeyBytes(32));

const auth = { username: 'outage', password: 'outage-password' };
let home: string;
let embedded: EmbeddedClickHouse;
let server: ClickHouseHttpServer | undefined;
let kinesalite: KinesaliteServer;
let controlPlane: Awaited<ReturnType<typeof startTestControlPlane>>;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-outage-'));
  embedded = await openEmbeddedClickHouse(parseServerEnv({ SIGHTLINE_HOME: home }));
  await runMigrations(embedded.client);
  kinesalite = await startKinesalite();
  controlPlane = await startTestControlPlane();
});

afterAll(async () => {
  await server?.close();
  await embedded?.client.close();
  await kinesalite?.close();
  await controlPlane?.close();
  rmSync(home, { recursive: true, force: true });
});

it('retries the batch through a ClickHouse outage and stores every span exactly once', async () => {
  // Prepare: the handler writes over HTTP, as a deployed function does.
  server = await startClickHouseHttpServer({ engine: embedded.engine, auth });
  const port = server.port;
  const clickhouse = createClient({
    url: server.url,
    ...auth,
    request_timeout: 3_000,
    log: { level: ClickHouseLogLevel.OFF },
  });
  const projectId = 'outage';
  await controlPlane.projects.putProject({ projectId, name: projectId, retentionDays: 30 });
  const key = await controlPlane.projects.createIngestKey(projectId);
  const kinesis = createTestKinesisClient(kinesalite.endpoint);
  const streamName = uniqueStreamName('outage');
  await createStreamAndWait(kinesis, streamName, 2);
  const logger = new Logger({ serviceName: 'outage-test', logLevel: 'SILENT' });
  const keys = new IngestKeyCache(controlPlane.projects, { ttlSeconds: 60 });
  const runner = new KinesisEventSourceRunner({
    kinesis,
    streamName,
    handler: createIngestHandler(async () => ({ clickhouse, keys, vault: testVault, logger })),
    settings: { ...INGEST_EVENT_SOURCE, maxBatchingWindowMs: 50, retryAttempts: 1_000 },
    checkpointPath: path.join(home, `${streamName}-checkpoints.json`),
    retryBackoff: { baseMs: 50, maxMs: 300 },
    logger,
  });
  await runner.start();

  // Act: ClickHouse goes away, spans arrive, the runner fails and retries, ClickHouse returns.
  await server.close();
  server = undefined;
  const sightline = init({
    projectId,
    ingestKeyId: key.keyId,
    ingestKey: key.secret,
    streamName,
    endpoint: kinesalite.endpoint,
    flushOnExit: false,
  });
  for (let index = 0; index < 120; index += 1) sightline.trace('during-outage', () => undefined);
  await sightline.shutdown();
  await waitFor(
    async () => runner.getStats().retries,
    (retries) => retries >= 3,
    { what: 'retries during the outage' },
  );
  const storedDuringOutage = await countSpans(embedded.client, { projectId });
  server = await startClickHouseHttpServer({ engine: embedded.engine, auth, port });
  await runner.waitForIdle({ timeoutMs: 60_000 });

  // Assess
  expect(storedDuringOutage).toBe(0);
  expect(await countSpans(embedded.client, { projectId })).toBe(120);
  const stats = runner.getStats();
  expect(stats.failuresSentToDestination).toBe(0);
  expect(stats.recordsDiscarded).toBe(0);
  await runner.stop();
  await clickhouse.close();
  kinesis.destroy();
});

/**
 * End to end through the local stack started by `sightline start`: SDK → kinesalite →
 * event-source runner → ingest handler → embedded ClickHouse → web app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListShardsCommand, PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sightline } from '@sightline/sdk';
import { encodeRecord } from '../../sdk/src/transport/encodeRecords.ts';
import { createKinesisClient } from '../../functions/aws/awsClients.ts';
import { parseServerEnv } from '../../functions/config/env.ts';
import { countSpans } from '../../functions/store/spansRepository.ts';
import { listDeadLetters } from '../../functions/store/deadLettersRepository.ts';
import { buildRecordData, buildSpan } from '../helpers/factories.ts';
import { readStreamRecords } from '../helpers/kinesalite.ts';
import {
  clickhouseForStack,
  isAlive,
  runCli,
  sdkForStack,
  startStackProcess,
  waitFor,
  type StackProcess,
} from '../helpers/localStackProcess.ts';
import { adminCredentialsFrom } from '../helpers/browser.ts';
import { signInForCookie } from '../helpers/webSession.ts';

let home: string;
let stack: StackProcess;
let clickhouse: ClickHouseClient;
let kinesis: KinesisClient;

function connect(info: StackProcess['info']) {
  clickhouse = clickhouseForStack(info);
  kinesis = createKinesisClient(
    parseServerEnv({ AWS_REGION: info.region, AWS_ENDPOINT_URL_KINESIS: info.kinesis.endpoint }),
  );
}

async function demoSpans(): Promise<number> {
  return countSpans(clickhouse, { projectId: stack.info.demoProject.projectId });
}

/** Sends `count` traces of one span each through the SDK; returns their trace ids. */
async function sendTraces(
  sightline: Sightline,
  count: number,
  name = 'e2e-call',
): Promise<string[]> {
  const traceIds: string[] = [];
  for (let index = 0; index < count; index += 1) {
    sightline.trace(
      name,
      { kind: 'llm', requestModel: 'gpt-4o-mini', userId: `user-${index % 7}` },
      (span) => {
        traceIds.push(span.traceId);
        span.update({ usage: { inputTokens: 10 + index, outputTokens: 5 } });
      },
    );
  }
  await sightline.flush();
  return traceIds;
}

/** Puts one marker span on every shard, so once all markers are stored, every earlier record was processed. */
async function drainAllShards(): Promise<void> {
  const { Shards = [] } = await kinesis.send(
    new ListShardsCommand({ StreamName: stack.info.kinesis.streamName }),
  );
  const markers: string[] = [];
  for (const shard of Shards) {
    const span = buildSpan({ name: 'drain-marker' });
    markers.push(span.traceId);
    const Data = await encodeLikeTheSdk(span);
    await kinesis.send(
      new PutRecordCommand({
        StreamName: stack.info.kinesis.streamName,
        Data,
        PartitionKey: 'marker',
        ExplicitHashKey: shard.HashKeyRange!.StartingHashKey,
      }),
    );
  }
  await waitFor(
    () =>
      countSpans(clickhouse, { projectId: stack.info.demoProject.projectId, traceIds: markers }),
    (count) => count === markers.length,
    { what: 'drain markers on every shard' },
  );
}

/** Signs one span into a record exactly as the SDK does, without sending it. */
async function encodeLikeTheSdk(span: ReturnType<typeof buildSpan>): Promise<Uint8Array> {
  const record = await encodeRecord(
    [JSON.stringify(span)],
    {
      projectId: stack.info.demoProject.projectId,
      keyId: stack.info.demoProject.ingestKeyId,
      secret: stack.info.demoProject.ingestKey,
      sdk: { name: 'e2e', version: '1' },
    },
    { gzip: true },
  );
  return record.data;
}

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-e2e-'));
  stack = await startStackProcess(home, ['--no-demo']);
  connect(stack.info);
});

afterAll(async () => {
  await clickhouse?.close();
  kinesis?.destroy();
  await stack?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('local stack', () => {
  it('stores exactly the N spans sent through the SDK', async () => {
    const before = await demoSpans();
    const sightline = sdkForStack(stack.info);
    const traceIds = await sendTraces(sightline, 300);
    await sightline.shutdown();
    await waitFor(demoSpans, (count) => count >= before + 300, { what: '300 spans in ClickHouse' });
    await drainAllShards();
    expect(
      await countSpans(clickhouse, { projectId: stack.info.demoProject.projectId, traceIds }),
    ).toBe(300);
    expect(await demoSpans()).toBe(before + 300 + 2);
  });

  it('shows the spans on the traces page and a trace on its detail page', async () => {
    const sightline = sdkForStack(stack.info);
    const [traceId] = await sendTraces(sightline, 1, 'web-visible-call');
    await sightline.shutdown();
    await waitFor(
      () =>
        countSpans(clickhouse, {
          projectId: stack.info.demoProject.projectId,
          traceIds: [traceId!],
        }),
      (count) => count === 1,
      { what: 'the span to be stored' },
    );
    const web = stack.info.web!.url;
    const project = `${web}/projects/${stack.info.demoProject.projectId}`;
    // Signed out, pages send people to sign in; signed in as the admin the launcher created,
    // the list links the trace and its detail page shows it.
    const signedOut = await fetch(`${project}/traces`, { redirect: 'manual' });
    expect([302, 303, 307]).toContain(signedOut.status);
    expect(signedOut.headers.get('location')).toContain('/sign-in');
    const cookie = await signInForCookie(web, adminCredentialsFrom(stack.output()));
    const get = (url: string) => fetch(url, { headers: { cookie } });
    const list = await get(`${project}/traces`);
    expect(list.status).toBe(200);
    // Served on loopback only: not compressed, though fetch accepts gzip.
    expect(list.headers.get('content-encoding')).toBeNull();
    expect(await list.text()).toContain(`/traces/${traceId}`);
    const detail = await get(`${project}/traces/${traceId}`);
    expect(detail.status).toBe(200);
    expect(await detail.text()).toContain('web-visible-call');
    expect((await get(`${project}/traces/${'f'.repeat(32)}`)).status).toBe(404);
  });

  it('refuses requests for host names it does not serve (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const url = new URL(`${stack.info.web!.url}/sign-in`);
    const status = (host: string, path = url.pathname) =>
      new Promise<number>((resolve, reject) => {
        request({ host: url.hostname, port: url.port, path, headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await status('rebind.evil.example')).toBe(421);
    expect(await status(`localhost:${url.port}`)).toBe(200);
    // The API is outside the proxy: its routes refuse the Host themselves.
    expect(await status('rebind.evil.example', '/api/v1/me')).toBe(421);
    expect(await status('rebind.evil.example', '/api/v1/openapi.json')).toBe(421);
    expect(await status(`localhost:${url.port}`, '/api/v1/me')).toBe(401);
  });

  it('leaves every count unchanged when the whole stream is delivered again', async () => {
    await drainAllShards();
    const before = await demoSpans();
    const records = await readStreamRecords(kinesis, stack.info.kinesis.streamName);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      await kinesis.send(
        new PutRecordCommand({
          StreamName: stack.info.kinesis.streamName,
          Data: record.Data,
          PartitionKey: record.PartitionKey,
        }),
      );
    }
    await drainAllShards();
    expect(await demoSpans()).toBe(before + 2);
  });

  it('applies migrations from two processes at once, leaving one record per migration', async () => {
    const env = { SIGHTLINE_HOME: home, CLICKHOUSE_URL: '' };
    const runs = [runCli(['migrate'], { env }), runCli(['migrate'], { env })];
    const codes = await Promise.all(runs.map((run) => run.exited));
    expect(codes, runs.map((run) => run.output()).join('\n')).toEqual([0, 0]);
    const result = await clickhouse.query({
      query:
        'SELECT version, count() AS records FROM schema_migrations FINAL GROUP BY version ORDER BY version',
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ version: number; records: string | number }>();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((row) => Number(row.records) === 1)).toBe(true);
  });

  it('dead-letters a record signed with the wrong key and lists it with `sightline dead-letters`', async () => {
    const forged = buildRecordData([buildSpan()], {
      projectId: stack.info.demoProject.projectId,
      keyId: stack.info.demoProject.ingestKeyId,
      secret: 'not-the-demo-key-not-the-demo-key-00000000',
    });
    const { SequenceNumber } = await kinesis.send(
      new PutRecordCommand({
        StreamName: stack.info.kinesis.streamName,
        Data: forged,
        PartitionKey: 'forged',
      }),
    );
    await waitFor(
      () => listDeadLetters(clickhouse, { sequenceNumbers: [SequenceNumber!] }),
      (rows) => rows.length === 1,
      { what: 'the forged record in dead_letters' },
    );
    const listing = runCli(['dead-letters', '--limit', '5'], { env: { SIGHTLINE_HOME: home } });
    expect(await listing.exited).toBe(0);
    expect(listing.output()).toContain('bad_signature');
    expect(listing.output()).toContain(SequenceNumber);
  });

  it('creates a named database and its tables when CLICKHOUSE_DATABASE is set', async () => {
    const run = runCli(['migrate'], {
      env: { SIGHTLINE_HOME: home, CLICKHOUSE_DATABASE: 'sightline_named' },
    });
    expect(await run.exited, run.output()).toBe(0);
    const result = await clickhouse.query({
      query: "SELECT name FROM system.tables WHERE database = 'sightline_named' ORDER BY name",
      format: 'JSONEachRow',
    });
    const tables = (await result.json<{ name: string }>()).map((row) => row.name);
    expect(tables).toEqual(
      expect.arrayContaining(['spans', 'dead_letters', 'scores', 'schema_migrations']),
    );
  });

  it('refuses a second instance on the same data directory', async () => {
    const second = runCli(['start', '--random-ports', '--no-web', '--no-demo', '--home', home]);
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/Another Sightline instance \(pid \d+\) owns/);
  });

  it('refuses to start when the web port is taken', async () => {
    const otherHome = mkdtempSync(path.join(tmpdir(), 'sightline-e2e-port-'));
    const port = new URL(stack.info.web!.url).port;
    const second = runCli([
      'start',
      '--no-demo',
      '--home',
      otherHome,
      '--port',
      port,
      '--clickhouse-port',
      '0',
      '--kinesis-port',
      '0',
      '--dynamodb-port',
      '0',
    ]);
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    rmSync(otherHome, { recursive: true, force: true });
  });

  it('stops every child process on SIGTERM and resumes where it left off on restart', async () => {
    // Prepare
    await drainAllShards();
    const before = await demoSpans();
    const children = stack.descendants();
    expect(children.length).toBeGreaterThan(0);
    // Act: stop
    expect(await stack.stop()).toBe(0);
    await clickhouse.close();
    kinesis.destroy();
    // Assess: nothing left running
    await waitFor(
      async () => children.filter(isAlive),
      (alive) => alive.length === 0,
      { what: 'children to exit' },
    );
    // Act: restart on the same data, send more
    const restartedAt = Date.now();
    stack = await startStackProcess(home, ['--no-demo', '--no-web']);
    connect(stack.info);
    expect(await demoSpans()).toBe(before);
    const sightline = sdkForStack(stack.info);
    await sendTraces(sightline, 50, 'after-restart');
    await sightline.shutdown();
    await drainAllShards();
    // Assess: nothing skipped (the new spans and the markers are there) and nothing replayed:
    // a replayed record would have written a row with a newer ingested_at, which
    // ReplacingMergeTree keeps even after merging.
    expect(await demoSpans()).toBe(before + 50 + 2);
    const replayed = await clickhouse.query({
      query: `SELECT count() AS n FROM spans
        WHERE project_id = {projectId:String}
          AND ingested_at >= fromUnixTimestamp64Milli({restartedAt:Int64})
          AND name NOT IN ('after-restart', 'drain-marker')`,
      query_params: { projectId: stack.info.demoProject.projectId, restartedAt },
      format: 'JSONEachRow',
    });
    const rows = await replayed.json<{ n: string | number }>();
    expect(rows.map((row) => Number(row.n))).toEqual([0]);
  });
});

/**
 * The local stack: every part of the platform on one machine, with real engines behind real
 * protocols — kinesalite (Kinesis), dynalite (DynamoDB), the embedded ClickHouse engine with
 * its HTTP endpoint, the Kinesis event-source runner calling the real ingest handler, the
 * Next.js web app, and a demo producer using the real SDK. Data persists under `home`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  createDynamoClient,
  createDynamoDocumentClient,
  createKinesisClient,
} from '../../functions/aws/awsClients.ts';
import { parseServerEnv, serverEnv, type ServerEnv } from '../../functions/config/env.ts';
import { ensureLocalVaultKeyFile, loadVault } from '../../functions/enrich/loadVault.ts';
import { adminBootstrapStores, bootstrapAdmin } from '../../functions/control/adminBootstrap.ts';
import { ProjectsRepository } from '../../functions/control/projectsRepository.ts';
import { INGEST_EVENT_SOURCE } from '../../functions/ingest/eventSourceSettings.ts';
import { createIngestHandler } from '../../functions/ingest/handler.ts';
import { startLocalJudge } from './judgeQueue/startLocalJudge.ts';
import { IngestKeyCache } from '../../functions/ingest/ingestKeyCache.ts';
import { openEmbeddedClickHouse } from '../../functions/store/clickhouseClient.ts';
import { runMigrations } from '../../functions/store/migrate.ts';
import { nodeChildArgs, startChild, type ManagedChild } from './childProcesses.ts';
import { startClickHouseHttpServer } from './clickhouse/ClickHouseHttpServer.ts';
import { KinesisEventSourceRunner } from './eventSource/KinesisEventSourceRunner.ts';
import { createJsonLinesFailureDestination } from './eventSource/jsonLinesFailureDestination.ts';
import { acquireInstanceLock } from './instanceLock.ts';
import { loadOrCreateLocalSecrets } from './localSecrets.ts';
import { createControlPlaneTables, startDynalite } from './services/dynalite.ts';
import { createStreamAndWait, startKinesalite } from './services/kinesalite.ts';
import { assertPortFree, findFreePort } from './services/listenOnLoopback.ts';
import { removeStackFile, writeStackFile, type StackInfo } from './stackFile.ts';
import { ensureWebBuild, startWebServer, waitForWeb } from './webApp.ts';

export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const DEMO_PROJECT = {
  projectId: 'demo',
  name: 'Demo project',
  ingestKeyId: 'ik_demo_local',
} as const;
const CLICKHOUSE_USER = 'sightline';
const LOCAL_SHARD_COUNT = 2;

export interface LocalStackOptions {
  home: string;
  /** 0 picks a free port for that service. */
  ports: { web: number; clickhouse: number; kinesis: number; dynamodb: number };
  demo: boolean;
  web: boolean;
  region?: string;
  streamName?: string;
  /**
   * The first admin, created on first start (SIGHTLINE_ADMIN_EMAIL / SIGHTLINE_ADMIN_PASSWORD
   * by default); without a password one is generated and logged once.
   */
  admin?: { email: string; password?: string };
  /** Progress lines for people. */
  log?: (line: string) => void;
  /** Aborting it stops a start in progress (and everything started so far). */
  signal?: AbortSignal;
}

export interface LocalStack {
  info: StackInfo;
  /** The server environment the stack's own processes use (endpoints filled in). */
  env: ServerEnv;
  runner: KinesisEventSourceRunner;
  stop(): Promise<void>;
}

type Stopper = () => Promise<void> | void;

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const home = path.resolve(options.home);
  mkdirSync(home, { recursive: true });
  const logDirectory = path.join(home, 'logs');
  const lock = acquireInstanceLock(home);
  const stoppers: Stopper[] = [() => lock.release()];
  const stopAll = async () => {
    for (const stop of stoppers.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`while stopping: ${(error as Error).message}`);
      }
    }
  };

  const continueUnlessAborted = () => options.signal?.throwIfAborted();
  try {
    continueUnlessAborted();
    if (options.web && options.ports.web !== 0)
      await assertPortFree('the web app', options.ports.web);
    const webPort = options.web ? options.ports.web || (await findFreePort()) : 0;
    // The first build takes a while: start it now, alongside the services.
    const webBuild = options.web
      ? ensureWebBuild(REPOSITORY_ROOT, logDirectory, options.signal)
      : Promise.resolve(false);
    webBuild.catch(() => {});

    const secrets = loadOrCreateLocalSecrets(home);
    const region = options.region ?? 'us-east-1';
    const streamName = options.streamName ?? 'sightline-spans';

    const dynamodb = await startDynalite({
      path: path.join(home, 'dynamodb'),
      port: options.ports.dynamodb,
    });
    stoppers.push(() => dynamodb.close());
    const kinesis = await startKinesalite({
      path: path.join(home, 'kinesis'),
      port: options.ports.kinesis,
    });
    stoppers.push(() => kinesis.close());

    const env = parseServerEnv({
      AWS_REGION: region,
      AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      SIGHTLINE_HOME: home,
      SIGHTLINE_STREAM_NAME: streamName,
      SIGHTLINE_DEFAULT_PROJECT_ID: DEMO_PROJECT.projectId,
      SIGHTLINE_VAULT_KEY_FILE: ensureLocalVaultKeyFile(path.join(home, 'vault.key')),
    });

    await createControlPlaneTables(createDynamoClient(env), {
      projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
      ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
      authTable: env.SIGHTLINE_AUTH_TABLE,
      membershipsTable: env.SIGHTLINE_MEMBERSHIPS_TABLE,
      apiTokensTable: env.SIGHTLINE_API_TOKENS_TABLE,
      judgeBudgetTable: env.SIGHTLINE_JUDGE_BUDGET_TABLE,
    });
    const kinesisClient = createKinesisClient(env);
    stoppers.push(() => kinesisClient.destroy());
    await createStreamAndWait(kinesisClient, streamName, LOCAL_SHARD_COUNT);
    continueUnlessAborted();

    const clickhouse = await openEmbeddedClickHouse(env);
    stoppers.push(() => clickhouse.client.close());
    await runMigrations(clickhouse.client);
    continueUnlessAborted();
    const clickhouseServer = await startClickHouseHttpServer({
      engine: clickhouse.engine,
      port: options.ports.clickhouse,
      auth: { username: CLICKHOUSE_USER, password: secrets.clickhousePassword },
    });
    stoppers.push(() => clickhouseServer.close());

    const documents = createDynamoDocumentClient(env);
    stoppers.push(() => documents.destroy());
    const projects = ProjectsRepository.fromEnv(documents, env);
    await projects.putProject({
      projectId: DEMO_PROJECT.projectId,
      name: DEMO_PROJECT.name,
      retentionDays: 30,
    });
    await projects.createIngestKey(DEMO_PROJECT.projectId, {
      keyId: DEMO_PROJECT.ingestKeyId,
      secret: secrets.demoIngestKey,
    });
    const adminSettings = options.admin ?? {
      email: serverEnv().SIGHTLINE_ADMIN_EMAIL,
      password: serverEnv().SIGHTLINE_ADMIN_PASSWORD,
    };
    const admin = await bootstrapAdmin(adminBootstrapStores(documents, env), {
      email: adminSettings.email,
      ...(adminSettings.password ? { password: adminSettings.password } : {}),
      projectId: DEMO_PROJECT.projectId,
    });
    if (admin.generatedPassword) {
      log(
        `Created the admin ${admin.email} with the password ${admin.generatedPassword} (shown only now; sign in and keep it safe).`,
      );
    } else if (admin.created) {
      log(`Created the admin ${admin.email} with the password from SIGHTLINE_ADMIN_PASSWORD.`);
    }

    const logger = new Logger({ serviceName: 'sightline-local', logLevel: 'WARN' });
    const keys = new IngestKeyCache(projects, { ttlSeconds: env.SIGHTLINE_KEY_CACHE_TTL_SECONDS });
    const vault = await loadVault(env);
    const judge = startLocalJudge({
      home,
      env,
      clickhouse: clickhouse.client,
      documents,
      projects,
      logger,
    });
    stoppers.push(() => judge.runner.stop());
    const handler = createIngestHandler(async () => ({
      clickhouse: clickhouse.client,
      keys,
      vault,
      logger,
      judgeQueue: judge.queue,
      acceptContractV1: env.SIGHTLINE_ACCEPT_CONTRACT_V1,
    }));
    const runner = new KinesisEventSourceRunner({
      kinesis: kinesisClient,
      streamName,
      handler,
      settings: INGEST_EVENT_SOURCE,
      checkpointPath: path.join(home, 'event-source-checkpoints.json'),
      onFailure: createJsonLinesFailureDestination(path.join(home, 'event-source-failures.jsonl')),
      logger,
      region,
    });
    await runner.start();
    stoppers.push(() => runner.stop());
    continueUnlessAborted();

    const info: StackInfo = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      home,
      region,
      web: options.web ? { url: `http://127.0.0.1:${webPort}` } : null,
      clickhouse: {
        url: clickhouseServer.url,
        username: CLICKHOUSE_USER,
        password: secrets.clickhousePassword,
      },
      kinesis: { endpoint: kinesis.endpoint, streamName },
      dynamodb: {
        endpoint: dynamodb.endpoint,
        projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
        ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
      },
      demoProject: {
        projectId: DEMO_PROJECT.projectId,
        ingestKeyId: DEMO_PROJECT.ingestKeyId,
        ingestKey: secrets.demoIngestKey,
      },
    };

    const children: ManagedChild[] = [];
    stoppers.push(async () => {
      await Promise.all(children.map((child) => child.stop()));
    });

    if (options.demo) {
      children.push(
        startChild({
          name: 'demo-producer',
          command: process.execPath,
          args: nodeChildArgs([
            '--import',
            'tsx',
            path.join(REPOSITORY_ROOT, 'infra/local/demo/demoProducer.ts'),
          ]),
          cwd: REPOSITORY_ROOT,
          env: { ...process.env, ...sdkEnvironment(info) },
          logDirectory,
        }),
      );
    }

    if (options.web && info.web) {
      if (await webBuild) log('Built the web app.');
      const web = startWebServer({
        root: REPOSITORY_ROOT,
        port: webPort,
        env: {
          CLICKHOUSE_URL: clickhouseServer.url,
          CLICKHOUSE_USER,
          CLICKHOUSE_PASSWORD: secrets.clickhousePassword,
          SIGHTLINE_DEFAULT_PROJECT_ID: DEMO_PROJECT.projectId,
          AWS_REGION: region,
          AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
          SIGHTLINE_HOME: home,
          SIGHTLINE_AUTH_SECRET: secrets.authSecret,
          SIGHTLINE_VAULT_KEY_FILE: env.SIGHTLINE_VAULT_KEY_FILE ?? '',
        },
        logDirectory,
      });
      children.push(web);
      await waitForWeb(`${info.web.url}/traces`, web, options.signal);
      continueUnlessAborted();
    }

    writeStackFile(home, info);
    stoppers.splice(1, 0, () => removeStackFile(home));
    return { info, env, runner, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The variables that point an app's SDK at this stack. */
export function sdkEnvironment(info: StackInfo): Record<string, string> {
  return {
    AWS_REGION: info.region,
    AWS_ENDPOINT_URL_KINESIS: info.kinesis.endpoint,
    SIGHTLINE_STREAM_NAME: info.kinesis.streamName,
    SIGHTLINE_PROJECT_ID: info.demoProject.projectId,
    SIGHTLINE_INGEST_KEY_ID: info.demoProject.ingestKeyId,
    SIGHTLINE_INGEST_KEY: info.demoProject.ingestKey,
  };
}

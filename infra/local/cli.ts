/**
 * The `sightline` command-line tool (`npm start` is `sightline start`):
 *
 *   sightline start [--no-demo] [--no-web] [--home DIR] [--port N] [--clickhouse-port N]
 *                   [--kinesis-port N] [--dynamodb-port N] [--random-ports]
 *   sightline migrate          apply ClickHouse migrations (CLICKHOUSE_URL, the running
 *                              local stack, or the embedded engine)
 *   sightline stack            print the running local stack's endpoints as JSON
 *   sightline dead-letters     the most recent records ingest could not store, and why
 *   sightline bench            run the benchmarks and write docs/benchmarks.md
 *   sightline seed             write deterministic, realistic spans (test/bench/seedSpans.ts)
 *   sightline contract-schema  regenerate sdk/schema/wire-contract-v2.schema.json
 *   sightline scan [--file F]  PII, secrets, injection and toxicity for JSONL {id, text}
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { parseServerEnv } from '../../functions/config/env.ts';
import {
  createClickHouseClient,
  type ClickHouseClient,
} from '../../functions/store/clickhouseClient.ts';
import { ensureDatabase, runMigrations } from '../../functions/store/migrate.ts';
import { listDeadLetters } from '../../functions/store/deadLettersRepository.ts';
import { liveLockOwner } from './instanceLock.ts';
import { readStackFile, type StackInfo } from './stackFile.ts';
import {
  REPOSITORY_ROOT,
  sdkEnvironment,
  startLocalStack,
  type LocalStack,
} from './startLocalStack.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);

const USAGE = `Usage: sightline <command> [options]

Commands:
  start     run the whole platform locally (Kinesis, DynamoDB, ClickHouse, ingest, web, demo)
  migrate   apply ClickHouse migrations
  stack     print the running local stack's endpoints as JSON
  dead-letters [--limit N]  the most recent records ingest could not store, and why
  bench     run the benchmarks and write docs/benchmarks.md (\`bench web\`: the web query suite)
  seed [--spans N] [--days D] [--project ID] [--seed N]
            write realistic spans (default 1,000 over 7 days, half in project seed-main)
  contract-schema  regenerate sdk/schema/wire-contract-v2.schema.json from the zod contract
  scan [--file F]  read JSON lines {"id", "text"} (stdin or F) and print, per line, the
                   PII findings, secrets, injection and toxicity verdicts ingest would find
  build-web  build the web app's AWS Lambda package for \`cdk deploy\` (docs/deploy.md)
  build-sdk [--out DIR]  build the SDK's npm package (JavaScript and type declarations;
            default DIR .sightline/sdk-package), ready for \`npm pack\` or \`npm publish\`
  bootstrap --project ID --name NAME --email EMAIL [--retention-days N]
            in a deployed control plane (AWS credentials, SIGHTLINE_*_TABLE names): create the
            project if it is missing and its first admin (a password printed once)

start options:
  --no-demo              do not run the demo producer
  --no-web               do not build or serve the web app
  --home DIR             data directory (default: SIGHTLINE_HOME or .sightline)
  --port N               web port (default: PORT or 3000)
  --clickhouse-port N    ClickHouse HTTP port (default 8123)
  --kinesis-port N       Kinesis port (default 4567)
  --dynamodb-port N      DynamoDB port (default 4569)
  --random-ports         pick free ports for everything (tests)`;

function portOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--${name} must be a port number (0-65535), got "${value}"`);
  }
  return port;
}

function defaultHome(): string {
  return path.resolve(process.env.SIGHTLINE_HOME ?? path.join(REPOSITORY_ROOT, '.sightline'));
}

async function start(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'no-demo': { type: 'boolean', default: false },
      'no-web': { type: 'boolean', default: false },
      home: { type: 'string' },
      port: { type: 'string' },
      'clickhouse-port': { type: 'string' },
      'kinesis-port': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'random-ports': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const random = values['random-ports'];
  const home = path.resolve(values.home ?? defaultHome());
  const startedAt = Date.now();
  // Signals during start-up abort it (stopping what already started); afterwards they stop
  // the running stack.
  const starting = new AbortController();
  const running: { stack?: LocalStack } = {};
  let stopping = false;
  const onSignal = (signal: string) => {
    const { stack } = running;
    if (!stack) {
      out(`\n${signal}: cancelling start-up …`);
      starting.abort(new Error(`start-up cancelled by ${signal}`));
      return;
    }
    if (stopping) {
      out('Forcing exit.');
      process.exit(1);
    }
    stopping = true;
    out(`\n${signal}: stopping Sightline …`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error((error as Error).message);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  out(`Starting Sightline (data in ${home}) …`);
  const stack = await startLocalStack({
    home,
    demo: !values['no-demo'],
    web: !values['no-web'],
    ports: {
      web: random ? 0 : portOption(values.port ?? process.env.PORT, 3000, 'port'),
      clickhouse: random ? 0 : portOption(values['clickhouse-port'], 8123, 'clickhouse-port'),
      kinesis: random ? 0 : portOption(values['kinesis-port'], 4567, 'kinesis-port'),
      dynamodb: random ? 0 : portOption(values['dynamodb-port'], 4569, 'dynamodb-port'),
    },
    log: out,
    signal: starting.signal,
  });
  running.stack = stack;
  const { info } = stack;
  out(`Sightline is running (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s).`);
  out();
  if (info.web) out(`  Web app          ${info.web.url}/traces`);
  out(
    `  ClickHouse HTTP  ${info.clickhouse.url}  (user ${info.clickhouse.username}, password in ${path.join(home, 'stack.json')})`,
  );
  out(`  Kinesis          ${info.kinesis.endpoint}  stream ${info.kinesis.streamName}`);
  out(`  DynamoDB         ${info.dynamodb.endpoint}`);
  out(`  Logs             ${path.join(home, 'logs')}`);
  out();
  out('Point an app at it with the SDK (@sightline/sdk, `init()` reads these):');
  for (const [name, value] of Object.entries(sdkEnvironment(info)))
    out(`  export ${name}=${value}`);
  out();
  out('Press Ctrl-C to stop.');
}

/**
 * The local stack that owns `home`, if one runs. A stack that is still starting has taken the
 * lock (and the embedded engine) but not yet written stack.json; a stack.json left by one
 * that died is ignored.
 */
function runningStack(home: string): StackInfo | undefined {
  const owner = liveLockOwner(home);
  if (owner === undefined) return undefined;
  const info = readStackFile(home);
  if (info?.pid === owner) return info;
  throw new Error(
    `The local stack (pid ${owner}) that owns ${home} is still starting; try again in a moment.`,
  );
}

/**
 * The CLI's ClickHouse client: CLICKHOUSE_URL when set; else the running local stack's HTTP
 * endpoint (the stack owns the embedded engine's lock); else the embedded engine itself.
 */
async function cliClickHouse({ database }: { database?: string } = {}): Promise<ClickHouseClient> {
  const home = defaultHome();
  const env = parseServerEnv({ ...process.env, SIGHTLINE_HOME: home });
  const running = env.CLICKHOUSE_URL ? undefined : runningStack(home);
  return createClickHouseClient(
    database ? { ...env, CLICKHOUSE_DATABASE: database } : env,
    running
      ? {
          url: running.clickhouse.url,
          username: running.clickhouse.username,
          password: running.clickhouse.password,
        }
      : {},
  );
}

async function withCliClickHouse(work: (client: ClickHouseClient) => Promise<void>): Promise<void> {
  const client = await cliClickHouse();
  try {
    await work(client);
  } finally {
    await client.close();
  }
}

async function migrate(): Promise<void> {
  const { CLICKHOUSE_DATABASE: database } = parseServerEnv();
  if (database !== 'default') {
    const admin = await cliClickHouse({ database: 'default' });
    try {
      await ensureDatabase(admin, database);
    } finally {
      await admin.close();
    }
  }
  return withCliClickHouse(async (client) => {
    const result = await runMigrations(client);
    out(
      `Applied: ${result.applied.join(', ') || 'none'}; already applied: ${result.alreadyApplied.join(', ') || 'none'}`,
    );
  });
}

/** Recent dead letters, without their raw bytes (which may hold personal data). */
function deadLetters(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { limit: { type: 'string', default: '20' } } });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new Error(`--limit must be an integer from 1 to 10000, got "${values.limit}"`);
  }
  return withCliClickHouse(async (client) => {
    const rows = await listDeadLetters(client, { limit });
    if (rows.length === 0) {
      out('No dead letters.');
      return;
    }
    for (const row of rows) {
      out(
        `${row.dead_lettered_at}  ${row.reason.padEnd(19)} project=${row.claimed_project_id || '?'}  ${row.shard_id}:${row.sequence_number}  ${row.raw_size} bytes`,
      );
      out(`    ${row.detail}`);
    }
  });
}

function stackInfo(): void {
  const info = runningStack(defaultHome());
  if (!info) throw new Error(`No local stack is running for ${defaultHome()} (run \`npm start\`)`);
  out(JSON.stringify(info, null, 2));
}

async function bench(args: string[]): Promise<void> {
  const { runBenchmarks } = await import('../../test/bench/runBenchmarks.ts');
  await runBenchmarks(args);
}

/** Deterministic demo/test data straight into ClickHouse (the running stack's, if any). */
async function seed(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      spans: { type: 'string', default: '1000' },
      days: { type: 'string', default: '7' },
      project: { type: 'string' },
      seed: { type: 'string', default: '42' },
    },
  });
  const spans = Number(values.spans);
  const days = Number(values.days);
  const seedNumber = Number(values.seed);
  if (!Number.isInteger(spans) || spans < 1 || spans > 100_000_000) {
    throw new Error(`--spans must be an integer from 1 to 100000000, got "${values.spans}"`);
  }
  if (!Number.isFinite(days) || days <= 0 || days > 365) {
    throw new Error(`--days must be a number of days from 0 to 365, got "${values.days}"`);
  }
  if (!Number.isInteger(seedNumber) || seedNumber < 0) {
    throw new Error(`--seed must be a non-negative integer, got "${values.seed}"`);
  }
  const { seedSpans } = await import('../../test/bench/seedSpans.ts');
  return withCliClickHouse(async (client) => {
    await runMigrations(client);
    const result = await seedSpans(client, {
      spans,
      days,
      seed: seedNumber,
      evalScores: true,
      ...(values.project ? { mainProjectId: values.project } : {}),
    });
    out(
      `Seeded ${result.spans} spans in ${result.traces} traces over ${days} days in ${result.seconds.toFixed(1)} s`,
    );
  });
}

async function contractSchema(): Promise<void> {
  const { writeFileSync } = await import('node:fs');
  const { wireContractJsonSchema, WIRE_CONTRACT_VERSION } = await import('@sightline/sdk/contract');
  const target = path.join(
    REPOSITORY_ROOT,
    `sdk/schema/wire-contract-v${WIRE_CONTRACT_VERSION}.schema.json`,
  );
  writeFileSync(target, `${JSON.stringify(wireContractJsonSchema(), null, 2)}\n`);
  out(`Wrote ${path.relative(process.cwd(), target)}`);
}

async function buildWeb(): Promise<void> {
  const { buildWebPackage } = await import('../web/buildWebPackage.ts');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const logDirectory = mkdtempSync(path.join(tmpdir(), 'sightline-build-web-'));
  out('Building the web app for AWS Lambda (next build, standalone) …');
  const packageDirectory = await buildWebPackage({ root: REPOSITORY_ROOT, logDirectory });
  out(
    `Wrote ${path.relative(process.cwd(), packageDirectory) || '.'} (build log in ${logDirectory})`,
  );
}

async function buildSdk(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string', default: path.join('.sightline', 'sdk-package') } },
  });
  const { buildSdkPackage } = await import('../sdk/buildSdkPackage.ts');
  out('Building the SDK package (tsc) …');
  const packageDirectory = await buildSdkPackage({
    root: REPOSITORY_ROOT,
    outDirectory: path.resolve(values.out),
  });
  out(`Wrote ${path.relative(process.cwd(), packageDirectory) || '.'}`);
}

/**
 * The first project and admin of a deployed control plane (docs/deploy.md): nothing in AWS
 * creates them, and every later member is added by an admin in the web app.
 */
async function bootstrap(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      project: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      'retention-days': { type: 'string', default: '90' },
    },
  });
  if (!values.project || !values.name || !values.email) {
    throw new Error('bootstrap needs --project, --name and --email');
  }
  const { ProjectItemSchema } = await import('../../functions/control/controlPlaneTables.ts');
  const retention = ProjectItemSchema.shape.retentionDays.safeParse(
    Number(values['retention-days']),
  );
  if (!retention.success) {
    throw new Error(
      `--retention-days must be a whole number of days from 1 to 3650 (got ${values['retention-days']})`,
    );
  }
  const retentionDays = retention.data;
  const env = parseServerEnv();
  const { createDynamoDocumentClient } = await import('../../functions/aws/awsClients.ts');
  const { ProjectsRepository } = await import('../../functions/control/projectsRepository.ts');
  const { adminBootstrapStores, bootstrapAdmin } =
    await import('../../functions/control/adminBootstrap.ts');
  const documents = createDynamoDocumentClient(env);
  try {
    const projects = ProjectsRepository.fromEnv(documents, env);
    if (await projects.getProject(values.project)) {
      out(`Project ${values.project} exists; left as it is.`);
    } else {
      await projects.putProject({ projectId: values.project, name: values.name, retentionDays });
      out(`Created project ${values.project} (${values.name}, ${retentionDays}-day retention).`);
    }
    const admin = await bootstrapAdmin(adminBootstrapStores(documents, env), {
      email: values.email,
      projectId: values.project,
    });
    out(
      admin.generatedPassword
        ? `Created the admin ${admin.email} with the password ${admin.generatedPassword} (shown only now; sign in and change it, or sign in through single sign-on with this email).`
        : `A user ${admin.email} exists already; nothing changed (admins add members in the web app).`,
    );
  } finally {
    documents.destroy();
  }
}

async function scan(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { file: { type: 'string' } } });
  const { createReadStream } = await import('node:fs');
  const { scanJsonLines } = await import('../../functions/enrich/scanJsonLines.ts');
  const input = values.file ? createReadStream(values.file) : process.stdin;
  const { scanned, errors } = await scanJsonLines(input, process.stdout);
  process.stderr.write(`scanned ${scanned} texts, ${errors} lines rejected\n`);
  if (errors > 0) process.exitCode = 1;
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'migrate':
      return migrate();
    case 'stack':
      return stackInfo();
    case 'bench':
      return bench(rest);
    case 'seed':
      return seed(rest);
    case 'dead-letters':
      return deadLetters(rest);
    case 'contract-schema':
      return contractSchema();
    case 'scan':
      return scan(rest);
    case 'build-web':
      return buildWeb();
    case 'build-sdk':
      return buildSdk(rest);
    case 'bootstrap':
      return bootstrap(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return;
    default:
      throw new Error(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

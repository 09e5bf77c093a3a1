/**
 * The web app's AWS Lambda package, built by `npx sightline build-web` and started the way the
 * AWS Lambda Web Adapter starts it (`run.sh`, the adapter's port in `AWS_LWA_PORT`). Its start
 * script reads the session secret and the Cognito app client's secret through the AWS APIs,
 * and the app reads its ClickHouse connection from a secret (a protocol-level stand-in for
 * Secrets Manager and Cognito, the real SDK clients); the control plane is dynalite, ClickHouse
 * the embedded engine's HTTP endpoint, the identity provider a fake OIDC provider. Nothing
 * secret is in the process's environment at start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthRecordStore } from '../../functions/control/authRecordStore.ts';
import { bootstrapAdmin } from '../../functions/control/adminBootstrap.ts';
import { MembershipsRepository } from '../../functions/control/membershipsRepository.ts';
import { runMigrations } from '../../functions/store/migrate.ts';
import {
  startEmbeddedEndpoint,
  TEST_AUTH,
  type EmbeddedEndpoint,
} from '../../infra/local/clickhouse/testing/embeddedEndpoint.ts';
import { findFreePort } from '../../infra/local/services/listenOnLoopback.ts';
import { buildWebPackage } from '../../infra/web/buildWebPackage.ts';
import { startFakeAwsSecretsServer } from '../fakes/fakeAwsSecretsServer.ts';
import { startFakeOidcProvider, type FakeOidcProvider } from '../fakes/oidcProvider.ts';
import type { ScriptedHttpServer } from '../fakes/scriptedHttpServer.ts';
import { startTestControlPlane } from '../helpers/controlPlane.ts';
import { REPOSITORY_ROOT, runCli } from '../helpers/localStackProcess.ts';
import { signInForCookie, TEST_ADMIN } from '../helpers/webSession.ts';

const PROJECT = { projectId: 'lambda-test', name: 'Lambda package test', retentionDays: 30 };
const AUTH_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:web-auth-AbCdEf';
const CLICKHOUSE_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ch-GhIjKl';
const USER_POOL = 'eu-west-1_LambdaTest';
const CLIENT_ID = 'sightline-web-client';
const CLIENT_SECRET = 'cognito-generated-secret-for-the-web-client';
const SSO_USER = { sub: 'cognito-sub-1', email: 'oncall@example.com', emailVerified: true };
const ATTEMPTS_PER_ADDRESS = 5;

let logDirectory: string;
let controlPlane: Awaited<ReturnType<typeof startTestControlPlane>>;
let clickhouse: EmbeddedEndpoint;
let aws: ScriptedHttpServer<never>;
let provider: FakeOidcProvider;
let server: ChildProcess | undefined;
let output = '';
let baseUrl: string;

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`run.sh exited:\n${output}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`the packaged server did not answer within ${timeoutMs} ms:\n${output}`);
}

const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');

beforeAll(async () => {
  logDirectory = mkdtempSync(path.join(tmpdir(), 'sightline-web-package-'));
  // Built from a shell that turned compression off for a local server: the package must
  // compress all the same (asserted on the sign-in page below).
  vi.stubEnv('SIGHTLINE_WEB_COMPRESS', 'off');
  const packageDirectory = await buildWebPackage({ root: REPOSITORY_ROOT, logDirectory }).finally(
    () => vi.unstubAllEnvs(),
  );

  controlPlane = await startTestControlPlane();
  await controlPlane.projects.putProject(PROJECT);
  await bootstrapAdmin(
    {
      authRecords: new AuthRecordStore(
        controlPlane.documents,
        controlPlane.env.SIGHTLINE_AUTH_TABLE,
      ),
      memberships: new MembershipsRepository(
        controlPlane.documents,
        controlPlane.env.SIGHTLINE_MEMBERSHIPS_TABLE,
      ),
    },
    { email: TEST_ADMIN.email, password: TEST_ADMIN.password, projectId: PROJECT.projectId },
  );
  clickhouse = await startEmbeddedEndpoint();
  await runMigrations(clickhouse.embedded.client);
  aws = await startFakeAwsSecretsServer({
    secrets: {
      [AUTH_SECRET_ARN]: 'z'.repeat(48),
      [CLICKHOUSE_SECRET_ARN]: JSON.stringify({
        url: clickhouse.server.url,
        username: TEST_AUTH.username,
        password: TEST_AUTH.password,
        database: 'default',
      }),
    },
    cognitoClients: { [`${USER_POOL}/${CLIENT_ID}`]: CLIENT_SECRET },
  });
  provider = await startFakeOidcProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    user: SSO_USER,
  });

  const port = await findFreePort();
  baseUrl = `http://localhost:${port}`;
  provider.registerRedirectUri(`${baseUrl}/api/auth/oauth2/callback/oidc`);
  // What the stack gives the function (infra/constructs/WebFunction.ts), local stand-ins aside.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    AWS_LWA_PORT: String(port),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: aws.url,
    AWS_ENDPOINT_URL_DYNAMODB: controlPlane.env.AWS_ENDPOINT_URL_DYNAMODB!,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    SIGHTLINE_WEB_URL: baseUrl,
    SIGHTLINE_WEB_ALLOWED_HOSTS: 'localhost',
    // As behind API Gateway, which appends the client's address to X-Forwarded-For.
    SIGHTLINE_TRUSTED_PROXY_HOPS: '1',
    SIGHTLINE_SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS: String(ATTEMPTS_PER_ADDRESS),
    SIGHTLINE_AUTH_SECRET_ARN: AUTH_SECRET_ARN,
    CLICKHOUSE_SECRET_ARN,
    SIGHTLINE_PROJECTS_TABLE: controlPlane.env.SIGHTLINE_PROJECTS_TABLE,
    SIGHTLINE_INGEST_KEYS_TABLE: controlPlane.env.SIGHTLINE_INGEST_KEYS_TABLE,
    SIGHTLINE_AUTH_TABLE: controlPlane.env.SIGHTLINE_AUTH_TABLE,
    SIGHTLINE_MEMBERSHIPS_TABLE: controlPlane.env.SIGHTLINE_MEMBERSHIPS_TABLE,
    SIGHTLINE_API_TOKENS_TABLE: controlPlane.env.SIGHTLINE_API_TOKENS_TABLE,
    SIGHTLINE_OIDC_DISCOVERY_URL: provider.discoveryUrl,
    SIGHTLINE_OIDC_CLIENT_ID: CLIENT_ID,
    SIGHTLINE_OIDC_COGNITO_USER_POOL_ID: USER_POOL,
  };
  const started = spawn('sh', [path.join(packageDirectory, 'run.sh')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = started;
  started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForServer(`${baseUrl}/sign-in`, 60_000);
}, 600_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await provider?.close();
  await aws?.close();
  await clickhouse?.close();
  await controlPlane?.close();
  if (logDirectory) rmSync(logDirectory, { recursive: true, force: true });
});

describe('the web app’s Lambda package', () => {
  it('read its secrets through the AWS APIs at start: the session secret and the app client’s', () => {
    const asked = aws.requests.map((request) => [request.headers['x-amz-target'], request.body]);

    expect(asked).toEqual(
      expect.arrayContaining([
        ['secretsmanager.GetSecretValue', { SecretId: AUTH_SECRET_ARN }],
        [
          'AWSCognitoIdentityProviderService.DescribeUserPoolClient',
          { UserPoolId: USER_POOL, ClientId: CLIENT_ID },
        ],
      ]),
    );
  });

  it('serves the sign-in page with single sign-on, and its static files', async () => {
    const page = await fetch(`${baseUrl}/sign-in`);
    const html = await page.text();
    const script = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];

    expect(page.status).toBe(200);
    // Deployed answers stay compressed (API Gateway does not compress them).
    expect(page.headers.get('content-encoding')).toBe('gzip');
    expect(html).toContain('Single sign-on');
    expect(script).toBeDefined();
    const asset = await fetch(`${baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
  });

  it('signs the admin in and answers the API, reading ClickHouse through its secret', async () => {
    const cookie = await signInForCookie(baseUrl, TEST_ADMIN);

    const me = await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie } });
    const summary = await fetch(
      `${baseUrl}/api/v1/projects/${PROJECT.projectId}/metrics/summary?range=24h`,
      { headers: { cookie } },
    );

    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      email: TEST_ADMIN.email,
      projects: [{ projectId: PROJECT.projectId, role: 'admin' }],
    });
    expect(summary.status).toBe(200);
    // The summary query ran on the migrated engine the secret points at (nothing stored yet).
    expect(await summary.json()).toMatchObject({ summary: { requests: 0, errors: 0 } });
    expect(aws.requests.map((request) => request.body?.SecretId)).toContain(CLICKHOUSE_SECRET_ARN);
  });

  it('completes a single sign-on with the app client secret it read from Cognito', async () => {
    const started = await fetch(`${baseUrl}/api/auth/sign-in/oauth2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseUrl },
      body: JSON.stringify({ providerId: 'oidc', callbackURL: '/' }),
    });
    const stateCookie = cookiesOf(started);
    const { url } = (await started.json()) as { url: string };
    const authorized = await fetch(url, { redirect: 'manual' });
    const callback = await fetch(authorized.headers.get('location')!, {
      headers: { cookie: stateCookie },
      redirect: 'manual',
    });
    const session = cookiesOf(callback);

    const tokenRequest = provider.requests.find((request) => request.path === '/token');
    expect(tokenRequest?.status).toBe(200);
    const me = await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: SSO_USER.email, projects: [] });
  });

  it('limits sign-ins per client address even when the client writes its own X-Forwarded-For', async () => {
    const attempt = (index: number, proxiedFrom: string) =>
      fetch(`${baseUrl}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: baseUrl,
          // A forged first entry each time; the trusted proxy's entry last.
          'x-forwarded-for': `10.0.0.${index}, ${proxiedFrom}`,
        },
        body: JSON.stringify({ email: `guess-${index}@example.com`, password: 'wrong-password-1' }),
      });

    const statuses: number[] = [];
    for (let index = 0; index <= ATTEMPTS_PER_ADDRESS; index += 1)
      statuses.push((await attempt(index, '203.0.113.7')).status);
    const elsewhere = await attempt(99, '198.51.100.9');

    expect(statuses.slice(0, ATTEMPTS_PER_ADDRESS)).toEqual(
      Array.from({ length: ATTEMPTS_PER_ADDRESS }, () => 401),
    );
    expect(statuses[ATTEMPTS_PER_ADDRESS]).toBe(429);
    expect(elsewhere.status).toBe(401);
  });

  it('refuses a request addressed to any other host name', async () => {
    const response = await fetch(`${baseUrl.replace('localhost', '127.0.0.1')}/api/v1/me`);

    expect(response.status).toBe(421);
  });
});

describe('sightline bootstrap, against the deployed control plane', () => {
  const cliEnv = () => ({
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
    AWS_ENDPOINT_URL_DYNAMODB: controlPlane.env.AWS_ENDPOINT_URL_DYNAMODB,
  });
  const bootstrap = async (...args: string[]) => {
    const run = runCli(['bootstrap', ...args], { env: cliEnv() });
    return { code: await run.exited, output: run.output() };
  };

  it('creates the first project and its admin, who signs in to the packaged app with the password printed once', async () => {
    const email = 'first-admin@example.com';

    const first = await bootstrap('--project', 'prod', '--name', 'Production', '--email', email);

    expect(first.code).toBe(0);
    expect(first.output).toContain('Created project prod (Production, 90-day retention).');
    const password = /with the password (\S+) \(shown only now/.exec(first.output)?.[1];
    expect(password).toBeDefined();
    const cookie = await signInForCookie(baseUrl, { email, password: password! });
    const me = await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ projects: [{ projectId: 'prod', role: 'admin' }] });

    const again = await bootstrap('--project', 'prod', '--name', 'Renamed', '--email', email);

    expect(again.code).toBe(0);
    expect(again.output).toContain('Project prod exists; left as it is.');
    expect(again.output).toContain(`A user ${email} exists already; nothing changed`);
    expect(again.output).not.toContain('password');
    expect(await controlPlane.projects.getProject('prod')).toMatchObject({ name: 'Production' });
  });

  it('refuses to run without a project, a name and an email', async () => {
    const run = await bootstrap('--project', 'prod');

    expect(run.code).not.toBe(0);
    expect(run.output).toContain('bootstrap needs --project, --name and --email');
    const badRetention = await bootstrap(
      ...['--project', 'later', '--name', 'Later', '--email', 'later@example.com'],
      ...['--retention-days', 'forever'],
    );
    expect(badRetention.code).not.toBe(0);
    expect(badRetention.output).toContain(
      '--retention-days must be a whole number of days from 1 to 3650 (got forever)',
    );
    expect(await controlPlane.projects.getProject('later')).toBeUndefined();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedHttpServer } from '../../test/fakes/scriptedHttpServer.ts';
import {
  fakeAwsClientConfig,
  startFakeAwsSecretsServer,
} from '../../test/fakes/fakeAwsSecretsServer.ts';
import {
  awsWebSecretSources,
  resolveWebSecrets,
  startWebInLambda,
  WebStartError,
} from './lambdaStart.ts';

const AUTH_SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sightline-web-auth-AbCdEf';
const AUTH_SECRET = 'a'.repeat(40) + 'session-secret';
const POOL = 'eu-west-1_TestPool';
const CLIENT = 'web-client-id';
const CLIENT_SECRET = 'cognito-generated-client-secret';

describe('the web app’s Lambda start script', () => {
  let aws: ScriptedHttpServer<never>;
  let directory: string;

  beforeAll(async () => {
    aws = await startFakeAwsSecretsServer({
      secrets: { [AUTH_SECRET_ARN]: AUTH_SECRET },
      cognitoClients: { [`${POOL}/${CLIENT}`]: CLIENT_SECRET },
    });
    directory = mkdtempSync(path.join(tmpdir(), 'sightline-lambda-start-'));
  });

  afterAll(async () => {
    await aws.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const sources = () => awsWebSecretSources(fakeAwsClientConfig(aws.url));

  it('fills the session secret and the Cognito client secret through the AWS APIs', async () => {
    const env: Record<string, string | undefined> = {
      SIGHTLINE_AUTH_SECRET_ARN: AUTH_SECRET_ARN,
      SIGHTLINE_OIDC_COGNITO_USER_POOL_ID: POOL,
      SIGHTLINE_OIDC_CLIENT_ID: CLIENT,
    };
    aws.requests.length = 0;

    await resolveWebSecrets(env, sources());

    expect(env.SIGHTLINE_AUTH_SECRET).toBe(AUTH_SECRET);
    expect(env.SIGHTLINE_OIDC_CLIENT_SECRET).toBe(CLIENT_SECRET);
    expect(aws.requests.map((request) => [request.headers['x-amz-target'], request.body])).toEqual([
      ['secretsmanager.GetSecretValue', { SecretId: AUTH_SECRET_ARN }],
      [
        'AWSCognitoIdentityProviderService.DescribeUserPoolClient',
        { UserPoolId: POOL, ClientId: CLIENT },
      ],
    ]);
  });

  it('keeps values already in the environment and asks AWS for nothing', async () => {
    const env: Record<string, string | undefined> = {
      SIGHTLINE_AUTH_SECRET: 'given-directly-'.repeat(3),
      SIGHTLINE_AUTH_SECRET_ARN: AUTH_SECRET_ARN,
      SIGHTLINE_OIDC_CLIENT_SECRET: 'given-too',
      SIGHTLINE_OIDC_COGNITO_USER_POOL_ID: POOL,
      SIGHTLINE_OIDC_CLIENT_ID: CLIENT,
    };
    aws.requests.length = 0;

    await resolveWebSecrets(env, sources());

    expect(env.SIGHTLINE_AUTH_SECRET).toBe('given-directly-'.repeat(3));
    expect(env.SIGHTLINE_OIDC_CLIENT_SECRET).toBe('given-too');
    expect(aws.requests).toEqual([]);
  });

  it('names the variable and the secret, never a value, when a secret cannot be read', async () => {
    const missingArn = `${AUTH_SECRET_ARN}-gone`;
    const env: Record<string, string | undefined> = { SIGHTLINE_AUTH_SECRET_ARN: missingArn };

    const failure = resolveWebSecrets(env, sources());

    await expect(failure).rejects.toBeInstanceOf(WebStartError);
    await expect(failure).rejects.toThrow(
      `Could not read the secret ${missingArn} for SIGHTLINE_AUTH_SECRET: ResourceNotFoundException`,
    );
    expect(env.SIGHTLINE_AUTH_SECRET).toBeUndefined();
  });

  it('refuses an unknown app client and a user pool without a client id', async () => {
    await expect(
      resolveWebSecrets(
        { SIGHTLINE_OIDC_COGNITO_USER_POOL_ID: POOL, SIGHTLINE_OIDC_CLIENT_ID: 'other-client' },
        sources(),
      ),
    ).rejects.toThrow(/app client other-client in user pool .*: ResourceNotFoundException/);
    await expect(
      resolveWebSecrets({ SIGHTLINE_OIDC_COGNITO_USER_POOL_ID: POOL }, sources()),
    ).rejects.toThrow(
      'SIGHTLINE_OIDC_COGNITO_USER_POOL_ID is set without SIGHTLINE_OIDC_CLIENT_ID',
    );
  });

  it('refuses an empty secret', async () => {
    await expect(
      resolveWebSecrets(
        { SIGHTLINE_AUTH_SECRET_ARN: 'arn:empty' },
        { secretString: async () => '', cognitoClientSecret: async () => undefined },
      ),
    ).rejects.toThrow('the secret arn:empty for SIGHTLINE_AUTH_SECRET is empty');
  });

  it('starts the server beside it on loopback, at the adapter’s port, once the secrets are in', async () => {
    // A stand-in for Next's server.js: importing it is starting it.
    const server = path.join(directory, 'server.mjs');
    writeFileSync(server, 'globalThis.__sightlineServerStarted = true;\n');
    const env: Record<string, string | undefined> = {
      SIGHTLINE_AUTH_SECRET_ARN: AUTH_SECRET_ARN,
      AWS_LWA_PORT: '8123',
      HOSTNAME: 'ip-10-0-0-1',
    };

    await startWebInLambda(env, sources(), pathToFileURL(server));

    expect(env).toMatchObject({
      HOSTNAME: '127.0.0.1',
      PORT: '8123',
      SIGHTLINE_AUTH_SECRET: AUTH_SECRET,
    });
    expect((globalThis as { __sightlineServerStarted?: boolean }).__sightlineServerStarted).toBe(
      true,
    );
  });

  it('does not start the server when a secret is missing', async () => {
    const server = path.join(directory, 'never.mjs');
    writeFileSync(server, 'globalThis.__sightlineNeverStarted = true;\n');

    await expect(
      startWebInLambda({ SIGHTLINE_AUTH_SECRET_ARN: 'arn:gone' }, sources(), pathToFileURL(server)),
    ).rejects.toThrow(WebStartError);
    expect((globalThis as { __sightlineNeverStarted?: boolean }).__sightlineNeverStarted).toBe(
      undefined,
    );
  });
});

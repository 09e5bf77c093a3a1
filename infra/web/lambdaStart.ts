/**
 * The web app's entry in AWS Lambda. The AWS Lambda Web Adapter (a layer) runs the package's
 * `run.sh`, which runs this (bundled as `web/lambda-start.mjs` by `npx sightline build-web`):
 * it fetches the secrets the app needs at cold start and puts them in the environment the app
 * reads (the function's configuration names them, never holds them), then starts Next's
 * standalone server on loopback at the port the adapter forwards requests to.
 *
 * - `SIGHTLINE_AUTH_SECRET_ARN`: a Secrets Manager secret whose string signs session cookies
 *   (`SIGHTLINE_AUTH_SECRET`).
 * - `SIGHTLINE_OIDC_COGNITO_USER_POOL_ID` with `SIGHTLINE_OIDC_CLIENT_ID`: the Cognito app
 *   client's secret is read from Cognito itself (`SIGHTLINE_OIDC_CLIENT_SECRET`), so it is
 *   never copied anywhere.
 *
 * A value already in the environment is kept. Failures name the variable, never a value.
 */
import { pathToFileURL } from 'node:url';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Where the secrets come from: AWS in the function, fakes speaking the same API in tests. */
export interface WebSecretSources {
  secretString(secretArn: string): Promise<string | undefined>;
  cognitoClientSecret(userPoolId: string, clientId: string): Promise<string | undefined>;
}

export class WebStartError extends Error {
  override readonly name = 'WebStartError';
}

async function fetched(
  variable: string,
  what: string,
  read: () => Promise<string | undefined>,
): Promise<string> {
  let value: string | undefined;
  try {
    value = await read();
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new WebStartError(`Could not read ${what} for ${variable}: ${reason}`, { cause: error });
  }
  if (!value) throw new WebStartError(`${what} for ${variable} is empty`);
  return value;
}

/** Fills the secret variables the web app reads from the sources their `*_ARN`/id variables name. */
export async function resolveWebSecrets(
  env: Record<string, string | undefined>,
  sources: WebSecretSources,
): Promise<void> {
  const authSecretArn = env.SIGHTLINE_AUTH_SECRET_ARN;
  if (!env.SIGHTLINE_AUTH_SECRET && authSecretArn) {
    env.SIGHTLINE_AUTH_SECRET = await fetched(
      'SIGHTLINE_AUTH_SECRET',
      `the secret ${authSecretArn}`,
      () => sources.secretString(authSecretArn),
    );
  }
  const userPoolId = env.SIGHTLINE_OIDC_COGNITO_USER_POOL_ID;
  if (!env.SIGHTLINE_OIDC_CLIENT_SECRET && userPoolId) {
    const clientId = env.SIGHTLINE_OIDC_CLIENT_ID;
    if (!clientId) {
      throw new WebStartError(
        'SIGHTLINE_OIDC_COGNITO_USER_POOL_ID is set without SIGHTLINE_OIDC_CLIENT_ID',
      );
    }
    env.SIGHTLINE_OIDC_CLIENT_SECRET = await fetched(
      'SIGHTLINE_OIDC_CLIENT_SECRET',
      `the secret of app client ${clientId} in user pool ${userPoolId}`,
      () => sources.cognitoClientSecret(userPoolId, clientId),
    );
  }
}

/**
 * The AWS SDK clients, with the function's credentials and region (and, like every AWS SDK
 * client, `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`).
 */
export function awsWebSecretSources(
  config: ConstructorParameters<typeof SecretsManagerClient>[0] = {},
): WebSecretSources {
  const secrets = new SecretsManagerClient(config);
  const cognito = new CognitoIdentityProviderClient(config);
  return {
    async secretString(secretArn) {
      const result = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
      return result.SecretString;
    },
    async cognitoClientSecret(userPoolId, clientId) {
      const result = await cognito.send(
        new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
      );
      return result.UserPoolClient?.ClientSecret;
    },
  };
}

/** Resolves the secrets, then starts the standalone server that sits beside this file. */
export async function startWebInLambda(
  env: Record<string, string | undefined> = process.env,
  sources: WebSecretSources = awsWebSecretSources(),
  serverUrl = new URL('./server.js', import.meta.url),
): Promise<void> {
  await resolveWebSecrets(env, sources);
  // The adapter reaches the server on loopback; nothing else should.
  env.HOSTNAME = '127.0.0.1';
  env.PORT = env.AWS_LWA_PORT ?? env.PORT ?? '8080';
  await import(serverUrl.href);
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  startWebInLambda().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}

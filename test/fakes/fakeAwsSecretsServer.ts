/**
 * A loopback stand-in for the two AWS APIs the web app's Lambda start script reads secrets
 * from, speaking their wire protocol (AWS JSON 1.1, the operation in `X-Amz-Target`) so the
 * real SDK clients are exercised: Secrets Manager `GetSecretValue` and Cognito
 * `DescribeUserPoolClient`. Unknown names get the ResourceNotFoundException AWS returns.
 */
import {
  sendJson,
  startScriptedHttpServer,
  type ScriptedHttpServer,
} from './scriptedHttpServer.ts';

export interface FakeAwsSecrets {
  /** Secret ARN → SecretString. */
  secrets: Record<string, string>;
  /** `<userPoolId>/<clientId>` → the app client's secret. */
  cognitoClients: Record<string, string>;
}

const AWS_JSON = { 'content-type': 'application/x-amz-json-1.1' };

export function startFakeAwsSecretsServer(
  values: FakeAwsSecrets,
): Promise<ScriptedHttpServer<never>> {
  return startScriptedHttpServer<never>((request, _reply, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const body = request.body ?? {};
    const notFound = (message: string) =>
      sendJson(response, { __type: 'ResourceNotFoundException', message }, 400, AWS_JSON);
    if (target === 'secretsmanager.GetSecretValue') {
      const arn = String(body.SecretId);
      const value = values.secrets[arn];
      if (value === undefined) return notFound("Secrets Manager can't find the specified secret.");
      return sendJson(response, { ARN: arn, Name: arn, SecretString: value }, 200, AWS_JSON);
    }
    if (target === 'AWSCognitoIdentityProviderService.DescribeUserPoolClient') {
      const userPoolId = String(body.UserPoolId);
      const clientId = String(body.ClientId);
      const secret = values.cognitoClients[`${userPoolId}/${clientId}`];
      if (secret === undefined) return notFound(`User pool client ${clientId} does not exist.`);
      return sendJson(
        response,
        { UserPoolClient: { UserPoolId: userPoolId, ClientId: clientId, ClientSecret: secret } },
        200,
        AWS_JSON,
      );
    }
    return sendJson(
      response,
      { __type: 'UnknownOperationException', message: `unknown operation ${target}` },
      400,
      AWS_JSON,
    );
  });
}

/** Client settings that point the real SDK clients at the fake. */
export function fakeAwsClientConfig(url: string) {
  return {
    endpoint: url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret-access-key' },
  };
}

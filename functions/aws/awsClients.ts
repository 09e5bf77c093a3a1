/**
 * Builds the AWS SDK clients every server-side process uses, from the parsed environment.
 * Local stand-ins (kinesalite, dynalite) speak HTTP/1.1 only, while the SDK's Kinesis client
 * defaults to HTTP/2; an `http://` endpoint therefore gets an HTTP/1.1 handler.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { serverEnv, type ServerEnv } from '../config/env.ts';

/** Placeholder credentials for local stand-ins, which accept any; never used against AWS. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

function endpointOptions(endpoint: string | undefined) {
  if (!endpoint) return {};
  const isPlainHttp = endpoint.startsWith('http://');
  return {
    endpoint,
    ...(isPlainHttp
      ? {
          requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000 }),
          credentials: LOCAL_CREDENTIALS,
        }
      : {}),
  };
}

export function createKinesisClient(env: ServerEnv = serverEnv()): KinesisClient {
  return new KinesisClient({
    region: env.AWS_REGION,
    maxAttempts: 3,
    ...endpointOptions(env.AWS_ENDPOINT_URL_KINESIS),
  });
}

export function createDynamoClient(env: ServerEnv = serverEnv()): DynamoDBClient {
  return new DynamoDBClient({
    region: env.AWS_REGION,
    maxAttempts: 3,
    ...endpointOptions(env.AWS_ENDPOINT_URL_DYNAMODB),
  });
}

export function createDynamoDocumentClient(env: ServerEnv = serverEnv()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(env), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** KMS: the content vault's data keys (AWS only; local mode wraps with a key file). */
export function createKmsClient(env: ServerEnv = serverEnv()): KMSClient {
  return new KMSClient({ region: env.AWS_REGION, maxAttempts: 3 });
}

/** SQS: the LLM-as-judge queue (AWS only; local mode uses a file-backed queue). */
export function createSqsClient(env: ServerEnv = serverEnv()): SQSClient {
  return new SQSClient({ region: env.AWS_REGION, maxAttempts: 3 });
}

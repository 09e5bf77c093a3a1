/**
 * The lean PutRecords path against what the AWS SDK's own `send()` does with the same client:
 * the same endpoint, headers and body, the same error names, and each entry's fate read from
 * the answer. A local HTTP server speaks the Kinesis JSON 1.1 protocol; AWS's own endpoints,
 * which cannot be reached here, are checked through a recording HTTP handler given to the
 * client in place of its network one.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startScriptedHttpServer,
  type RecordedRequest,
  type ScriptedHttpServer,
} from '../../../test/fakes/scriptedHttpServer.ts';
import { createSdkKinesisClient } from '../config.ts';
import {
  clientPutRecords,
  errorFrom,
  leanPutRecords,
  type PutRecords,
  type PutRecordsEntry,
} from './putRecords.ts';

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Never answer (the request hangs until it is aborted). */
  hang?: boolean;
  /** Answer the head and part of the body, then nothing more. */
  stall?: boolean;
}

const ENTRIES: PutRecordsEntry[] = [
  { data: Buffer.from('first record'), partitionKey: 'a1' },
  { data: new Uint8Array([0, 1, 2, 250, 251, 252]), partitionKey: 'b2' },
];

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function kinesisServer(): Promise<ScriptedHttpServer<Reply>> {
  const server = await startScriptedHttpServer<Reply>(
    (_request: RecordedRequest, reply: Reply | undefined, response: ServerResponse) => {
      if (reply?.hang) return;
      if (reply?.stall) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.write('{"FailedRecordCount":0,"Records":[');
        return;
      }
      const answer = reply ?? { status: 200, body: { FailedRecordCount: 0, Records: [] } };
      response.writeHead(answer.status, {
        'content-type': 'application/x-amz-json-1.1',
        ...answer.headers,
      });
      response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    },
  );
  cleanup.push(() => server.close());
  return server;
}

function localClient(endpoint: string): KinesisClient {
  const client = createSdkKinesisClient({ endpoint, region: 'eu-west-1' });
  cleanup.push(() => client.destroy());
  return client;
}

const put = (send: PutRecords, timeoutMs = 5_000) =>
  send('spans', ENTRIES, AbortSignal.timeout(timeoutMs));

const oneAcceptedOneFailed = {
  status: 200,
  body: {
    FailedRecordCount: 1,
    Records: [
      { SequenceNumber: '49590338271490256608559692538361571095921575989136588898', ShardId: 's0' },
      { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' },
    ],
  },
};

describe('leanPutRecords', () => {
  it('sends the request the AWS SDK sends, signed, and reads which entries were taken', async () => {
    // Prepare: the same answer for the SDK's own send and for the lean path.
    const server = await kinesisServer();
    const client = localClient(server.url);
    server.enqueue(oneAcceptedOneFailed, oneAcceptedOneFailed);
    // Act
    const bySdk = await put(clientPutRecords(client));
    const byLean = await put(leanPutRecords(client));
    // Assess
    expect(byLean).toEqual([true, false]);
    expect(bySdk).toEqual([true, false]);
    const [sdkRequest, leanRequest] = server.requests;
    expect(leanRequest!.body).toEqual(sdkRequest!.body);
    expect(leanRequest!.body).toEqual({
      StreamName: 'spans',
      Records: ENTRIES.map((entry) => ({
        Data: Buffer.from(entry.data).toString('base64'),
        PartitionKey: entry.partitionKey,
      })),
    });
    for (const header of ['x-amz-target', 'content-type', 'host'])
      expect(leanRequest!.headers[header]).toBe(sdkRequest!.headers[header]);
    expect(leanRequest!.path).toBe(sdkRequest!.path);
    expect(leanRequest!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/eu-west-1\/kinesis\/aws4_request, SignedHeaders=\S*host\S*x-amz-target\S*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('rejects a refused request with the name and message the AWS SDK gives it', async () => {
    // Prepare
    const server = await kinesisServer();
    const client = localClient(server.url);
    const refused = {
      status: 400,
      body: {
        __type: 'com.amazonaws.kinesis#ResourceNotFoundException',
        message: 'Stream spans under account 000000000000 not found.',
      },
    };
    server.enqueue(refused, refused);
    // Act
    const bySdk = await put(clientPutRecords(client)).catch((error: unknown) => error);
    const byLean = await put(leanPutRecords(client)).catch((error: unknown) => error);
    // Assess
    expect(byLean).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Stream spans under account 000000000000 not found.',
      $metadata: { httpStatusCode: 400 },
    });
    expect((byLean as Error).name).toBe((bySdk as Error).name);
    expect((byLean as Error).message).toBe((bySdk as Error).message);
  });

  it('signs with the service’s time once its clock is more than five minutes from ours', async () => {
    // Prepare: the service's clock is an hour ahead, and it refuses the first signature.
    const server = await kinesisServer();
    const client = localClient(server.url);
    const serviceTime = Date.now() + 3_600_000;
    server.enqueue(
      {
        status: 400,
        headers: { date: new Date(serviceTime).toUTCString() },
        body: { __type: 'InvalidSignatureException', message: 'Signature expired' },
      },
      oneAcceptedOneFailed,
    );
    const send = leanPutRecords(client);
    // Act
    await expect(put(send)).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    await put(send);
    // Assess
    const signedAt = (request: RecordedRequest) => {
      const stamp = String(request.headers['x-amz-date']);
      return Date.parse(
        `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13)}`,
      );
    };
    expect(Math.abs(signedAt(server.requests[0]!) - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(signedAt(server.requests[1]!) - serviceTime)).toBeLessThan(60_000);
  });

  it('gives up on a request that is not answered in time', async () => {
    // Prepare
    const server = await kinesisServer();
    server.enqueue({ status: 200, body: {}, hang: true });
    // Act
    const outcome = put(leanPutRecords(localClient(server.url)), 200);
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects an answer of 200 that is not JSON, so the entries are retried rather than counted as sent', async () => {
    // Prepare: a proxy's page where the service's answer should be.
    const server = await kinesisServer();
    server.enqueue({ status: 200, body: '<html>gateway</html>' });
    // Act
    const outcome = put(leanPutRecords(localClient(server.url)));
    // Assess
    await expect(outcome).rejects.toThrow(SyntaxError);
  });

  it('gives up the same way on an answer that stops halfway', async () => {
    // Prepare
    const server = await kinesisServer();
    server.enqueue({ status: 200, body: {}, stall: true });
    // Act
    const outcome = put(leanPutRecords(localClient(server.url)), 300);
    // Assess
    await expect(outcome).rejects.toMatchObject({
      name: 'AbortError',
      message: 'Request aborted while its answer was read',
    });
  });

  it.each([
    { region: 'eu-west-1', fips: false, host: 'kinesis.eu-west-1.amazonaws.com' },
    { region: 'cn-north-1', fips: false, host: 'kinesis.cn-north-1.amazonaws.com.cn' },
    { region: 'us-east-1', fips: true, host: 'kinesis-fips.us-east-1.amazonaws.com' },
  ])('sends to AWS where the SDK would: $region (FIPS $fips)', async ({ region, fips, host }) => {
    // Prepare: an HTTP handler that records each request instead of reaching AWS.
    type Sent = {
      protocol: string;
      hostname: string;
      path: string;
      headers: Record<string, string>;
      body: string | Uint8Array;
    };
    const sent: Sent[] = [];
    const client = new KinesisClient({
      region,
      useFipsEndpoint: fips,
      // AWS's own endpoints, whatever endpoint this machine's environment may configure.
      ignoreConfiguredEndpointUrls: true,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
      requestHandler: {
        handle: async (request: Sent) => {
          sent.push(request);
          const body = JSON.stringify({ FailedRecordCount: 0, Records: [{}, {}] });
          return {
            response: {
              statusCode: 200,
              headers: { 'content-type': 'application/x-amz-json-1.1' },
              body: Readable.from([Buffer.from(body)]),
            },
          };
        },
      },
    });
    cleanup.push(() => client.destroy());
    // Act
    await put(clientPutRecords(client));
    await put(leanPutRecords(client));
    // Assess
    const [bySdk, byLean] = sent;
    expect(byLean).toMatchObject({ protocol: 'https:', hostname: host, path: '/' });
    expect(byLean).toMatchObject({
      protocol: bySdk!.protocol,
      hostname: bySdk!.hostname,
      path: bySdk!.path,
    });
    // Signed for the same region and service (the scope of the credential).
    const scope = (request: Sent) =>
      /Credential=([^,]+),/.exec(request.headers.authorization!)?.[1];
    expect(scope(byLean!)).toMatch(
      new RegExp(`^AKIDEXAMPLE/\\d{8}/${region}/kinesis/aws4_request$`),
    );
    expect(scope(byLean!)).toBe(scope(bySdk!));
    const text = (body: string | Uint8Array) =>
      typeof body === 'string' ? body : new TextDecoder().decode(body);
    expect(JSON.parse(text(byLean!.body))).toEqual(JSON.parse(text(bySdk!.body)));
  });
});

describe('leanPutRecords with an endpoint configured for the service', () => {
  it('sends where AWS_ENDPOINT_URL_KINESIS says, as the AWS SDK does', async () => {
    // Prepare: a client given no endpoint, in an environment that configures one.
    const server = await kinesisServer();
    server.enqueue(oneAcceptedOneFailed, oneAcceptedOneFailed);
    const saved = process.env.AWS_ENDPOINT_URL_KINESIS;
    process.env.AWS_ENDPOINT_URL_KINESIS = server.url;
    cleanup.push(() => {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_KINESIS;
      else process.env.AWS_ENDPOINT_URL_KINESIS = saved;
    });
    const client = new KinesisClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
      // HTTP/1.1, as the SDK's own client (`createSdkKinesisClient`) and the stand-in speak it.
      requestHandler: new NodeHttpHandler(),
    });
    cleanup.push(() => client.destroy());
    // Act
    const bySdk = await put(clientPutRecords(client));
    const byLean = await put(leanPutRecords(client));
    // Assess
    expect(bySdk).toEqual([true, false]);
    expect(byLean).toEqual([true, false]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.headers.host).toBe(server.requests[0]!.headers.host);
  });
});

describe('errorFrom', () => {
  it('names an error by the x-amzn-ErrorType header when the body is not JSON', () => {
    const error = errorFrom(
      400,
      { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/' },
      '<html>busy</html>',
    );
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      message: 'Kinesis PutRecords answered HTTP 400',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('names an answer with no error type by its status', () => {
    expect(errorFrom(502, {}, 'Bad Gateway')).toMatchObject({
      name: 'HTTP 502',
      message: 'Kinesis PutRecords answered HTTP 502',
    });
  });
});

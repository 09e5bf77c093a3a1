/**
 * SqsJudgeQueue against a protocol-level SQS fake (AWS JSON 1.0 on a loopback port): the
 * real SQS client, batches of ten, per-entry failures and a failed request counted.
 */
import { createHash } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sendJson,
  startScriptedHttpServer,
  type ScriptedHttpServer,
} from '../../test/fakes/scriptedHttpServer.ts';
import { hex } from '../../test/helpers/factories.ts';
import { SqsJudgeQueue } from './SqsJudgeQueue.ts';
import { JudgeJobSchema, type JudgeJob } from './types.ts';

/** Entry ids to fail, or a whole-request error status. */
type SqsReply = { failIds?: string[] } | { status: number };

let sqs: ScriptedHttpServer<SqsReply>;
let client: SQSClient;
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/sightline-judge';

beforeAll(async () => {
  sqs = await startScriptedHttpServer<SqsReply>((request, reply, response) => {
    const headers = { 'content-type': 'application/x-amz-json-1.0' };
    if (reply && 'status' in reply) {
      sendJson(response, { __type: 'InternalError', message: 'boom' }, reply.status, headers);
      return;
    }
    const entries = (request.body?.Entries ?? []) as { Id: string; MessageBody: string }[];
    const failIds = new Set(reply?.failIds ?? []);
    sendJson(
      response,
      {
        Successful: entries
          .filter((entry) => !failIds.has(entry.Id))
          .map((entry) => ({
            Id: entry.Id,
            MessageId: `m-${entry.Id}`,
            MD5OfMessageBody: createHash('md5').update(entry.MessageBody).digest('hex'),
          })),
        Failed: entries
          .filter((entry) => failIds.has(entry.Id))
          .map((entry) => ({ Id: entry.Id, SenderFault: false, Code: 'InternalError' })),
      },
      200,
      headers,
    );
  });
  client = new SQSClient({
    region: 'us-east-1',
    endpoint: sqs.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await sqs?.close();
});

const buildJobs = (count: number): JudgeJob[] =>
  Array.from({ length: count }, () => ({
    projectId: 'p-sqs',
    traceId: hex(16),
    spanId: hex(8),
    rubric: 'faithfulness' as const,
  }));

describe('SqsJudgeQueue', () => {
  it('sends jobs ten per request, each body a judge job', async () => {
    // Prepare
    const queue = new SqsJudgeQueue(client, QUEUE_URL);
    const jobs = buildJobs(23);
    const before = sqs.requests.length;

    // Act
    const result = await queue.enqueue(jobs);

    // Assess
    expect(result).toEqual({ sent: 23, failed: 0 });
    const requests = sqs.requests.slice(before);
    expect(requests.map((request) => request.headers['x-amz-target'])).toEqual([
      'AmazonSQS.SendMessageBatch',
      'AmazonSQS.SendMessageBatch',
      'AmazonSQS.SendMessageBatch',
    ]);
    const bodies = requests.flatMap(
      (request) => (request.body?.Entries as { MessageBody: string }[]) ?? [],
    );
    expect(bodies.map((entry) => JudgeJobSchema.parse(JSON.parse(entry.MessageBody)))).toEqual(
      jobs,
    );
    expect(requests[0]?.body?.QueueUrl).toBe(QUEUE_URL);
  });

  it('counts entries SQS refused and requests that failed, without throwing', async () => {
    // Prepare
    const queue = new SqsJudgeQueue(client, QUEUE_URL);
    sqs.enqueue({ failIds: ['1', '4'] }, { status: 500 });

    // Act
    const result = await queue.enqueue(buildJobs(15));

    // Assess
    expect(result).toEqual({ sent: 8, failed: 7 });
  });
});

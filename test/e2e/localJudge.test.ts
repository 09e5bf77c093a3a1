/**
 * The LLM-as-judge inside the local stack (startLocalStack without web app or demo): a span
 * put on the stream is ingested by the Kinesis runner, its judge job goes through the
 * file-backed queue to the judge runner, the fake judge is called with the key the policy
 * names by environment variable, and the score is in ClickHouse.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDynamoDocumentClient, createKinesisClient } from '../../functions/aws/awsClients.ts';
import { ProjectsRepository } from '../../functions/control/projectsRepository.ts';
import { traceEvalScores } from '../helpers/traceReads.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/startLocalStack.ts';
import { startFakeJudgeServer, type FakeJudgeServer } from '../fakes/fakeJudgeServer.ts';
import { buildRecordData, buildSpan } from '../helpers/factories.ts';
import { clickhouseForStack, waitFor } from '../helpers/localStackProcess.ts';

const KEY_VARIABLE = 'SIGHTLINE_JUDGE_KEY_LOCAL_E2E';
let home: string;
let stack: LocalStack;
let judge: FakeJudgeServer;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-local-judge-'));
  judge = await startFakeJudgeServer({ verdict: { score: 4, reasoning: 'Relevant.' } });
  process.env[KEY_VARIABLE] = 'sk-local-e2e';
  stack = await startLocalStack({
    home,
    ports: { web: 0, clickhouse: 0, kinesis: 0, dynamodb: 0 },
    demo: false,
    web: false,
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await judge?.close();
  delete process.env[KEY_VARIABLE];
  rmSync(home, { recursive: true, force: true });
});

it('judges a span sent to the local stack and stores the score', async () => {
  // Prepare
  const documents = createDynamoDocumentClient(stack.env);
  const projects = new ProjectsRepository(documents, {
    projectsTable: stack.env.SIGHTLINE_PROJECTS_TABLE,
    ingestKeysTable: stack.env.SIGHTLINE_INGEST_KEYS_TABLE,
  });
  const projectId = 'judged';
  await projects.putProject({
    projectId,
    name: projectId,
    retentionDays: 7,
    policy: {
      judge: {
        enabled: true,
        endpoint: judge.baseURL,
        model: 'local-judge',
        apiKeySecretRef: KEY_VARIABLE,
        rubrics: ['relevance'],
        sampleRate: 1,
      },
    },
  });
  const key = await projects.createIngestKey(projectId);
  const span = buildSpan();
  const kinesis = createKinesisClient(stack.env);
  const clickhouse = clickhouseForStack(stack.info);

  // Act
  await kinesis.send(
    new PutRecordCommand({
      StreamName: stack.info.kinesis.streamName,
      PartitionKey: span.traceId,
      Data: buildRecordData([span], { projectId, keyId: key.keyId, secret: key.secret }),
    }),
  );
  const scores = await waitFor(
    async () =>
      (await traceEvalScores(clickhouse, { projectId, traceId: span.traceId })).filter(
        (score) => score.evaluator === 'judge:relevance',
      ),
    (found) => found.length > 0,
    { what: 'a judge score' },
  );

  // Assess
  expect(scores[0]).toMatchObject({
    value: 0.75,
    passed: true,
    evaluator_version: 'r1+local-judge',
  });
  expect(judge.requests.at(-1)?.headers.authorization).toBe('Bearer sk-local-e2e');
  const queueFile = path.join(home, 'judge-queue.json');
  expect(existsSync(queueFile)).toBe(true);
  expect(JSON.parse(readFileSync(queueFile, 'utf8'))).toEqual({ messages: [], deadLetters: [] });
  await clickhouse.close();
  kinesis.destroy();
  documents.destroy();
}, 120_000);

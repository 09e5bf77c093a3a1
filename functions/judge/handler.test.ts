/**
 * The LLM-as-judge end to end against real engines: spans go through the real ingest handler
 * into the embedded ClickHouse (chDB), judge jobs through the local judge queue, the real
 * judge handler calls a fake OpenAI-compatible judge server with the real `openai` client,
 * and scores land in `eval_scores`; budgets are counted in dynalite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildKinesisEvent,
  buildKinesisRecord,
  buildRecordData,
  buildSpan,
  hex,
  type RecordKey,
} from '../../test/helpers/factories.ts';
import { startFakeJudgeServer, type FakeJudgeServer } from '../../test/fakes/fakeJudgeServer.ts';
import { sendJson, startScriptedHttpServer } from '../../test/fakes/scriptedHttpServer.ts';
import { startClickHouseHttpServer } from '../../infra/local/clickhouse/ClickHouseHttpServer.ts';
import { LocalQueueRunner, toSqsRecord } from '../../infra/local/judgeQueue/LocalQueueRunner.ts';
import { createControlPlaneTables, startDynalite } from '../../infra/local/services/dynalite.ts';
import type { LocalService } from '../../infra/local/services/listenOnLoopback.ts';
import { createDynamoClient, createDynamoDocumentClient } from '../aws/awsClients.ts';
import { parseServerEnv } from '../config/env.ts';
import { ProjectsRepository } from '../control/projectsRepository.ts';
import { vaultFromMasterKey } from '../enrich/loadVault.ts';
import { parsePolicy, type JudgePolicy } from '../enrich/policy.ts';
import { createIngestHandler } from '../ingest/handler.ts';
import { IngestKeyCache } from '../ingest/ingestKeyCache.ts';
import { openEmbeddedClickHouse, type EmbeddedClickHouse } from '../store/clickhouseClient.ts';
import { traceEvalScores } from '../../test/helpers/traceReads.ts';
import { runMigrations } from '../store/migrate.ts';
import { countSpans } from '../store/spansRepository.ts';
import { JUDGE_LABELS, RUBRIC_VERSION } from './constants.ts';
import { createJudgeHandler } from './handler.ts';
import { DynamoJudgeBudget } from './JudgeBudget.ts';
import type { JudgeQueue } from './JudgeQueue.ts';
import { LocalJudgeQueue } from './LocalJudgeQueue.ts';
import { resolveJudgeApiKey } from './resolveJudgeApiKey.ts';

const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;
const logger = new Logger({ serviceName: 'judge-test', logLevel: 'SILENT' });
const vault = vaultFromMasterKey(randomBytes(32));
const VISIBILITY_TIMEOUT_MS = 60_000;
const JUDGE_MODEL = 'judge-model-1';

let home: string;
let embedded: EmbeddedClickHouse;
let clickhouse: ClickHouseClient;
let dynalite: LocalService;
let projects: ProjectsRepository;
let budget: DynamoJudgeBudget;
let judgeServer: FakeJudgeServer;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-judge-'));
  embedded = await openEmbeddedClickHouse(parseServerEnv({ SIGHTLINE_HOME: home }));
  clickhouse = embedded.client;
  await runMigrations(clickhouse);
  dynalite = await startDynalite();
  const env = parseServerEnv({ AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint });
  const dynamo = createDynamoClient(env);
  await createControlPlaneTables(dynamo, {
    projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
    ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
    judgeBudgetTable: env.SIGHTLINE_JUDGE_BUDGET_TABLE,
  });
  const documents = createDynamoDocumentClient(env);
  closers.push(
    () => documents.destroy(),
    () => dynamo.destroy(),
  );
  projects = new ProjectsRepository(documents, {
    projectsTable: env.SIGHTLINE_PROJECTS_TABLE,
    ingestKeysTable: env.SIGHTLINE_INGEST_KEYS_TABLE,
  });
  budget = new DynamoJudgeBudget(documents, env.SIGHTLINE_JUDGE_BUDGET_TABLE);
  judgeServer = await startFakeJudgeServer();
});

afterAll(async () => {
  await judgeServer?.close();
  for (const close of closers) await close();
  await clickhouse?.close();
  await dynalite?.close();
  rmSync(home, { recursive: true, force: true });
});

interface JudgeRig {
  key: RecordKey;
  queue: LocalJudgeQueue;
  runner: LocalQueueRunner;
  judgeHandler: ReturnType<typeof createJudgeHandler>;
  /** Moves the queue's clock, so invisible messages come back. */
  advance(ms: number): void;
  ingest(spans: ReturnType<typeof buildSpan>[]): Promise<{ failures: number }>;
  ingestRecord(record: ReturnType<typeof buildKinesisRecord>): Promise<{ failures: number }>;
  /** Polls until the queue has nothing visible; the batches run. */
  drain(): Promise<number>;
}

async function startRig(
  judge: Partial<JudgePolicy> & { endpoint?: string },
  options: { maxReceiveCount?: number; judgeQueue?: JudgeQueue; timeoutMs?: number } = {},
): Promise<JudgeRig> {
  const projectId = `p-${hex(6)}`;
  await projects.putProject({
    projectId,
    name: projectId,
    retentionDays: 30,
    policy: {
      judge: {
        enabled: true,
        endpoint: judgeServer.baseURL,
        model: JUDGE_MODEL,
        rubrics: ['faithfulness'],
        sampleRate: 1,
        ...judge,
      },
    },
  });
  const ingestKey = await projects.createIngestKey(projectId);
  const key = { projectId, keyId: ingestKey.keyId, secret: ingestKey.secret };
  let clock = Date.now();
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const queue = new LocalJudgeQueue({
    visibilityTimeoutMs: VISIBILITY_TIMEOUT_MS,
    maxReceiveCount,
    now: () => clock,
  });
  const keys = new IngestKeyCache(projects, { ttlSeconds: 60 });
  const ingestHandler = createIngestHandler(async () => ({
    clickhouse,
    keys,
    vault,
    logger,
    judgeQueue: options.judgeQueue ?? queue,
  }));
  const judgeHandler = createJudgeHandler(async () => ({
    clickhouse,
    judgePolicyOf: async (id: string) =>
      parsePolicy((await projects.getProject(id))?.policy).policy.judge,
    budget,
    resolveApiKey: resolveJudgeApiKey,
    timeoutMs: options.timeoutMs ?? 5_000,
    logger,
    maxReceiveCount,
  }));
  const runner = new LocalQueueRunner({
    queue,
    handler: judgeHandler,
    batchSize: 10,
    functionTimeoutMs: 60_000,
  });
  const ingestRecord: JudgeRig['ingestRecord'] = async (record) => {
    const response = await ingestHandler(buildKinesisEvent([record]), context);
    return { failures: response.batchItemFailures.length };
  };
  return {
    key,
    queue,
    runner,
    judgeHandler,
    advance: (ms) => {
      clock += ms;
    },
    ingest: (spans) => ingestRecord(buildKinesisRecord(buildRecordData(spans, key))),
    ingestRecord,
    async drain() {
      let handled = 0;
      for (let received = 1; received > 0;) {
        received = await runner.pollOnce();
        handled += received;
      }
      return handled;
    },
  };
}

describe('LLM-as-judge', () => {
  it('judges an ingested LLM span and stores the score in eval_scores', async () => {
    // Prepare
    const rig = await startRig({ rubrics: ['faithfulness', 'relevance'] });
    const span = buildSpan({
      systemInstructions: [{ type: 'text', content: 'Answer from the context only.' }],
      inputMessages: [
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'Mail jane.doe@example.com: when does the office open?' },
          ],
        },
      ],
    });
    const callsBefore = judgeServer.completions();
    judgeServer.enqueue(
      { verdict: { score: 5, reasoning: 'Fully supported.' } },
      { verdict: { score: 2, reasoning: 'Does not answer the question.' } },
    );

    // Act
    const ingested = await rig.ingest([span, buildSpan({ kind: 'tool', traceId: span.traceId })]);
    const depth = rig.queue.depth;
    const handled = await rig.drain();

    // Assess
    expect(ingested.failures).toBe(0);
    expect(depth).toBe(2);
    expect(handled).toBe(2);
    expect(judgeServer.completions() - callsBefore).toBe(2);
    const scores = await traceEvalScores(clickhouse, {
      projectId: rig.key.projectId,
      traceId: span.traceId,
    });
    const judged = scores.filter((score) => score.evaluator.startsWith('judge:'));
    expect(
      judged.map(({ span_id, evaluator, evaluator_version, value, passed, label }) => ({
        span_id,
        evaluator,
        evaluator_version,
        value,
        passed,
        label,
      })),
    ).toEqual([
      {
        span_id: span.spanId,
        evaluator: 'judge:faithfulness',
        evaluator_version: `${RUBRIC_VERSION}+${JUDGE_MODEL}`,
        value: 1,
        passed: true,
        label: JUDGE_LABELS.pass,
      },
      {
        span_id: span.spanId,
        evaluator: 'judge:relevance',
        evaluator_version: `${RUBRIC_VERSION}+${JUDGE_MODEL}`,
        value: 0.25,
        passed: false,
        label: JUDGE_LABELS.fail,
      },
    ]);
    expect(judged[0]?.comment).toBe('Fully supported.');
    // The judge saw the stored, redacted text: never the email address.
    const sent = JSON.stringify(judgeServer.requests.slice(-2).map((request) => request.body));
    expect(sent).toContain('when does the office open?');
    expect(sent).not.toContain('jane.doe@example.com');
    expect(sent).toContain(JUDGE_MODEL);
    expect(rig.queue.depth).toBe(0);
  });

  it('does not call the judge again for a span delivered twice', async () => {
    // Prepare
    const rig = await startRig({});
    const span = buildSpan();
    const record = buildKinesisRecord(buildRecordData([span], rig.key));
    const callsBefore = judgeServer.completions();

    // Act: the same Kinesis record twice, as after a retried batch.
    await rig.ingestRecord(record);
    await rig.drain();
    await rig.ingestRecord(record);
    const handled = await rig.drain();

    // Assess
    expect(handled).toBe(1);
    expect(judgeServer.completions() - callsBefore).toBe(1);
  });

  it('sends the queue identifiers only', async () => {
    // Prepare
    const rig = await startRig({});
    const span = buildSpan();

    // Act
    await rig.ingest([span]);
    const [message] = rig.queue.receive(10);

    // Assess
    expect(JSON.parse(message?.body ?? '{}')).toEqual({
      projectId: rig.key.projectId,
      traceId: span.traceId,
      spanId: span.spanId,
      rubric: 'faithfulness',
    });
  });

  it('enqueues nothing at sampling rate 0', async () => {
    // Prepare
    const rig = await startRig({ sampleRate: 0 });

    // Act
    const ingested = await rig.ingest([buildSpan(), buildSpan(), buildSpan()]);

    // Assess
    expect(ingested.failures).toBe(0);
    expect(rig.queue.depth).toBe(0);
  });

  it('stops calling the judge once the daily budget is spent', async () => {
    // Prepare
    const rig = await startRig({ dailyMaxCalls: 2 });
    const callsBefore = judgeServer.completions();
    const spans = Array.from({ length: 5 }, () => buildSpan());

    // Act
    await rig.ingest(spans);
    const handled = await rig.drain();

    // Assess
    expect(handled).toBe(5);
    expect(judgeServer.completions() - callsBefore).toBe(2);
    const judged = (
      await Promise.all(
        spans.map((span) =>
          traceEvalScores(clickhouse, { projectId: rig.key.projectId, traceId: span.traceId }),
        ),
      )
    )
      .flat()
      .filter((score) => score.evaluator === 'judge:faithfulness');
    expect(judged).toHaveLength(2);
    expect(rig.queue.depth).toBe(0);
  });

  it('stops at a dollar budget too', async () => {
    // Prepare
    const rig = await startRig({ dailyBudgetUsd: 0.05, estimatedCostPerCallUsd: 0.02 });
    const callsBefore = judgeServer.completions();

    // Act
    await rig.ingest(Array.from({ length: 4 }, () => buildSpan()));
    await rig.drain();

    // Assess
    expect(judgeServer.completions() - callsBefore).toBe(2);
  });

  it('retries a failing judge after the visibility timeout, then stores an error score', async () => {
    // Prepare
    const rig = await startRig({}, { maxReceiveCount: 2 });
    const secret = 'the-secret-plan-Z42';
    const span = buildSpan({
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: secret }] }],
    });
    judgeServer.enqueue({ status: 503 }, { status: 503 });
    await rig.ingest([span]);

    // Act
    await rig.drain();
    const afterFirst = { depth: rig.queue.depth, failed: rig.runner.stats.failed };
    const scoresAfterFirst = await traceEvalScores(clickhouse, {
      projectId: rig.key.projectId,
      traceId: span.traceId,
    });
    rig.advance(VISIBILITY_TIMEOUT_MS + 1);
    await rig.drain();

    // Assess
    expect(afterFirst).toEqual({ depth: 1, failed: 1 });
    expect(scoresAfterFirst.filter((score) => score.evaluator.startsWith('judge:'))).toEqual([]);
    const [errorScore] = (
      await traceEvalScores(clickhouse, { projectId: rig.key.projectId, traceId: span.traceId })
    ).filter((score) => score.evaluator.startsWith('judge:'));
    expect(errorScore).toMatchObject({ passed: null, label: JUDGE_LABELS.error, value: 0 });
    expect(errorScore?.comment).toContain('JUDGE_CALL_FAILED');
    expect(errorScore?.comment).toContain('503');
    expect(errorScore?.comment).not.toContain(secret);
    expect(rig.queue.depth).toBe(0);
    expect(rig.queue.deadLetters()).toEqual([]);
  });

  it.each([
    ['a 400 answer', { status: 400, message: 'bad request' }, 'JUDGE_CALL_FAILED'],
    [
      'an answer that is not a verdict',
      { content: 'I think it is fine.' },
      'JUDGE_VERDICT_INVALID',
    ],
  ] as const)('stores an error score at once for %s', async (_name, reply, code) => {
    // Prepare
    const rig = await startRig({});
    const span = buildSpan();
    judgeServer.enqueue(reply);

    // Act
    await rig.ingest([span]);
    await rig.drain();

    // Assess
    const judged = (
      await traceEvalScores(clickhouse, { projectId: rig.key.projectId, traceId: span.traceId })
    ).filter((score) => score.evaluator.startsWith('judge:'));
    expect(judged).toHaveLength(1);
    expect(judged[0]).toMatchObject({ passed: null, label: JUDGE_LABELS.error });
    expect(judged[0]?.comment.startsWith(code)).toBe(true);
    expect(rig.runner.stats.failed).toBe(0);
  });

  it('gives up on a judge that does not answer in time and stores an error score', async () => {
    // Prepare
    const rig = await startRig({}, { maxReceiveCount: 1, timeoutMs: 300 });
    const span = buildSpan();
    judgeServer.enqueue({ hang: true });

    // Act
    await rig.ingest([span]);
    await rig.drain();

    // Assess
    const judged = (
      await traceEvalScores(clickhouse, { projectId: rig.key.projectId, traceId: span.traceId })
    ).filter((score) => score.evaluator.startsWith('judge:'));
    expect(judged).toHaveLength(1);
    expect(judged[0]).toMatchObject({ passed: null, label: JUDGE_LABELS.error });
    expect(judged[0]?.comment).toBe('JUDGE_CALL_FAILED: the judge did not answer within 300 ms');
  });

  it('stores an error score when the policy names a key variable that is not set', async () => {
    // Prepare
    const rig = await startRig({ apiKeySecretRef: 'SIGHTLINE_JUDGE_KEY_NEVER_SET_IN_TESTS' });
    const span = buildSpan();
    const callsBefore = judgeServer.completions();

    // Act
    await rig.ingest([span]);
    await rig.drain();

    // Assess
    const judged = (
      await traceEvalScores(clickhouse, { projectId: rig.key.projectId, traceId: span.traceId })
    ).filter((score) => score.evaluator.startsWith('judge:'));
    expect(judged[0]?.comment.startsWith('JUDGE_KEY_UNAVAILABLE')).toBe(true);
    expect(judgeServer.completions()).toBe(callsBefore);
  });

  it('charges the budget nothing when no API key could be resolved (no call was made)', async () => {
    // Prepare
    const limits = { dailyMaxCalls: 1, estimatedCostPerCallUsd: 0.01 };
    const rig = await startRig({
      apiKeySecretRef: 'SIGHTLINE_JUDGE_KEY_NEVER_SET_IN_TESTS',
      ...limits,
    });
    const span = buildSpan();

    // Act
    await rig.ingest([span]);
    await rig.drain();

    // Assess: the error score is kept, and today's one call is still there to spend.
    const judged = (
      await traceEvalScores(clickhouse, { projectId: rig.key.projectId, traceId: span.traceId })
    ).filter((score) => score.evaluator.startsWith('judge:'));
    expect(judged.map((score) => score.label)).toEqual([JUDGE_LABELS.error]);
    expect(await budget.tryReserve(rig.key.projectId, limits)).toBe(true);
  });

  it('judges nothing for a policy naming a variable outside SIGHTLINE_JUDGE_KEY_*', async () => {
    // Prepare: the whole policy is refused, so the strict default (no judge) applies.
    const rig = await startRig({ apiKeySecretRef: 'CLICKHOUSE_PASSWORD' });

    // Act
    await rig.ingest([buildSpan()]);

    // Assess
    expect(rig.queue.depth).toBe(0);
  });

  it('retries every scored job when ClickHouse goes away before the scores are stored', async () => {
    // Prepare: the judge reads through a real ClickHouse HTTP endpoint, which the judge
    // endpoint shuts down while answering, so the read succeeds and the insert cannot.
    const rig = await startRig({});
    const span = buildSpan();
    await rig.ingest([span]);
    const [message] = rig.queue.receive(1);
    const chServer = await startClickHouseHttpServer({
      engine: embedded.engine,
      auth: { username: 'judge', password: 'judge-password' },
    });
    const viaHttp = createClient({
      url: chServer.url,
      username: 'judge',
      password: 'judge-password',
      max_open_connections: 1,
    });
    const outageJudge = await startScriptedHttpServer<never>(async (_request, _reply, response) => {
      await chServer.close();
      sendJson(response, {
        id: 'chatcmpl-outage',
        object: 'chat.completion',
        created: 1_764_000_000,
        model: JUDGE_MODEL,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: '{"score": 5, "reasoning": "ok"}' },
            finish_reason: 'stop',
          },
        ],
      });
    });
    const handler = createJudgeHandler(async () => ({
      clickhouse: viaHttp,
      judgePolicyOf: async () =>
        parsePolicy({
          judge: {
            enabled: true,
            endpoint: `${outageJudge.url}/v1`,
            model: JUDGE_MODEL,
            rubrics: ['faithfulness'],
            sampleRate: 1,
          },
        }).policy.judge,
      budget,
      resolveApiKey: resolveJudgeApiKey,
      timeoutMs: 5_000,
      logger,
      maxReceiveCount: 3,
    }));

    // Act
    const response = await handler(
      {
        Records: [
          toSqsRecord(
            message ?? { messageId: '', body: '', receiptHandle: '', receiveCount: 1, sentAt: 0 },
            'arn:aws:sqs:us-east-1:000000000000:judge',
            'us-east-1',
          ),
        ],
      },
      context,
    );
    await viaHttp.close();
    await outageJudge.close();

    // Assess
    expect(outageJudge.requests).toHaveLength(1);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: message?.messageId }]);
    const judged = (
      await traceEvalScores(clickhouse, { projectId: rig.key.projectId, traceId: span.traceId })
    ).filter((score) => score.evaluator.startsWith('judge:'));
    expect(judged).toEqual([]);
  });

  it('calls the judge once for a job that arrives twice in one batch', async () => {
    // Prepare: SQS delivers at least once, so one batch may hold the same job twice; the score
    // of the first is only stored at the batch's end, where the second cannot see it.
    const rig = await startRig({});
    const span = buildSpan();
    await rig.ingest([span]);
    const body = JSON.stringify({
      projectId: rig.key.projectId,
      traceId: span.traceId,
      spanId: span.spanId,
      rubric: 'faithfulness',
    });
    const event = {
      Records: [0, 1].map((index) =>
        toSqsRecord(
          { messageId: `d${index}`, body, receiptHandle: `r${index}`, receiveCount: 1, sentAt: 0 },
          'arn:aws:sqs:us-east-1:000000000000:judge',
          'us-east-1',
        ),
      ),
    };
    const callsBefore = judgeServer.completions();

    // Act
    const response = await rig.judgeHandler(event, context);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(judgeServer.completions() - callsBefore).toBe(1);
    const judged = (
      await traceEvalScores(clickhouse, { projectId: rig.key.projectId, traceId: span.traceId })
    ).filter((score) => score.evaluator.startsWith('judge:'));
    expect(judged).toHaveLength(1);
  });

  it('drops a message that is not a judge job instead of retrying it', async () => {
    // Prepare
    const rig = await startRig({});
    const bodies = ['not json', '{"projectId":"x"}', JSON.stringify({ text: 'plain text' })];
    const event = {
      Records: bodies.map((body, index) =>
        toSqsRecord(
          { messageId: `m${index}`, body, receiptHandle: `r${index}`, receiveCount: 1, sentAt: 0 },
          'arn:aws:sqs:us-east-1:000000000000:judge',
          'us-east-1',
        ),
      ),
    };
    const callsBefore = judgeServer.completions();

    // Act
    const response = await rig.judgeHandler(event, context);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(judgeServer.completions()).toBe(callsBefore);
  });

  it('never fails the ingest batch when the judge queue fails', async () => {
    // Prepare
    const broken: JudgeQueue = {
      enqueue: () => Promise.reject(new Error('queue unreachable')),
    };
    const rig = await startRig({}, { judgeQueue: broken });
    const spans = [buildSpan(), buildSpan()];

    // Act
    const ingested = await rig.ingest(spans);

    // Assess
    expect(ingested.failures).toBe(0);
    expect(
      await countSpans(clickhouse, {
        projectId: rig.key.projectId,
        traceIds: spans.map((span) => span.traceId),
      }),
    ).toBe(2);
  });
});

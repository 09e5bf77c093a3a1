/**
 * The judge Lambda function: an SQS batch of judge jobs in, judge scores in `eval_scores`
 * out (one insert per batch), with partial batch failures so only jobs that should be
 * retried come back (after the queue's visibility timeout; past maxReceiveCount they go to
 * the dead-letter queue). If the insert fails, every job that produced a score is retried.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDynamoDocumentClient } from '../aws/awsClients.ts';
import { serverEnv } from '../config/env.ts';
import { ProjectsRepository } from '../control/projectsRepository.ts';
import { parsePolicy } from '../enrich/policy.ts';
import { createClickHouseClient } from '../store/clickhouseClient.ts';
import { insertEvalScores, type EvalScoreInsertRow } from '../store/enrichmentRows.ts';
import { describeStoreError } from '../ingest/writeIngestBatch.ts';
import { JUDGE_QUEUE_SETTINGS } from './constants.ts';
import { JudgeJobError } from './errors.ts';
import { DynamoJudgeBudget } from './JudgeBudget.ts';
import { resolveJudgeApiKey } from './resolveJudgeApiKey.ts';
import { JUDGE_OUTCOMES, runJudgeJob, type JudgeJobDependencies } from './runJudgeJob.ts';
import { JudgeJobSchema } from './types.ts';

export interface JudgeHandlerDependencies extends JudgeJobDependencies {
  logger: Logger;
  /** Deliveries after which a job is given up (the queue's maxReceiveCount). */
  maxReceiveCount: number;
}

export type JudgeHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createJudgeHandler(
  dependencies: () => Promise<JudgeHandlerDependencies>,
): JudgeHandler {
  return async (event, context) => {
    const shared = await dependencies();
    const { logger } = shared;
    // One policy read per project and batch, not per job.
    const policies = new Map<string, ReturnType<JudgeJobDependencies['judgePolicyOf']>>();
    const loaded: JudgeHandlerDependencies = {
      ...shared,
      judgePolicyOf: (projectId) => {
        let policy = policies.get(projectId);
        if (!policy) {
          policy = shared.judgePolicyOf(projectId);
          policies.set(projectId, policy);
        }
        return policy;
      },
    };
    const outcomes: Record<string, number> = {};
    const rows = new Map<string, EvalScoreInsertRow>();
    // SQS delivers at least once, so a batch may hold one job twice. Scores are stored at the
    // batch's end, where the already-scored check of the second cannot see the first's: the
    // second is taken as already scored (if the first fails, its own retry covers both).
    const jobsInBatch = new Set<string>();
    const judgeRecord = async (record: SQSRecord) => {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        body = undefined;
      }
      const job = JudgeJobSchema.safeParse(body);
      if (!job.success) {
        // Retrying cannot fix it; dropped (counted), not failed into the dead-letter queue.
        outcomes.invalid = (outcomes.invalid ?? 0) + 1;
        logger.warn('not a judge job; dropped', {
          messageId: record.messageId,
          error: new JudgeJobError('message body is not a judge job').code,
        });
        return;
      }
      const { projectId, traceId, spanId, rubric } = job.data;
      const jobKey = JSON.stringify([projectId, traceId, spanId, rubric]);
      if (jobsInBatch.has(jobKey)) {
        outcomes[JUDGE_OUTCOMES.alreadyScored] = (outcomes[JUDGE_OUTCOMES.alreadyScored] ?? 0) + 1;
        return;
      }
      jobsInBatch.add(jobKey);
      const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
      try {
        const { outcome, row } = await runJudgeJob(job.data, loaded, {
          isLastAttempt: receiveCount >= loaded.maxReceiveCount,
        });
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (row) rows.set(record.messageId, row);
      } catch (error) {
        outcomes.retried = (outcomes.retried ?? 0) + 1;
        logger.warn('judge job failed; it will be retried', {
          messageId: record.messageId,
          receiveCount,
          code: (error as { code?: string })?.code,
          name: (error as Error)?.name,
        });
        throw error;
      }
    };
    const response = await processPartialResponse(
      event,
      judgeRecord,
      new BatchProcessor(EventType.SQS),
      { context, throwOnFullBatchFailure: false },
    );
    if (rows.size > 0) {
      try {
        // One insert per batch: ClickHouse prefers few large inserts to many small ones.
        await insertEvalScores(shared.clickhouse, [...rows.values()]);
      } catch (error) {
        logger.error('judge scores could not be stored; their jobs will be retried', {
          scores: rows.size,
          error: describeStoreError(error),
        });
        const failed = new Set(response.batchItemFailures.map((item) => item.itemIdentifier));
        for (const messageId of rows.keys()) failed.add(messageId);
        logger.info('judge batch processed', { records: event.Records.length, ...outcomes });
        // A new object: Powertools hands out one shared response object when nothing failed.
        return {
          batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })),
        };
      }
    }
    logger.info('judge batch processed', { records: event.Records.length, ...outcomes });
    return response;
  };
}

let defaultDependencies: Promise<JudgeHandlerDependencies> | undefined;

function loadDefaultDependencies(): Promise<JudgeHandlerDependencies> {
  defaultDependencies ??= (async () => {
    const env = serverEnv();
    const documents = createDynamoDocumentClient(env);
    const projects = ProjectsRepository.fromEnv(documents, env);
    const clickhouse: ClickHouseClient = await createClickHouseClient(env);
    return {
      clickhouse,
      judgePolicyOf: async (projectId: string) =>
        parsePolicy((await projects.getProject(projectId))?.policy).policy.judge,
      budget: new DynamoJudgeBudget(documents, env.SIGHTLINE_JUDGE_BUDGET_TABLE),
      resolveApiKey: resolveJudgeApiKey,
      timeoutMs: env.SIGHTLINE_JUDGE_TIMEOUT_MS,
      logger: new Logger({ serviceName: 'sightline-judge' }),
      maxReceiveCount: JUDGE_QUEUE_SETTINGS.maxReceiveCount,
    };
  })().catch((error: unknown) => {
    defaultDependencies = undefined;
    throw error;
  });
  return defaultDependencies;
}

export const handler: JudgeHandler = createJudgeHandler(loadDefaultDependencies);

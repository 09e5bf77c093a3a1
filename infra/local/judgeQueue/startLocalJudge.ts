/**
 * The LLM-as-judge of the local stack: the file-backed judge queue (`<home>/judge-queue.json`)
 * that ingest sends jobs to, and the queue runner calling the real judge handler, with the
 * settings the CDK stack gives SQS and the judge function.
 */
import path from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ServerEnv } from '../../../functions/config/env.ts';
import type { ProjectsRepository } from '../../../functions/control/projectsRepository.ts';
import { parsePolicy } from '../../../functions/enrich/policy.ts';
import { JUDGE_QUEUE_SETTINGS } from '../../../functions/judge/constants.ts';
import { createJudgeHandler } from '../../../functions/judge/handler.ts';
import { DynamoJudgeBudget } from '../../../functions/judge/JudgeBudget.ts';
import { LocalJudgeQueue } from '../../../functions/judge/LocalJudgeQueue.ts';
import { resolveJudgeApiKey } from '../../../functions/judge/resolveJudgeApiKey.ts';
import { LocalQueueRunner } from './LocalQueueRunner.ts';

export interface LocalJudgeInput {
  home: string;
  env: ServerEnv;
  clickhouse: ClickHouseClient;
  documents: DynamoDBDocumentClient;
  projects: ProjectsRepository;
  logger: Logger;
}

export function startLocalJudge(input: LocalJudgeInput): {
  queue: LocalJudgeQueue;
  runner: LocalQueueRunner;
} {
  const queue = new LocalJudgeQueue({
    path: path.join(input.home, 'judge-queue.json'),
    visibilityTimeoutMs: JUDGE_QUEUE_SETTINGS.visibilityTimeoutSeconds * 1000,
    maxReceiveCount: JUDGE_QUEUE_SETTINGS.maxReceiveCount,
  });
  const handler = createJudgeHandler(async () => ({
    clickhouse: input.clickhouse,
    judgePolicyOf: async (projectId: string) =>
      parsePolicy((await input.projects.getProject(projectId))?.policy).policy.judge,
    budget: new DynamoJudgeBudget(input.documents, input.env.SIGHTLINE_JUDGE_BUDGET_TABLE),
    resolveApiKey: resolveJudgeApiKey,
    timeoutMs: input.env.SIGHTLINE_JUDGE_TIMEOUT_MS,
    logger: input.logger,
    maxReceiveCount: JUDGE_QUEUE_SETTINGS.maxReceiveCount,
  }));
  const runner = new LocalQueueRunner({
    queue,
    handler,
    batchSize: JUDGE_QUEUE_SETTINGS.batchSize,
    functionTimeoutMs: JUDGE_QUEUE_SETTINGS.functionTimeoutSeconds * 1000,
    region: input.env.AWS_REGION,
    logger: input.logger,
  });
  runner.start();
  return { queue, runner };
}

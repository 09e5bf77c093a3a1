/**
 * The ingest side of the LLM-as-judge: after a batch is written, the stored spans of records
 * that were written in full become judge jobs (selectJudgeJobs) on the judge queue. Never
 * throws: a queue failure is counted and logged, and ingest goes on.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { parsePolicy, type JudgePolicy } from '../enrich/policy.ts';
import type { IngestKeyCache } from '../ingest/ingestKeyCache.ts';
import type { PreparedBatch } from '../ingest/prepareIngestBatch.ts';
import type { BatchWriteOutcome } from '../ingest/writeIngestBatch.ts';
import type { EnqueueResult, JudgeQueue } from './JudgeQueue.ts';
import { selectJudgeJobs } from './selectJudgeJobs.ts';

export async function enqueueJudgeJobs(
  batch: PreparedBatch,
  outcome: BatchWriteOutcome,
  keys: IngestKeyCache,
  queue: JudgeQueue,
  logger: Logger,
): Promise<EnqueueResult> {
  let jobCount = 0;
  try {
    const rejected = new Set(outcome.rejected.map((deadLetter) => deadLetter.sequence_number));
    const stored = batch.records
      .filter(
        (record) =>
          !outcome.failed.has(record.sequenceNumber) && !rejected.has(record.sequenceNumber),
      )
      .flatMap((record) => record.spans);
    if (stored.length === 0) return { sent: 0, failed: 0 };

    // The key cache already holds every project of the batch: no extra DynamoDB reads.
    const policies = new Map<string, JudgePolicy | undefined>();
    for (const span of stored) {
      if (policies.has(span.project_id)) continue;
      const { project } = await keys.resolve(span.project_id, span.ingest_key_id);
      policies.set(span.project_id, parsePolicy(project?.policy).policy.judge);
    }
    const jobs = selectJudgeJobs(stored, (projectId) => policies.get(projectId));
    jobCount = jobs.length;
    if (jobs.length === 0) return { sent: 0, failed: 0 };
    const result = await queue.enqueue(jobs);
    if (result.failed > 0) {
      logger.error('judge jobs could not be enqueued; those spans will not be judged', {
        ...result,
      });
    }
    return result;
  } catch (error) {
    logger.error('judge jobs could not be enqueued; those spans will not be judged', {
      jobs: jobCount,
      error: {
        name: (error as Error)?.name,
        message: String((error as Error)?.message).slice(0, 300),
      },
    });
    return { sent: 0, failed: jobCount };
  }
}

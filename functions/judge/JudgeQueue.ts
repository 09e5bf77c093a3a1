/**
 * Where judge jobs wait: SQS in AWS (SqsJudgeQueue), a file-backed queue with SQS's
 * semantics locally (LocalJudgeQueue). Ingest only enqueues.
 */
import type { JudgeJob } from './types.ts';

export interface EnqueueResult {
  sent: number;
  failed: number;
}

export interface JudgeQueue {
  /** Sends the jobs; reports per-job failures instead of throwing for them. */
  enqueue(jobs: readonly JudgeJob[]): Promise<EnqueueResult>;
}

/**
 * Runs one judge job: the project's judge policy, the span's redacted text from ClickHouse,
 * a check that no decided score of this rubric version and model exists (queues deliver at
 * least once, and a redelivered Kinesis batch enqueues again), a budget reservation, the judge call, and the score row for `eval_scores`
 * (`judge:<rubric>`, version `<rubric version>+<model>`), which the caller inserts with the
 * rest of its batch.
 *
 * Failures: a retryable judge failure (timeout, 429, 5xx, unreachable) throws so the queue
 * delivers the job again, until the last allowed delivery, which yields an error score
 * instead; any other judge failure (4xx, an answer that is not a verdict) yields an error
 * score at once. Error scores have passed null, label 'error' and a comment naming the cause,
 * never text from the span.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { EvalScore } from '../evaluate/types.ts';
import type { JudgePolicy } from '../enrich/policy.ts';
import { toDateTime64 } from '../store/dateTime.ts';
import { toEvalScoreRow, type EvalScoreInsertRow } from '../store/enrichmentRows.ts';
import { hasDecidedEvalScore } from '../store/evalScoresRepository.ts';
import { getSpanForJudging } from '../store/spansRepository.ts';
import { callJudge, isRetryableJudgeError } from './callJudge.ts';
import { JUDGE_EVALUATOR_PREFIX, JUDGE_LABELS, RUBRIC_VERSION } from './constants.ts';
import { JudgeCallError, JudgeError } from './errors.ts';
import type { JudgeBudgetCounter } from './JudgeBudget.ts';
import { parseJudgeVerdict } from './parseVerdict.ts';
import { buildJudgeMessages } from './rubrics.ts';
import type { JudgeJob } from './types.ts';

export interface JudgeJobDependencies {
  clickhouse: ClickHouseClient;
  /** The project's judge policy, or undefined when the project has none (or is gone). */
  judgePolicyOf(projectId: string): Promise<JudgePolicy | undefined>;
  budget: JudgeBudgetCounter;
  /** The API key a policy's `apiKeySecretRef` names. */
  resolveApiKey(secretRef: string | undefined): Promise<string>;
  timeoutMs: number;
  now?: () => number;
}

export const JUDGE_OUTCOMES = {
  scored: 'scored',
  errorScored: 'error_scored',
  disabled: 'disabled',
  alreadyScored: 'already_scored',
  budgetExhausted: 'budget_exhausted',
  spanMissing: 'span_missing',
} as const;
export type JudgeOutcome = (typeof JUDGE_OUTCOMES)[keyof typeof JUDGE_OUTCOMES];

export interface JudgeJobResult {
  outcome: JudgeOutcome;
  /** The score row to insert (the caller inserts a batch's rows at once). */
  row?: EvalScoreInsertRow;
}

/** A span not (yet) readable: retried until the last delivery. */
export class JudgeSpanMissingError extends JudgeError {
  constructor() {
    super('JUDGE_SPAN_MISSING', 'the span to judge is not in ClickHouse');
  }
}

export interface JudgeAttempt {
  /** This delivery is the last the queue allows: store an error score rather than throw. */
  isLastAttempt: boolean;
}

export function judgeEvaluatorName(rubric: string): string {
  return `${JUDGE_EVALUATOR_PREFIX}${rubric}`;
}

export function judgeEvaluatorVersion(model: string): string {
  return `${RUBRIC_VERSION}+${model}`.slice(0, 200);
}

export async function runJudgeJob(
  job: JudgeJob,
  dependencies: JudgeJobDependencies,
  attempt: JudgeAttempt,
): Promise<JudgeJobResult> {
  const now = dependencies.now ?? Date.now;
  const judge = await dependencies.judgePolicyOf(job.projectId);
  if (!judge?.enabled || !judge.rubrics.includes(job.rubric))
    return { outcome: JUDGE_OUTCOMES.disabled };

  const span = await getSpanForJudging(dependencies.clickhouse, job);
  if (!span || span.output_text.trim() === '') {
    if (attempt.isLastAttempt) return { outcome: JUDGE_OUTCOMES.spanMissing };
    throw new JudgeSpanMissingError();
  }

  const rowOf = (score: EvalScore) =>
    toEvalScoreRow(score, {
      projectId: job.projectId,
      traceId: job.traceId,
      spanId: job.spanId,
      createdAt: toDateTime64(now()),
      retentionDays: span.retention_days,
    });
  const base = {
    evaluator: judgeEvaluatorName(job.rubric),
    version: judgeEvaluatorVersion(judge.model),
  };

  const alreadyScored = await hasDecidedEvalScore(dependencies.clickhouse, {
    ...job,
    evaluator: base.evaluator,
    evaluatorVersion: base.version,
  });
  if (alreadyScored) return { outcome: JUDGE_OUTCOMES.alreadyScored };

  const errorScore = (error: JudgeError): JudgeJobResult => ({
    outcome: JUDGE_OUTCOMES.errorScored,
    row: rowOf({
      ...base,
      value: 0,
      passed: null,
      label: JUDGE_LABELS.error,
      comment: `${error.code}: ${error.message}`,
    }),
  });

  // The key first: a call that cannot be made must not spend the project's budget.
  let apiKey: string;
  try {
    apiKey = await dependencies.resolveApiKey(judge.apiKeySecretRef);
  } catch (error) {
    if (!(error instanceof JudgeError)) throw error;
    return errorScore(error);
  }

  if (!(await dependencies.budget.tryReserve(job.projectId, judge))) {
    return { outcome: JUDGE_OUTCOMES.budgetExhausted };
  }

  try {
    const answer = await callJudge(
      {
        baseURL: judge.endpoint,
        model: judge.model,
        apiKey,
        timeoutMs: dependencies.timeoutMs,
      },
      buildJudgeMessages(job.rubric, { input: span.input_text, output: span.output_text }),
    );
    const verdict = parseJudgeVerdict(answer);
    const row = rowOf({
      ...base,
      value: verdict.value,
      passed: verdict.passed,
      label: verdict.passed ? JUDGE_LABELS.pass : JUDGE_LABELS.fail,
      comment: verdict.reasoning,
    });
    return { outcome: JUDGE_OUTCOMES.scored, row };
  } catch (error) {
    if (!(error instanceof JudgeError)) throw error;
    if (error instanceof JudgeCallError && isRetryableJudgeError(error) && !attempt.isLastAttempt) {
      throw error;
    }
    return errorScore(error);
  }
}

/**
 * Which stored spans become judge jobs: LLM spans with output, of projects whose policy
 * enables the judge, in sampled traces, one job per configured rubric. Pure.
 */
import type { JudgePolicy } from '../enrich/policy.ts';
import { isTraceSampled } from './sampling.ts';
import type { JudgeJob } from './types.ts';

export interface JudgeCandidateSpan {
  project_id: string;
  trace_id: string;
  span_id: string;
  kind: string;
  output_text: string;
}

export function selectJudgeJobs(
  spans: readonly JudgeCandidateSpan[],
  judgePolicyOf: (projectId: string) => JudgePolicy | undefined,
): JudgeJob[] {
  const jobs: JudgeJob[] = [];
  for (const span of spans) {
    if (span.kind !== 'llm' || span.output_text.trim() === '') continue;
    const judge = judgePolicyOf(span.project_id);
    if (!judge?.enabled || !isTraceSampled(span.trace_id, judge.sampleRate)) continue;
    for (const rubric of new Set(judge.rubrics)) {
      jobs.push({
        projectId: span.project_id,
        traceId: span.trace_id,
        spanId: span.span_id,
        rubric,
      });
    }
  }
  return jobs;
}

/**
 * The judge job a queue message carries: identifiers only, never span text, so nothing a
 * project's redaction would hide passes through the queue.
 */
import { ProjectIdSchema, SpanIdSchema, TraceIdSchema } from '@sightline/sdk/contract';
import { z } from 'zod';
import { JUDGE_RUBRICS } from '../enrich/policy.ts';

export const JudgeJobSchema = z.strictObject({
  projectId: ProjectIdSchema,
  traceId: TraceIdSchema,
  spanId: SpanIdSchema,
  rubric: z.enum(JUDGE_RUBRICS),
});

export type JudgeJob = z.infer<typeof JudgeJobSchema>;

/** What a span offers the judge, already redacted by ingest. */
export interface JudgedSpanText {
  /** System instructions and input messages: the context the answer was given. */
  input: string;
  output: string;
}

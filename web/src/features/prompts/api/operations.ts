/**
 * `/api/v1` operations of the prompt versions view: metrics per prompt version, and two
 * versions of one prompt side by side (latency, cost, error rate, eval scores). The query
 * schemas are also what the prompts page parses its URL with.
 */
import { z } from 'zod';
import { defineOperation } from '../../../server/api/operations.ts';
import { checkTimeRange, timeRangeQueryShape } from '../../../components/timeRange/timeRange.ts';
import { MetricsValuesSchema } from '../../overview/api/operations.ts';

const promptText = z.string().min(1).max(200);

export const PromptListQuerySchema = z.object(timeRangeQueryShape).superRefine(checkTimeRange);
export type PromptListQuery = z.infer<typeof PromptListQuerySchema>;

/** The prompts page: the list, plus a comparison when `name`, `a` and `b` are all given. */
export const PromptsPageQuerySchema = z
  .object({
    ...timeRangeQueryShape,
    name: promptText.optional(),
    a: promptText.optional(),
    b: promptText.optional(),
  })
  .superRefine(checkTimeRange);

export const PromptCompareQuerySchema = z
  .object({
    ...timeRangeQueryShape,
    name: promptText.describe('Prompt name'),
    a: promptText.describe('First version'),
    b: promptText.describe('Second version'),
  })
  .superRefine(checkTimeRange);
export type PromptCompareQuery = z.infer<typeof PromptCompareQuerySchema>;

export const PromptVersionRowSchema = MetricsValuesSchema.extend({
  promptName: z.string(),
  promptVersion: z.string(),
});
export type PromptVersionRow = z.infer<typeof PromptVersionRowSchema>;

export const PromptListResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  versions: z.array(PromptVersionRowSchema),
});
export type PromptListResponse = z.infer<typeof PromptListResponseSchema>;

export const EvalScoreSummarySchema = z.object({
  evaluator: z.string(),
  mean: z.number(),
  passRate: z.number().nullable(),
  count: z.number(),
});

export const PromptCompareResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  promptName: z.string(),
  versions: z.array(
    z.object({
      promptVersion: z.string(),
      metrics: MetricsValuesSchema,
      evalScores: z.array(EvalScoreSummarySchema),
    }),
  ),
});
export type PromptCompareResponse = z.infer<typeof PromptCompareResponseSchema>;

export const listPromptVersionsOperation = defineOperation({
  id: 'listPromptVersions',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/prompts',
  summary: 'Metrics per prompt version over a window.',
  tag: 'Prompts',
  permission: 'metrics:read',
  query: PromptListQuerySchema,
  response: PromptListResponseSchema,
});

export const comparePromptVersionsOperation = defineOperation({
  id: 'comparePromptVersions',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/prompts/compare',
  summary: 'Two versions of a prompt side by side: latency, cost, error rate and eval scores.',
  tag: 'Prompts',
  permission: 'metrics:read',
  query: PromptCompareQuerySchema,
  response: PromptCompareResponseSchema,
});

export const promptOperations = [listPromptVersionsOperation, comparePromptVersionsOperation];

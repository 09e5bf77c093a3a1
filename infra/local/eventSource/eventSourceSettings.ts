/**
 * Validates the event source settings the runner is given (the shape of `INGEST_EVENT_SOURCE`),
 * with the bounds the Lambda API enforces, so a local run cannot use a setting AWS would reject.
 */
import { z } from 'zod';
import { InvalidEventSourceSettingsError } from './errors.ts';

const EventSourceSettingsSchema = z.object({
  batchSize: z.number().int().min(1).max(10_000),
  maxBatchingWindowMs: z.number().int().min(0).max(300_000),
  bisectBatchOnFunctionError: z.boolean(),
  reportBatchItemFailures: z.boolean(),
  retryAttempts: z.number().int().min(-1).max(10_000),
  // Lambda requires -1 or 60..604800; fractions are allowed here so tests need not wait a minute.
  maxRecordAgeSeconds: z
    .number()
    .refine(
      (value) => value === -1 || (value > 0 && value <= 604_800),
      'must be -1 or in (0, 604800]',
    ),
  startingPosition: z.enum(['TRIM_HORIZON', 'LATEST']),
});

export type EventSourceSettings = z.infer<typeof EventSourceSettingsSchema>;

export function parseEventSourceSettings(input: unknown): EventSourceSettings {
  const parsed = EventSourceSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new InvalidEventSourceSettingsError(`Invalid event source settings: ${problems}`);
  }
  return parsed.data;
}

/**
 * Fixed values of the LLM-as-judge: the rubric version (part of every score's version, so a
 * rubric change never mixes with old scores), the evaluator name prefix and the limits that
 * bound what is sent to the judge and kept from its answer.
 */

/** Bump when a rubric's wording or scale changes. */
export const RUBRIC_VERSION = 'r1';

export const JUDGE_EVALUATOR_PREFIX = 'judge:';

/** Characters of each span field put into the judge prompt; longer fields are cut. */
export const MAX_PROMPT_FIELD_CHARS = 12_000;

/** Characters of the judge's reasoning kept as the score's comment. */
export const MAX_REASONING_CHARS = 500;

/** Tokens the judge may answer with. */
export const MAX_JUDGE_OUTPUT_TOKENS = 400;

/** Labels of judge scores besides pass/fail. */
export const JUDGE_LABELS = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
} as const;

/** A verdict at or above this (on 0..1, i.e. 4 of 5) passes. */
export const PASS_THRESHOLD = 0.75;

/** Lambda's SQS event source and the local queue runner share these. */
export const JUDGE_QUEUE_SETTINGS = {
  batchSize: 10,
  /** Longer than the function timeout, as SQS requires for an event source. */
  visibilityTimeoutSeconds: 360,
  /** Deliveries of one job before it moves to the dead-letter queue. */
  maxReceiveCount: 3,
  functionTimeoutSeconds: 60,
} as const;

/**
 * The shapes the deterministic evaluators share: the score each one reports, the per-project
 * configuration they read, and the detector counts the integrator hands in so PII and secrets
 * in the output become scores without the evaluators re-running the detectors.
 */

/** One evaluator's verdict on one span. */
export interface EvalScore {
  evaluator: string;
  version: string;
  /** A probability in [0, 1] or a count, as the evaluator documents. */
  value: number;
  /** `null` when the evaluator could not decide (a malformed rule or schema, an error). */
  passed: boolean | null;
  label?: string;
  comment?: string;
}

export const ASSERTION_FIELDS = ['input', 'output'] as const;
export const ASSERTION_KINDS = ['regex', 'contains', 'not_contains'] as const;

/** A per-project rule, as stored in DynamoDB (so every field may be malformed). */
export interface AssertionRule {
  name: string;
  field: (typeof ASSERTION_FIELDS)[number];
  kind: (typeof ASSERTION_KINDS)[number];
  pattern: string;
  /** Regex flags, a subset of `imsu`; for `contains` kinds, `i` makes the match case-insensitive. */
  flags?: string;
}

/**
 * Counts the PII and secret detectors already found in the span's output, so the evaluator
 * chain reports them as scores (`pii_in_output`, `secrets_in_output`) without scanning again.
 */
export interface PrecomputedFindings {
  outputPiiCount?: number;
  outputSecretCount?: number;
  /** Finding types, e.g. `['EMAIL', 'PHONE_NUMBER']`; shown in the score's comment. */
  outputPiiTypes?: readonly string[];
  outputSecretTypes?: readonly string[];
}

export interface EvaluatorConfig {
  /** Per-project assertion rules; entries of the wrong shape become error scores. */
  assertions?: readonly unknown[];
  /** Evaluator names to skip for this project (e.g. `['language_mismatch']`). */
  disabled?: readonly string[];
  /** Probability at or above which the toxicity evaluators fail a span (default 0.5). */
  toxicityThreshold?: number;
  /** Probability at or above which the refusal evaluator labels the output a refusal (default 0.5). */
  refusalThreshold?: number;
  findings?: PrecomputedFindings;
}

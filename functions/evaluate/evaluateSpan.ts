/**
 * Runs every deterministic evaluator that applies to a span and returns their scores. Never
 * throws: an evaluator that fails on a span yields an `error` score for that evaluator (so
 * the failure is counted and visible) and the others still run. PII and secrets in the output
 * are reported from the counts the detectors already produced (`config.findings`).
 */
import type { SpanItem } from '../../sdk/src/contract/items.ts';
import { assertions } from './assertions.ts';
import { EVALUATORS } from './constants.ts';
import { emptyOutput } from './emptyOutput.ts';
import { jsonSchemaConformance } from './jsonSchemaConformance.ts';
import { jsonValid } from './jsonValid.ts';
import { languageMismatch } from './languageMismatch.ts';
import { DEFAULT_REFUSAL_THRESHOLD, refusal } from './refusal.ts';
import { repetitionLoop } from './repetitionLoop.ts';
import { readSpanTexts, type SpanTexts } from './spanText.ts';
import { DEFAULT_TOXICITY_THRESHOLD, toxicityInput, toxicityOutput } from './toxicity.ts';
import { truncatedOutput } from './truncatedOutput.ts';
import type { EvalScore, EvaluatorConfig, PrecomputedFindings } from './types.ts';

type Evaluator = {
  name: string;
  version: string;
  run: (
    span: SpanItem,
    texts: SpanTexts,
    config: EvaluatorConfig,
  ) => EvalScore | EvalScore[] | null;
};

function validThreshold(value: unknown, fallback: number): number {
  return typeof value === 'number' && value > 0 && value <= 1 ? value : fallback;
}

function findingsScore(
  evaluator: { name: string; version: string },
  count: number | undefined,
  types: readonly string[] | undefined,
): EvalScore | null {
  if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) return null;
  const distinct = Array.isArray(types)
    ? [...new Set(types.filter((t) => typeof t === 'string'))]
    : [];
  return {
    evaluator: evaluator.name,
    version: evaluator.version,
    value: count,
    passed: count === 0,
    label: count === 0 ? 'none' : 'found',
    ...(distinct.length > 0 ? { comment: distinct.slice(0, 20).join(', ') } : {}),
  };
}

function findingsOf(config: EvaluatorConfig): PrecomputedFindings {
  return typeof config.findings === 'object' && config.findings !== null ? config.findings : {};
}

const EVALUATOR_CHAIN: readonly Evaluator[] = [
  { ...EVALUATORS.emptyOutput, run: (span, texts) => emptyOutput(span, texts) },
  { ...EVALUATORS.truncatedOutput, run: (span, texts) => truncatedOutput(span, texts) },
  { ...EVALUATORS.jsonValid, run: (span, texts) => jsonValid(span, texts) },
  { ...EVALUATORS.jsonSchemaConformance, run: (span, texts) => jsonSchemaConformance(span, texts) },
  {
    ...EVALUATORS.refusal,
    run: (span, texts, config) =>
      refusal(span, texts, validThreshold(config.refusalThreshold, DEFAULT_REFUSAL_THRESHOLD)),
  },
  { ...EVALUATORS.languageMismatch, run: (span, texts) => languageMismatch(span, texts) },
  { ...EVALUATORS.repetitionLoop, run: (span, texts) => repetitionLoop(span, texts) },
  {
    ...EVALUATORS.toxicityInput,
    run: (span, texts, config) =>
      toxicityInput(
        span,
        texts,
        validThreshold(config.toxicityThreshold, DEFAULT_TOXICITY_THRESHOLD),
      ),
  },
  {
    ...EVALUATORS.toxicityOutput,
    run: (span, texts, config) =>
      toxicityOutput(
        span,
        texts,
        validThreshold(config.toxicityThreshold, DEFAULT_TOXICITY_THRESHOLD),
      ),
  },
  {
    ...EVALUATORS.piiInOutput,
    run: (_span, _texts, config) =>
      findingsScore(
        EVALUATORS.piiInOutput,
        findingsOf(config).outputPiiCount,
        findingsOf(config).outputPiiTypes,
      ),
  },
  {
    ...EVALUATORS.secretsInOutput,
    run: (_span, _texts, config) =>
      findingsScore(
        EVALUATORS.secretsInOutput,
        findingsOf(config).outputSecretCount,
        findingsOf(config).outputSecretTypes,
      ),
  },
  { ...EVALUATORS.assertion, run: (_span, texts, config) => assertions(config.assertions, texts) },
];

/** Names of every evaluator `evaluateSpan` may run (for `config.disabled`). */
export const EVALUATOR_NAMES: readonly string[] = EVALUATOR_CHAIN.map((e) => e.name);

function errorScore(evaluator: { name: string; version: string }, error: unknown): EvalScore {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown';
  return {
    evaluator: evaluator.name,
    version: evaluator.version,
    value: 0,
    passed: null,
    label: 'error',
    comment: message.slice(0, 300),
  };
}

interface PreparedSpan {
  span: SpanItem;
  texts: SpanTexts;
  config: EvaluatorConfig;
  disabled: Set<unknown>;
}

export function evaluateSpan(span: SpanItem, config: EvaluatorConfig = {}): EvalScore[] {
  return evaluateSpans([{ span, config }])[0]!;
}

/**
 * `evaluateSpan` for many spans at once, evaluator by evaluator: each evaluator runs over every
 * span before the next starts, so its code and its model's weights stay in the CPU's caches
 * (a third less time per span than span by span, measured on the ingest benchmark's spans).
 * Each span's scores come in the chain's order, as `evaluateSpan` gives them.
 */
export function evaluateSpans(
  requests: readonly { span: SpanItem; config?: EvaluatorConfig }[],
): EvalScore[][] {
  const scores: EvalScore[][] = [];
  /** Per span: what every evaluator reads, or null when its texts could not be read. */
  const prepared: (PreparedSpan | null)[] = [];
  for (const { span, config } of requests) {
    const safeConfig: EvaluatorConfig = typeof config === 'object' && config !== null ? config : {};
    const disabled = new Set<unknown>(
      Array.isArray(safeConfig.disabled) ? safeConfig.disabled : [],
    );
    try {
      prepared.push({ span, texts: readSpanTexts(span), config: safeConfig, disabled });
      scores.push([]);
    } catch (error) {
      prepared.push(null);
      scores.push([errorScore({ name: 'span_text', version: '1' }, error)]);
    }
  }
  for (const evaluator of EVALUATOR_CHAIN) {
    for (let index = 0; index < prepared.length; index += 1) {
      const entry = prepared[index];
      if (entry === null || entry === undefined || entry.disabled.has(evaluator.name)) continue;
      const spanScores = scores[index]!;
      try {
        const result = evaluator.run(entry.span, entry.texts, entry.config);
        if (Array.isArray(result)) spanScores.push(...result);
        else if (result !== null) spanScores.push(result);
      } catch (error) {
        spanScores.push(errorScore(evaluator, error));
      }
    }
  }
  return scores;
}

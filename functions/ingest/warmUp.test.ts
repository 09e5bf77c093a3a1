/**
 * The ingest warm-up runs the real chain on its built-in span: every detector finds what the
 * span holds and every evaluator that needs no project configuration scores it, so each one
 * has loaded its tables before the first record.
 */
import { describe, expect, it } from 'vitest';
import { EVALUATOR_NAMES } from '../evaluate/evaluateSpan.ts';
import { warmUpIngest } from './warmUp.ts';

/** Evaluators that only run when a project configures them (assertion rules). */
const CONFIGURED_ONLY = new Set(['assertion']);

describe('warmUpIngest', () => {
  it('runs validation, every detector and every evaluator on its span without an error', () => {
    const result = warmUpIngest();

    expect(result.errors).toEqual([]);
    expect(result.summary.status).toBe('ok');
    expect(new Set(result.findings.map((finding) => finding.type))).toEqual(
      new Set(['PERSON', 'EMAIL', 'PHONE_NUMBER', 'STREET_ADDRESS', 'AWS_ACCESS_KEY_ID']),
    );
    expect(result.summary.injectionScore).toBeGreaterThan(0);
    expect(result.summary.costStatus).toBe('priced');
    expect(new Set(result.evalScores.map((score) => score.evaluator))).toEqual(
      new Set(EVALUATOR_NAMES.filter((name) => !CONFIGURED_ONLY.has(name))),
    );
    expect(result.evalScores.every((score) => score.passed !== null)).toBe(true);
  });

  it('gives the same result when run again (nothing it leaves behind changes it)', () => {
    const first = warmUpIngest();
    const second = warmUpIngest();

    expect(second.summary).toEqual(first.summary);
    expect(second.evalScores).toEqual(first.evalScores);
    expect(second.findings).toEqual(first.findings);
  });
});

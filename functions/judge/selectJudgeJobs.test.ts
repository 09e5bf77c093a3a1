import { describe, expect, it } from 'vitest';
import { hex } from '../../test/helpers/factories.ts';
import { JudgePolicySchema, type JudgePolicy } from '../enrich/policy.ts';
import { isTraceSampled, traceSamplePoint } from './sampling.ts';
import { selectJudgeJobs, type JudgeCandidateSpan } from './selectJudgeJobs.ts';

function buildCandidate(overrides: Partial<JudgeCandidateSpan> = {}): JudgeCandidateSpan {
  return {
    project_id: 'p-judge',
    trace_id: hex(16),
    span_id: hex(8),
    kind: 'llm',
    output_text: 'Paris.',
    ...overrides,
  };
}

function buildJudgePolicy(overrides: Partial<JudgePolicy> = {}): JudgePolicy {
  return JudgePolicySchema.parse({
    enabled: true,
    endpoint: 'http://127.0.0.1:9/v1',
    model: 'judge-model',
    rubrics: ['faithfulness', 'relevance'],
    sampleRate: 1,
    ...overrides,
  });
}

describe('sampling', () => {
  it('decides from the trace id alone, the same way every time', () => {
    // Prepare
    const traceIds = Array.from({ length: 2_000 }, () => hex(16));

    // Act
    const first = traceIds.map((traceId) => isTraceSampled(traceId, 0.3));
    const second = traceIds.map((traceId) => isTraceSampled(traceId, 0.3));

    // Assess
    expect(second).toEqual(first);
    const share = first.filter(Boolean).length / traceIds.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
  });

  it.each([
    [0, false],
    [1, true],
  ])('rate %d samples every trace: %s', (rate, expected) => {
    // Act / Assess
    for (let index = 0; index < 200; index += 1) {
      expect(isTraceSampled(hex(16), rate)).toBe(expected);
    }
  });

  it('keeps a trace sampled when the rate grows', () => {
    // Prepare
    const traceId = hex(16);
    const point = traceSamplePoint(traceId);

    // Act / Assess
    expect(isTraceSampled(traceId, Math.min(1, point + 0.01))).toBe(true);
    expect(isTraceSampled(traceId, point)).toBe(false);
  });
});

describe('selectJudgeJobs', () => {
  it('makes one job per rubric for an LLM span with output: ids only', () => {
    // Prepare
    const span = buildCandidate();

    // Act
    const jobs = selectJudgeJobs([span], () => buildJudgePolicy());

    // Assess
    expect(jobs).toEqual([
      {
        projectId: span.project_id,
        traceId: span.trace_id,
        spanId: span.span_id,
        rubric: 'faithfulness',
      },
      {
        projectId: span.project_id,
        traceId: span.trace_id,
        spanId: span.span_id,
        rubric: 'relevance',
      },
    ]);
  });

  it.each([
    ['a tool span', buildCandidate({ kind: 'tool' }), buildJudgePolicy()],
    ['an LLM span without output', buildCandidate({ output_text: '  ' }), buildJudgePolicy()],
    ['a disabled judge', buildCandidate(), buildJudgePolicy({ enabled: false })],
    ['sample rate 0', buildCandidate(), buildJudgePolicy({ sampleRate: 0 })],
    ['no judge policy', buildCandidate(), undefined],
  ])('skips %s', (_name, span, policy) => {
    // Act / Assess
    expect(selectJudgeJobs([span], () => policy)).toEqual([]);
  });
});

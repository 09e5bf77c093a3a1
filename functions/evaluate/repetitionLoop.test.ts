import { describe, expect, it } from 'vitest';
import { findTailRepetition, repetitionLoop } from './repetitionLoop.ts';
import { buildLlmSpan } from './testing/spanFactory.ts';

const PROSE =
  'The report covers three quarters. Revenue grew in each of them, driven by the new subscription tier, while costs stayed flat. The team recommends expanding the tier to two more regions next year.';

describe('repetitionLoop', () => {
  it.each([
    {
      case: 'a repeated sentence',
      answer: `${PROSE} ${'I hope this helps you with the task. '.repeat(6)}`,
      passed: false,
    },
    { case: 'a repeated word', answer: `${PROSE} ${'the '.repeat(40)}`, passed: false },
    {
      case: 'repeated lines',
      answer: `${PROSE}\n${'- Step 4: check the logs\n'.repeat(8)}`,
      passed: false,
    },
    {
      case: 'a Chinese character loop',
      answer: `好的，我明白了。${'好的好的'.repeat(40)}`,
      passed: false,
    },
    { case: 'ordinary prose', answer: PROSE, passed: true },
    {
      case: 'a numbered list',
      answer: Array.from({ length: 12 }, (_, i) => `${i + 1}. Item number ${i + 1}`).join('\n'),
      passed: true,
    },
    { case: 'a rule of dashes', answer: `${PROSE}\n${'-'.repeat(200)}`, passed: true },
    { case: 'a short laugh', answer: 'ha ha ha ha', passed: true },
  ])('$case -> passed=$passed', ({ answer, passed }) => {
    // Act
    const score = repetitionLoop(buildLlmSpan({ answer }));
    // Assess
    expect(score).toMatchObject({
      evaluator: 'repetition_loop',
      passed,
      label: passed ? 'none' : 'loop',
    });
  });

  it('reports the repeated unit and the count', () => {
    const finding = findTailRepetition(`${PROSE} ${'and then we go back '.repeat(5)}`);
    expect(finding).toMatchObject({ period: 5, repeats: 5, unit: 'and then we go back' });
  });

  it('does not apply to empty output', () => {
    expect(repetitionLoop(buildLlmSpan({ answer: '' }))).toBeNull();
  });
});

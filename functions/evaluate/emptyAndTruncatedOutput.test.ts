import { describe, expect, it } from 'vitest';
import { emptyOutput } from './emptyOutput.ts';
import { truncatedOutput } from './truncatedOutput.ts';
import { buildLlmSpan } from './testing/spanFactory.ts';

describe('emptyOutput', () => {
  it.each([
    {
      case: 'an answer',
      options: { answer: 'Paris.' },
      expected: { passed: true, label: 'non_empty' },
    },
    {
      case: 'whitespace only',
      options: { answer: ' \n\t ' },
      expected: { passed: false, label: 'empty' },
    },
    { case: 'empty string', options: { answer: '' }, expected: { passed: false, label: 'empty' } },
    {
      case: 'a tool call and no text',
      options: { toolCallOnly: true },
      expected: { passed: true, label: 'non_empty' },
    },
    {
      case: 'no content but 0 output tokens',
      options: { outputCaptured: false, outputTokens: 0 },
      expected: { passed: false, label: 'empty' },
    },
  ])('$case', ({ options, expected }) => {
    expect(emptyOutput(buildLlmSpan(options))).toMatchObject({
      evaluator: 'empty_output',
      ...expected,
    });
  });

  it.each([
    { case: 'output not captured', options: { outputCaptured: false } },
    { case: 'a failed call', options: { answer: '', status: 'error' as const } },
  ])('does not apply to $case', ({ options }) => {
    expect(emptyOutput(buildLlmSpan(options))).toBeNull();
  });
});

describe('truncatedOutput', () => {
  it.each([
    { reasons: ['stop'], passed: true },
    { reasons: ['length'], passed: false },
    { reasons: ['max_tokens'], passed: false },
    { reasons: ['MAX_TOKENS'], passed: false },
    { reasons: ['max_output_tokens'], passed: false },
    { reasons: ['end_turn'], passed: true },
    { reasons: ['tool_calls', 'length'], passed: false },
    { reasons: ['content_filter'], passed: true },
  ])('finish reasons $reasons -> passed=$passed', ({ reasons, passed }) => {
    expect(truncatedOutput(buildLlmSpan({ finishReasons: reasons }))).toMatchObject({
      evaluator: 'truncated_output',
      passed,
    });
  });

  it('reads finish reasons on output messages too', () => {
    const span = buildLlmSpan();
    const withReason = {
      ...span,
      outputMessages: [{ role: 'assistant' as const, parts: [], finishReason: 'length' }],
    };
    expect(truncatedOutput(withReason)?.passed).toBe(false);
  });

  it('does not apply without finish reasons', () => {
    expect(truncatedOutput(buildLlmSpan())).toBeNull();
  });
});

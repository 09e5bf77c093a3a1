import { describe, expect, it } from 'vitest';
import { jsonValid } from './jsonValid.ts';
import { buildLlmSpan, type LlmSpanOptions } from './testing/spanFactory.ts';

describe('jsonValid', () => {
  describe.each<{ case: string; options: LlmSpanOptions; passed: boolean | null; label: string }>([
    {
      case: 'valid JSON, outputType json',
      options: { outputType: 'json', answer: '{"a": [1, 2]}' },
      passed: true,
      label: 'valid',
    },
    {
      case: 'invalid JSON',
      options: { outputType: 'json', answer: '{"a": [1, 2}' },
      passed: false,
      label: 'invalid',
    },
    {
      case: 'JSON inside a code fence',
      options: { outputType: 'JSON', answer: '```json\n{"a": 1}\n```' },
      passed: true,
      label: 'valid',
    },
    {
      case: 'prose around JSON',
      options: { outputType: 'json', answer: 'Here you go: {"a": 1}' },
      passed: false,
      label: 'invalid',
    },
    {
      case: 'empty output',
      options: { outputType: 'json', answer: '   ' },
      passed: false,
      label: 'invalid',
    },
    {
      case: 'declared by response_format metadata',
      options: { metadata: { response_format: 'json_object' }, answer: '[1,2,3]' },
      passed: true,
      label: 'valid',
    },
    {
      case: 'declared by an output schema',
      options: { metadata: { 'sightline.output_schema': '{}' }, answer: 'nope' },
      passed: false,
      label: 'invalid',
    },
    {
      case: 'producer truncated the output',
      options: { outputType: 'json', answer: '{"a":', truncated: true },
      passed: null,
      label: 'unknown',
    },
  ])('$case', ({ options, passed, label }) => {
    it(`scores passed=${String(passed)} (${label})`, () => {
      // Prepare
      const span = buildLlmSpan(options);
      // Act
      const score = jsonValid(span);
      // Assess
      expect(score).toMatchObject({ evaluator: 'json_valid', passed, label });
    });
  });

  it.each([
    { case: 'no format declared', options: { answer: '{"a": 1}' } },
    { case: 'text output type', options: { outputType: 'text', answer: 'hello' } },
    { case: 'output not captured', options: { outputType: 'json', outputCaptured: false } },
    { case: 'tool call only', options: { outputType: 'json', toolCallOnly: true } },
  ])('does not apply when $case', ({ options }) => {
    expect(jsonValid(buildLlmSpan(options))).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_REASONING_CHARS } from './constants.ts';
import { JudgeVerdictError } from './errors.ts';
import { parseJudgeVerdict } from './parseVerdict.ts';

describe('parseJudgeVerdict', () => {
  it.each([
    ['plain JSON, top score', '{"score": 5, "reasoning": "All claims supported."}', 1, true],
    ['lowest score', '{"score": 1, "reasoning": "Invented."}', 0, false],
    ['middle score', '{"score": 3, "reasoning": "Partly."}', 0.5, false],
    ['4 of 5 passes', '{"score": 4, "reasoning": "Mostly."}', 0.75, true],
    ['a fenced block', '```json\n{"score": 2, "reasoning": "Off topic."}\n```', 0.25, false],
    [
      'prose around it',
      'Here is my verdict: {"score": 5, "reasoning": "ok {fine}"} Thanks.',
      1,
      true,
    ],
    ['a numeric string', '{"score": "4", "reasoning": "x"}', 0.75, true],
    ['no reasoning', '{"score": 5}', 1, true],
  ])('reads %s', (_name, text, value, passed) => {
    // Act
    const verdict = parseJudgeVerdict(text);

    // Assess
    expect(verdict.value).toBe(value);
    expect(verdict.passed).toBe(passed);
  });

  it.each([
    ['no JSON at all', 'The answer is good.'],
    ['an unterminated object', '{"score": 5, "reasoning": "cut'],
    ['malformed JSON', '{score: 5}'],
    ['a score out of range', '{"score": 9, "reasoning": "x"}'],
    ['a score of 0', '{"score": 0}'],
    ['no score', '{"reasoning": "x"}'],
    ['a non-numeric score', '{"score": "great"}'],
  ])('refuses %s with a JudgeVerdictError', (_name, text) => {
    // Act / Assess
    expect(() => parseJudgeVerdict(text)).toThrowError(JudgeVerdictError);
  });

  it('caps the reasoning', () => {
    // Prepare
    const text = JSON.stringify({ score: 3, reasoning: 'x'.repeat(10_000) });

    // Act
    const verdict = parseJudgeVerdict(text);

    // Assess
    expect(verdict.reasoning).toHaveLength(MAX_REASONING_CHARS);
  });

  it('reads a megabyte of braces in linear time without throwing anything but its error', () => {
    // Prepare
    const text = '{'.repeat(1_000_000);

    // Act / Assess
    expect(() => parseJudgeVerdict(text)).toThrowError(JudgeVerdictError);
  });
});

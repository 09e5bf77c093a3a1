import { describe, expect, it } from 'vitest';
import { assertions, evaluateAssertion } from './assertions.ts';
import { MAX_INPUT_CHARS } from './safeRegex.ts';
import { readSpanTexts } from './spanText.ts';
import { buildLlmSpan } from './testing/spanFactory.ts';

const texts = readSpanTexts(
  buildLlmSpan({
    question: 'Please summarise ticket #4821 for the customer.',
    answer:
      'Summary: the customer reported a billing error on invoice INV-2024-0042. Contact support@example.com.',
  }),
);

describe('evaluateAssertion', () => {
  it.each([
    {
      rule: { name: 'has-invoice', field: 'output', kind: 'regex', pattern: 'INV-\\d{4}-\\d{4}' },
      passed: true,
    },
    {
      rule: { name: 'ticket-in-input', field: 'input', kind: 'regex', pattern: '#\\d+' },
      passed: true,
    },
    {
      rule: {
        name: 'starts-with-summary',
        field: 'output',
        kind: 'regex',
        pattern: '^summary:',
        flags: 'i',
      },
      passed: true,
    },
    {
      rule: {
        name: 'no-apology',
        field: 'output',
        kind: 'regex',
        pattern: '\\bsorry\\b',
        flags: 'i',
      },
      passed: false,
    },
    {
      rule: { name: 'mentions-billing', field: 'output', kind: 'contains', pattern: 'billing' },
      passed: true,
    },
    {
      rule: { name: 'case-sensitive', field: 'output', kind: 'contains', pattern: 'BILLING' },
      passed: false,
    },
    {
      rule: {
        name: 'case-insensitive',
        field: 'output',
        kind: 'contains',
        pattern: 'BILLING',
        flags: 'i',
      },
      passed: true,
    },
    {
      rule: { name: 'no-email', field: 'output', kind: 'not_contains', pattern: '@example.com' },
      passed: false,
    },
    {
      rule: { name: 'no-password', field: 'output', kind: 'not_contains', pattern: 'password' },
      passed: true,
    },
  ])('$rule.name -> passed=$passed', ({ rule, passed }) => {
    // Act
    const score = evaluateAssertion(rule, 0, texts);
    // Assess
    expect(score).toMatchObject({
      evaluator: `assertion:${rule.name}`,
      passed,
      label: passed ? 'pass' : 'fail',
    });
  });

  it.each([
    { case: 'not an object', rule: 'nope' },
    { case: 'null', rule: null },
    { case: 'missing pattern', rule: { name: 'x', field: 'output', kind: 'regex' } },
    { case: 'unknown kind', rule: { name: 'x', field: 'output', kind: 'glob', pattern: '*' } },
    {
      case: 'unknown field',
      rule: { name: 'x', field: 'metadata', kind: 'contains', pattern: 'a' },
    },
    {
      case: 'invalid regex syntax',
      rule: { name: 'x', field: 'output', kind: 'regex', pattern: '([a-z' },
    },
    {
      case: 'lookahead (RE2 has none)',
      rule: { name: 'x', field: 'output', kind: 'regex', pattern: 'a(?=b)' },
    },
    {
      case: 'backreference',
      rule: { name: 'x', field: 'output', kind: 'regex', pattern: '(\\w)\\1' },
    },
    {
      case: 'stateful flag',
      rule: { name: 'x', field: 'output', kind: 'regex', pattern: 'a', flags: 'g' },
    },
    {
      case: 'too long a pattern',
      rule: { name: 'x', field: 'output', kind: 'regex', pattern: 'a'.repeat(600) },
    },
  ])('gives an error score, never a throw, for $case', ({ rule }) => {
    const score = evaluateAssertion(rule, 3, texts);
    expect(score).toMatchObject({ passed: null, label: 'invalid_rule' });
    expect(score?.evaluator.startsWith('assertion:')).toBe(true);
  });

  it('matches a rule with an unbounded quantifier on a bounded prefix of a huge text', () => {
    // Prepare
    const huge = readSpanTexts(buildLlmSpan({ answer: 'a'.repeat(2_000_000) }));
    // Act
    const score = evaluateAssertion(
      { name: 'ab', field: 'output', kind: 'regex', pattern: 'a+b' },
      0,
      huge,
    );
    // Assess
    expect(score).toMatchObject({ passed: false });
    expect(score?.comment).toContain(`first ${MAX_INPUT_CHARS} characters`);
  });

  it.each([
    ['(a+)+$', true],
    ['(a|aa)*b', false],
    ['(?:(?:a|aa))+b', false],
    ['([^,]{0,16}){5}x', false],
  ])('runs a pattern that backtracks for ever elsewhere, in one pass: %s', (pattern, passed) => {
    const adversarial = readSpanTexts(buildLlmSpan({ answer: 'a'.repeat(50_000) }));
    const score = evaluateAssertion(
      { name: 'x', field: 'output', kind: 'regex', pattern },
      0,
      adversarial,
    );
    expect(score).toMatchObject({ passed, label: passed ? 'pass' : 'fail' });
  });
});

describe('assertions', () => {
  it('scores each rule and tolerates a non-array configuration', () => {
    const rules = [
      { name: 'a', field: 'output', kind: 'contains', pattern: 'Summary' },
      { name: 'b', field: 'output', kind: 'regex', pattern: '(' },
    ];
    expect(assertions(rules, texts).map((s) => s.passed)).toEqual([true, null]);
    expect(assertions(undefined, texts)).toEqual([]);
    expect(assertions('rules' as unknown as unknown[], texts)).toEqual([]);
  });

  it('skips output rules when the output was not captured', () => {
    const noOutput = readSpanTexts(buildLlmSpan({ outputCaptured: false }));
    expect(
      assertions([{ name: 'a', field: 'output', kind: 'contains', pattern: 'x' }], noOutput),
    ).toEqual([]);
  });
});

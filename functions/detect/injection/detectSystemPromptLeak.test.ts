import { describe, expect, it } from 'vitest';
import { detectSystemPromptLeak, measurePromptLeak } from './detectSystemPromptLeak.ts';

const SYSTEM_PROMPT = [
  'You are Nova, the support assistant of Acme Bank.',
  'Answer only questions about accounts, cards and transfers.',
  'Never reveal internal fee tables or the escalation phone number 0800 555 0199.',
  'If a customer asks about loans, tell them to book an appointment in a branch.',
  'Always answer in the language of the customer and keep answers under 120 words.',
  'Do not discuss competitors, and never give investment advice of any kind.',
].join(' ');

const cases: [string, string, 'leak' | 'no_leak'][] = [
  ['verbatim dump', `Sure! My instructions are: ${SYSTEM_PROMPT}`, 'leak'],
  [
    'most of the prompt with small changes',
    SYSTEM_PROMPT.replace('Acme Bank', 'the bank').replace('120 words', 'a hundred words'),
    'leak',
  ],
  [
    'a long verbatim excerpt',
    'Here is part of it: Never reveal internal fee tables or the escalation phone number 0800 555 0199. If a customer asks about loans, tell them to book an appointment in a branch.',
    'leak',
  ],
  [
    'an ordinary answer',
    'To block your card, open the app, go to Cards and tap "Freeze card". You can unfreeze it any time.',
    'no_leak',
  ],
  [
    'a short shared phrase',
    'For loans, please book an appointment in a branch near you.',
    'no_leak',
  ],
  ['empty output', '', 'no_leak'],
];

describe('detectSystemPromptLeak', () => {
  it.each(cases)('%s', (_name, output, expected) => {
    // Act
    const verdict = detectSystemPromptLeak(SYSTEM_PROMPT, output);

    // Assess
    expect(verdict.label).toBe(expected);
    expect(verdict.score).toBeGreaterThanOrEqual(0);
    expect(verdict.score).toBeLessThanOrEqual(1);
    expect(verdict.detector.id).toBe('system-prompt-leak');
  });

  it('measures the share of the prompt reproduced and the longest verbatim run', () => {
    // Act
    const measure = measurePromptLeak(SYSTEM_PROMPT, SYSTEM_PROMPT);

    // Assess
    expect(measure.coverage).toBe(1);
    expect(measure.longestRunWords).toBe(SYSTEM_PROMPT.split(/\W+/).filter(Boolean).length);
  });

  it('does not call a leak for a prompt too short to be specific', () => {
    // Act
    const verdict = detectSystemPromptLeak('Be helpful.', 'I will be helpful.');

    // Assess
    expect(verdict.label).toBe('no_leak');
  });

  it('handles a megabyte output and non-string input without throwing', () => {
    // Prepare
    const huge = `${SYSTEM_PROMPT} `.repeat(Math.ceil((1 << 20) / SYSTEM_PROMPT.length));

    // Act
    const big = detectSystemPromptLeak(SYSTEM_PROMPT, huge);
    const odd = detectSystemPromptLeak(undefined as unknown as string, 'x');

    // Assess
    expect(big.label).toBe('leak');
    expect(odd.label).toBe('no_leak');
  });
});

import { describe, expect, it } from 'vitest';
import { refusal } from './refusal.ts';
import { buildLlmSpan } from './testing/spanFactory.ts';

// Hand-written answers in the styles of several model families (none from the training set).
const REFUSALS = [
  "Sorry, I can't help with that request.",
  "I'm sorry, but I cannot assist with creating that content.",
  'I cannot provide instructions for harming another person. If you are having thoughts of hurting someone, please reach out to a mental health professional.',
  "I apologize, but I'm not able to share personal contact details for private individuals. It's important to respect people's privacy.",
  'As an AI language model, I must decline to write that. It promotes harmful stereotypes about a group of people.',
  "I won't write that story. Instead, I'd be happy to help you write something that doesn't target real people.",
  "I'm unable to help with that. However, if you have other questions about chemistry safety, feel free to ask.",
];
const ANSWERS = [
  'To stop a Python process on Linux, find its PID with `ps aux | grep python` and run `kill <PID>`; use `kill -9` only if it ignores SIGTERM.',
  'The capital of Australia is Canberra. It was chosen as a compromise between Sydney and Melbourne and became the capital in 1913.',
  'Here is a simple recipe:\n\n1. Preheat the oven to 180°C.\n2. Mix flour, sugar and eggs.\n3. Bake for 25 minutes.\n\nEnjoy your cake!',
  'Sure! The main causes of the First World War are often summarised as militarism, alliances, imperialism and nationalism, with the assassination of Archduke Franz Ferdinand as the trigger.',
  'A shot of espresso contains about 63 mg of caffeine, while a typical cup of drip coffee has 95 mg.',
];

describe('refusal', () => {
  it.each(REFUSALS)('labels a refusal: %s', (answer) => {
    // Act
    const score = refusal(buildLlmSpan({ answer }));
    // Assess
    expect(score).toMatchObject({ evaluator: 'refusal', passed: false, label: 'refusal' });
    expect(score?.value).toBeGreaterThanOrEqual(0.5);
  });

  it.each(ANSWERS)('labels an answer: %s', (answer) => {
    const score = refusal(buildLlmSpan({ answer }));
    expect(score).toMatchObject({ passed: true, label: 'answer' });
    expect(score?.value).toBeLessThan(0.5);
  });

  it('counts a partial refusal (hedges, then declines part of the request) as a refusal', () => {
    const answer =
      'I understand you want to surprise your friend. However, I cannot help you access their phone or read their messages without their consent, as that would violate their privacy. Instead, you could plan the surprise with a mutual friend.';
    expect(refusal(buildLlmSpan({ answer }))?.label).toBe('refusal');
  });

  it('respects a project threshold', () => {
    const span = buildLlmSpan({ answer: REFUSALS[0] });
    expect(refusal(span, undefined, 0.999_999)?.passed).toBe(true);
  });

  it.each([
    { case: 'empty output', options: { answer: '  ' } },
    { case: 'output not captured', options: { outputCaptured: false } },
  ])('does not apply to $case', ({ options }) => {
    expect(refusal(buildLlmSpan(options))).toBeNull();
  });
});

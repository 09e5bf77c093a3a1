import { describe, expect, it } from 'vitest';
import { toxicityInput, toxicityOutput } from './toxicity.ts';
import { buildLlmSpan } from './testing/spanFactory.ts';

describe('toxicityInput', () => {
  it.each([
    'you are a stupid fucking idiot and everyone hates you',
    'shut up you dumb bitch',
    'b1tchhh nobody asked you, go die',
  ])('flags abusive input: %s', (question) => {
    // Act
    const score = toxicityInput(buildLlmSpan({ question }));
    // Assess
    expect(score).toMatchObject({ evaluator: 'toxicity_input', passed: false });
    expect(['offensive_language', 'hate_speech']).toContain(score?.label);
    expect(score?.value).toBeGreaterThanOrEqual(0.5);
  });

  it.each([
    'How do I kill a stuck Python process on Ubuntu?',
    'Can you summarise the attached quarterly report in three bullet points?',
    'What are some good exercises for lower back pain?',
    'Write a haiku about autumn leaves falling in the park.',
  ])('passes ordinary input: %s', (question) => {
    const score = toxicityInput(buildLlmSpan({ question }));
    expect(score).toMatchObject({ passed: true, label: 'neither' });
    expect(score?.value).toBeLessThan(0.5);
  });

  it('does not apply without a user message', () => {
    expect(toxicityInput(buildLlmSpan({ question: '' }))).toBeNull();
  });
});

describe('toxicityOutput', () => {
  it.each([
    { answer: 'Here is the summary you asked for: revenue grew 12% year over year.', passed: true },
    { answer: 'Fuck off, you worthless piece of shit.', passed: false },
  ])('scores the answer ($answer)', ({ answer, passed }) => {
    expect(toxicityOutput(buildLlmSpan({ answer }))).toMatchObject({
      evaluator: 'toxicity_output',
      passed,
    });
  });

  // None of these is in the generated short outputs the model trains on (benignShortOutputs.ts);
  // before those, "OK", "true", "{}", a link and a Russian greeting all failed as hate speech.
  it.each([
    'Alright.',
    'false',
    '{"ok":true}',
    '[[[]]]',
    '3.5',
    '👍',
    'https://shop.example/track/991',
    'Понял, сейчас проверю.',
    'Vielen Dank!',
    '了解しました。',
    'Entendido, lo reviso.',
  ])('passes a short or structured answer with no abuse in it: %s', (answer) => {
    expect(toxicityOutput(buildLlmSpan({ answer }))).toMatchObject({
      passed: true,
      label: 'neither',
    });
  });

  it('uses the configured threshold', () => {
    const span = buildLlmSpan({ answer: 'Fuck off, you worthless piece of shit.' });
    expect(toxicityOutput(span, undefined, 1)?.passed).toBe(true);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { evaluateSpan, evaluateSpans, EVALUATOR_NAMES } from './evaluateSpan.ts';
import { buildLlmSpan, malformedSpan } from './testing/spanFactory.ts';

const LONE_SURROGATES = '\ud800 broken \udfff text \ud83d';

describe('evaluateSpan', () => {
  it('runs every applicable evaluator on an ordinary answer', () => {
    // Prepare
    const span = buildLlmSpan({ finishReasons: ['stop'] });
    // Act
    const names = evaluateSpan(span).map((score) => score.evaluator);
    // Assess
    expect(names).toEqual(
      expect.arrayContaining([
        'empty_output',
        'truncated_output',
        'refusal',
        'repetition_loop',
        'toxicity_input',
        'toxicity_output',
      ]),
    );
    expect(names).not.toContain('json_valid');
  });

  it('adds JSON, schema and assertion scores when the call and project declare them', () => {
    const span = buildLlmSpan({
      outputType: 'json',
      metadata: { 'sightline.output_schema': '{"type":"object","required":["ok"]}' },
      answer: '{"ok": true}',
    });
    const scores = evaluateSpan(span, {
      assertions: [{ name: 'has-ok', field: 'output', kind: 'contains', pattern: '"ok"' }],
    });
    expect(scores).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ evaluator: 'json_valid', passed: true }),
        expect.objectContaining({ evaluator: 'json_schema', passed: true }),
        expect.objectContaining({ evaluator: 'assertion:has-ok', passed: true }),
      ]),
    );
  });

  it.each([
    {
      findings: { outputPiiCount: 2, outputPiiTypes: ['EMAIL', 'EMAIL', 'PHONE_NUMBER'] },
      evaluator: 'pii_in_output',
      passed: false,
      comment: 'EMAIL, PHONE_NUMBER',
    },
    {
      findings: { outputPiiCount: 0 },
      evaluator: 'pii_in_output',
      passed: true,
      comment: undefined,
    },
    {
      findings: { outputSecretCount: 1, outputSecretTypes: ['AWS_ACCESS_KEY_ID'] },
      evaluator: 'secrets_in_output',
      passed: false,
      comment: 'AWS_ACCESS_KEY_ID',
    },
  ])('reports precomputed findings as $evaluator', ({ findings, evaluator, passed, comment }) => {
    const score = evaluateSpan(buildLlmSpan(), { findings }).find((s) => s.evaluator === evaluator);
    expect(score).toMatchObject({ passed });
    expect(score?.comment).toBe(comment);
  });

  it('ignores malformed finding counts', () => {
    const findings = { outputPiiCount: Number.NaN, outputSecretCount: -1 };
    const names = evaluateSpan(buildLlmSpan(), { findings }).map((s) => s.evaluator);
    expect(names).not.toContain('pii_in_output');
    expect(names).not.toContain('secrets_in_output');
  });

  it('skips disabled evaluators', () => {
    const names = evaluateSpan(buildLlmSpan(), { disabled: ['refusal', 'toxicity_output'] }).map(
      (s) => s.evaluator,
    );
    expect(names).not.toContain('refusal');
    expect(names).not.toContain('toxicity_output');
    expect(names).toContain('toxicity_input');
  });

  it('lists every evaluator name for configuration', () => {
    expect(EVALUATOR_NAMES).toEqual(
      expect.arrayContaining(['refusal', 'language_mismatch', 'assertion']),
    );
  });

  it.each([
    { case: 'null', span: null },
    { case: 'a number', span: 42 },
    { case: 'an empty object', span: {} },
    { case: 'messages of the wrong type', span: { inputMessages: 'hi', outputMessages: 7 } },
    {
      case: 'parts of the wrong type',
      span: {
        outputMessages: [{ role: 'assistant', parts: [null, 3, { type: 'text', content: 5 }] }],
      },
    },
    { case: 'null messages', span: { inputMessages: [null], outputMessages: [null, undefined] } },
    {
      case: 'metadata of the wrong type',
      span: { metadata: 'x', request: 5, finishReasons: [1, null], outputMessages: [] },
    },
    {
      case: 'a schema declared as a number',
      span: {
        metadata: { 'sightline.output_schema': 5 },
        outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: '{}' }] }],
      },
    },
    {
      case: 'lone surrogates everywhere',
      span: buildLlmSpan({
        question: LONE_SURROGATES.repeat(50),
        answer: LONE_SURROGATES.repeat(50),
        outputType: 'json',
      }),
    },
  ])('never throws on $case', ({ span }) => {
    const rules = [{ name: 'r', field: 'output', kind: 'regex', pattern: 'broken', flags: 'u' }];
    expect(() => evaluateSpan(malformedSpan(span), { assertions: rules })).not.toThrow();
  });

  it('never throws on megabyte texts and still scores them', () => {
    // Prepare
    const answer = 'All work and no play makes Jack a dull boy. '.repeat(50_000);
    const span = buildLlmSpan({ question: 'x'.repeat(2_000_000), answer, outputType: 'json' });
    // Act
    const scores = evaluateSpan(span, {
      assertions: [{ name: 'jack', field: 'output', kind: 'regex', pattern: 'dull (boy|girl)' }],
    });
    // Assess
    expect(scores).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ evaluator: 'repetition_loop', passed: false }),
        expect.objectContaining({ evaluator: 'json_valid', passed: false }),
        expect.objectContaining({ evaluator: 'assertion:jack', passed: true }),
      ]),
    );
  });

  it('turns an evaluator failure into an error score and runs the others', () => {
    // Prepare: a span whose status cannot be read (a getter that throws)
    const span = buildLlmSpan();
    Object.defineProperty(span, 'status', {
      get() {
        throw new Error('unreadable status');
      },
    });
    // Act
    const scores = evaluateSpan(span);
    // Assess
    expect(scores).toContainEqual(
      expect.objectContaining({ evaluator: 'empty_output', passed: null, label: 'error' }),
    );
    expect(scores.map((s) => s.evaluator)).toContain('refusal');
  });

  it('reports an unreadable span as one error score', () => {
    const span = buildLlmSpan();
    Object.defineProperty(span, 'outputMessages', {
      get() {
        throw new Error('unreadable output');
      },
    });
    expect(evaluateSpan(span)).toEqual([
      expect.objectContaining({ evaluator: 'span_text', passed: null, label: 'error' }),
    ]);
  });

  it('tolerates a malformed configuration', () => {
    const config = {
      assertions: 'nope',
      disabled: 'refusal',
      findings: 'x',
      toxicityThreshold: 'high',
    };
    expect(() => evaluateSpan(buildLlmSpan(), config as never)).not.toThrow();
  });

  it('scores a batch evaluator by evaluator exactly as span by span', () => {
    const unreadable = buildLlmSpan();
    Object.defineProperty(unreadable, 'outputMessages', {
      get() {
        throw new Error('unreadable output');
      },
    });
    const requests = [
      { span: buildLlmSpan({ finishReasons: ['stop'] }) },
      {
        span: buildLlmSpan({
          outputType: 'json',
          metadata: { 'sightline.output_schema': '{"type":"object","required":["ok"]}' },
          answer: '{"ok": true}',
        }),
        config: {
          assertions: [{ name: 'has-ok', field: 'output', kind: 'contains', pattern: '"ok"' }],
          disabled: ['refusal'],
        },
      },
      { span: unreadable },
      { span: buildLlmSpan(), config: { assertions: 'nope', disabled: 'refusal' } as never },
      { span: buildLlmSpan({ answer: "I'm sorry, but I can't help with that." }) },
    ];

    const together = evaluateSpans(requests);

    expect(together).toEqual(requests.map(({ span, config }) => evaluateSpan(span, config)));
    expect(together[1]!.map((score) => score.evaluator)).toContain('assertion:has-ok');
    expect(together[1]!.map((score) => score.evaluator)).not.toContain('refusal');
    expect(together[2]).toEqual([expect.objectContaining({ evaluator: 'span_text' })]);
    expect(together[4]).toContainEqual(
      expect.objectContaining({ evaluator: 'refusal', label: 'refusal' }),
    );
  });

  it('parses each JSON output once in a batch, for json_valid and json_schema together', () => {
    const answers = ['{"ok": true, "n": 1}', '{"ok": false, "n": 2}'];
    const requests = answers.map((answer) => ({
      span: buildLlmSpan({
        outputType: 'json',
        metadata: { 'sightline.output_schema': '{"type":"object","required":["ok"]}' },
        answer,
      }),
    }));
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const scores = evaluateSpans(requests);
      const parsedAnswers = parse.mock.calls.filter(([text]) => answers.includes(text as string));

      expect(parsedAnswers.map(([text]) => text)).toEqual(answers);
      for (const spanScores of scores) {
        expect(spanScores).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ evaluator: 'json_valid', passed: true }),
            expect.objectContaining({ evaluator: 'json_schema', passed: true }),
          ]),
        );
      }
    } finally {
      parse.mockRestore();
    }
  });
});

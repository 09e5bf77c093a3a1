import { describe, expect, it } from 'vitest';
import { jsonSchemaConformance } from './jsonSchemaConformance.ts';
import { buildLlmSpan } from './testing/spanFactory.ts';

const PERSON_SCHEMA = JSON.stringify({
  type: 'object',
  required: ['name', 'age'],
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
  additionalProperties: false,
});

function withSchema(schema: string, answer: string) {
  return buildLlmSpan({ metadata: { 'sightline.output_schema': schema }, answer });
}

describe('jsonSchemaConformance', () => {
  it.each([
    {
      case: 'conforming output',
      schema: PERSON_SCHEMA,
      answer: '{"name":"Ada","age":36}',
      passed: true,
      label: 'conforms',
    },
    {
      case: 'missing property',
      schema: PERSON_SCHEMA,
      answer: '{"name":"Ada"}',
      passed: false,
      label: 'violates',
    },
    {
      case: 'wrong type',
      schema: PERSON_SCHEMA,
      answer: '{"name":"Ada","age":"36"}',
      passed: false,
      label: 'violates',
    },
    {
      case: 'extra property',
      schema: PERSON_SCHEMA,
      answer: '{"name":"Ada","age":3,"x":1}',
      passed: false,
      label: 'violates',
    },
    {
      case: 'not JSON at all',
      schema: PERSON_SCHEMA,
      answer: 'Ada is 36',
      passed: false,
      label: 'not_json',
    },
    {
      case: 'fenced conforming output',
      schema: PERSON_SCHEMA,
      answer: '```\n{"name":"Ada","age":1}\n```',
      passed: true,
      label: 'conforms',
    },
    {
      case: 'safe pattern keyword',
      schema: '{"type":"string","pattern":"^[a-z]+$"}',
      answer: '"abc"',
      passed: true,
      label: 'conforms',
    },
    {
      case: 'schema is not JSON',
      schema: '{type: object',
      answer: '{}',
      passed: null,
      label: 'error',
    },
    { case: 'schema is a number', schema: '42', answer: '{}', passed: null, label: 'error' },
    {
      case: 'schema with an invalid keyword value',
      schema: '{"type":"nonsense"}',
      answer: '{}',
      passed: null,
      label: 'error',
    },
    {
      case: 'schema with a pattern RE2 cannot run (a lookahead)',
      schema: '{"type":"string","pattern":"^a(?=b)"}',
      answer: '"ab"',
      passed: null,
      label: 'error',
    },
    {
      case: 'schema with an unresolvable $ref',
      schema: '{"$ref":"https://example.com/s.json"}',
      answer: '{}',
      passed: null,
      label: 'error',
    },
  ])('$case -> passed=$passed ($label)', ({ schema, answer, passed, label }) => {
    // Prepare
    const span = withSchema(schema, answer);
    // Act
    const score = jsonSchemaConformance(span);
    // Assess
    expect(score).toMatchObject({ evaluator: 'json_schema', passed, label });
  });

  it('names the failing path in the comment', () => {
    const score = jsonSchemaConformance(withSchema(PERSON_SCHEMA, '{"name":"Ada","age":-1}'));
    expect(score?.comment).toContain('/age');
  });

  it('does not apply without a declared schema', () => {
    expect(jsonSchemaConformance(buildLlmSpan({ outputType: 'json', answer: '{}' }))).toBeNull();
  });

  it('checks each schema by its own patterns, whichever pattern the process compiled first', () => {
    const zip = '{"type":"string","pattern":"^[0-9]{5}$"}';
    const state = '{"type":"string","pattern":"^[A-Z]{2}$"}';
    const keyed = '{"type":"object","patternProperties":{"^x-":{"type":"integer"}}}';
    const cases: [string, string, boolean][] = [
      [zip, '"12345"', true],
      [state, '"CA"', true],
      [state, '"12345"', false],
      [zip, '"CA"', false],
      [keyed, '{"x-a":1}', true],
      [keyed, '{"x-a":"one"}', false],
      [state, '"NY"', true],
    ];
    for (const [schema, answer, passed] of cases) {
      expect(jsonSchemaConformance(withSchema(schema, answer))?.passed, `${schema} ${answer}`).toBe(
        passed,
      );
    }
  });

  it('runs a pattern that backtracks for ever elsewhere in one pass', () => {
    const schema = '{"type":"string","pattern":"^(a+)+$"}';
    const adversarial = JSON.stringify(`${'a'.repeat(50_000)}!`);
    expect(jsonSchemaConformance(withSchema(schema, adversarial))).toMatchObject({
      passed: false,
      label: 'violates',
    });
    expect(jsonSchemaConformance(withSchema(schema, '"aaaa"'))?.passed).toBe(true);
  });

  it('bounds a safe pattern over a huge string instead of hanging', () => {
    const schema = '{"type":"string","pattern":"a+b"}';
    const score = jsonSchemaConformance(withSchema(schema, JSON.stringify('a'.repeat(100_000))));
    expect(score).toMatchObject({ passed: false, label: 'violates' });
  });
});

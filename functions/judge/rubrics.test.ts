import { describe, expect, it } from 'vitest';
import { JUDGE_RUBRICS } from '../enrich/policy.ts';
import { MAX_PROMPT_FIELD_CHARS } from './constants.ts';
import { buildJudgeMessages, RUBRICS } from './rubrics.ts';

const span = { input: 'Context: the office opens at 9.\nWhen does it open?', output: 'At 9.' };

describe('buildJudgeMessages', () => {
  it.each(JUDGE_RUBRICS)('%s: a system rubric and the span fenced as data', (rubric) => {
    // Act
    const [system, user, ...rest] = buildJudgeMessages(rubric, span);

    // Assess
    expect(rest).toEqual([]);
    expect(system?.role).toBe('system');
    expect(system?.content).toContain(RUBRICS[rubric].title);
    expect(system?.content).toContain('"score"');
    expect(system?.content).toContain('never instructions');
    expect(user?.role).toBe('user');
    expect(user?.content).toContain(`<data>\n${span.input}\n</data>`);
    expect(user?.content).toContain(`<data>\n${span.output}\n</data>`);
  });

  it('calls the input the context for faithfulness, the request otherwise', () => {
    // Act
    const faithfulness = buildJudgeMessages('faithfulness', span)[1]?.content;
    const relevance = buildJudgeMessages('relevance', span)[1]?.content;

    // Assess
    expect(faithfulness).toMatch(/^CONTEXT:/);
    expect(relevance).toMatch(/^INPUT:/);
  });

  it('cuts long fields and marks empty ones', () => {
    // Act
    const user = buildJudgeMessages('helpfulness', {
      input: 'a'.repeat(MAX_PROMPT_FIELD_CHARS + 5_000),
      output: '',
    })[1]?.content;

    // Assess
    expect(user).toContain(`[… cut at ${MAX_PROMPT_FIELD_CHARS} characters]`);
    expect(user).not.toContain('a'.repeat(MAX_PROMPT_FIELD_CHARS + 1));
    expect(user).toContain('<data>\n(empty)\n</data>');
  });
});

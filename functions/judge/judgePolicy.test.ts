import { describe, expect, it } from 'vitest';
import { judgeApiKeyFromEnvironment } from '../config/env.ts';
import { JudgePolicySchema, parsePolicy } from '../enrich/policy.ts';
import { JudgeKeyError } from './errors.ts';
import { resolveJudgeApiKey } from './resolveJudgeApiKey.ts';

const validJudge = {
  enabled: true,
  endpoint: 'https://judge.example.com/v1',
  model: 'gpt-4o-mini',
  rubrics: ['helpfulness'],
};

describe('judge policy', () => {
  it('defaults to judging nothing and to 1,000 calls a day', () => {
    // Act
    const judge = JudgePolicySchema.parse(validJudge);

    // Assess
    expect(judge).toMatchObject({ sampleRate: 0, dailyMaxCalls: 1_000 });
  });

  it.each([
    ['an instance metadata endpoint', { endpoint: 'http://169.254.169.254/latest' }],
    ['the IPv6 metadata endpoint', { endpoint: 'http://[fd00:ec2::254]/v1' }],
    ['a non-HTTP endpoint', { endpoint: 'file:///etc/passwd' }],
    ['a key variable outside the judge prefix', { apiKeySecretRef: 'CLICKHOUSE_PASSWORD' }],
    ['a key that looks like a key', { apiKeySecretRef: 'sk-proj-abc123' }],
    ['an unknown rubric', { rubrics: ['vibes'] }],
    ['a sample rate above 1', { sampleRate: 1.5 }],
  ])('refuses %s', (_name, change) => {
    // Act
    const parsed = JudgePolicySchema.safeParse({ ...validJudge, ...change });

    // Assess
    expect(parsed.success).toBe(false);
  });

  it.each([
    [
      'a Secrets Manager ARN',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sightline/judge/acme-AbCdEf',
    ],
    ['a judge key variable', 'SIGHTLINE_JUDGE_KEY_ACME'],
  ])('accepts %s as the key reference', (_name, apiKeySecretRef) => {
    // Act / Assess
    expect(JudgePolicySchema.safeParse({ ...validJudge, apiKeySecretRef }).success).toBe(true);
  });

  it('falls back to the strict default (no judge) when the judge field is malformed', () => {
    // Act
    const { policy, problem } = parsePolicy({ judge: { ...validJudge, endpoint: 'nope' } });

    // Assess
    expect(policy.judge).toBeUndefined();
    expect(problem).toContain('judge.endpoint');
  });
});

describe('judge API keys', () => {
  it('reads only SIGHTLINE_JUDGE_KEY_* variables', () => {
    // Prepare
    const source = { SIGHTLINE_JUDGE_KEY_A: ' sk-a ', CLICKHOUSE_PASSWORD: 'secret' };

    // Act / Assess
    expect(judgeApiKeyFromEnvironment('SIGHTLINE_JUDGE_KEY_A', source)).toBe('sk-a');
    expect(judgeApiKeyFromEnvironment('CLICKHOUSE_PASSWORD', source)).toBeUndefined();
    expect(judgeApiKeyFromEnvironment('SIGHTLINE_JUDGE_KEY_B', source)).toBeUndefined();
  });

  it('names the missing variable, and uses a placeholder when no key is referenced', async () => {
    // Act / Assess
    await expect(resolveJudgeApiKey('SIGHTLINE_JUDGE_KEY_UNSET_IN_TESTS')).rejects.toThrowError(
      JudgeKeyError,
    );
    await expect(resolveJudgeApiKey(undefined)).resolves.toBe('sightline-no-key');
  });
});

/**
 * Pricing: the price in force on the call's day, snapshot model ids, cached and reasoning
 * token rates, project overrides, and unknown models flagged instead of priced at zero.
 */
import { describe, expect, it } from 'vitest';
import { SpanItemSchema, type SpanItemInput } from '@sightline/sdk/contract';
import { buildSpan } from '../../test/helpers/factories.ts';
import { DEFAULT_POLICY, EnrichmentPolicySchema } from '../enrich/policy.ts';
import { findPrice, PRICE_TABLE, priceSpan } from './priceSpan.ts';

const at = (day: string) => Date.parse(`${day}T12:00:00Z`);

function llm(overrides: Partial<SpanItemInput>) {
  return SpanItemSchema.parse({ ...buildSpan({}), kind: 'llm', ...overrides });
}

describe('priceSpan', () => {
  it.each([
    [
      'a snapshot id priced as its model, newest price in force',
      'gpt-4o-2024-08-06',
      '2025-01-10',
      2.5 + 10,
    ],
    ['the older price before it changed', 'gpt-4o', '2024-06-01', 5 + 15],
    ['an exact model id', 'gpt-4o-mini', '2025-01-10', 0.15 + 0.6],
  ])('%s', (_label, model, day, dollarsPerMillionEach) => {
    const span = llm({
      provider: 'openai',
      responseModel: model,
      startTime: at(day),
      endTime: at(day) + 1,
      usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 },
    });

    expect(priceSpan(span, DEFAULT_POLICY)).toMatchObject({
      status: 'priced',
      costUsd: dollarsPerMillionEach,
    });
  });

  it('bills cached input and reasoning tokens at their own rates, inside the totals', () => {
    const span = llm({
      provider: 'openai',
      responseModel: 'o3',
      startTime: at('2025-07-01'),
      endTime: at('2025-07-01') + 1,
      usage: {
        inputTokens: 1_000_000,
        cachedInputTokens: 400_000,
        outputTokens: 500_000,
        reasoningTokens: 300_000,
      },
    });

    // 600k × $2 + 400k × $0.5 + 200k × $8 + 300k × $8 (per million)
    expect(priceSpan(span, DEFAULT_POLICY).costUsd).toBeCloseTo(1.2 + 0.2 + 1.6 + 2.4, 10);
  });

  it('lets a project override win over the list price', () => {
    const policy = EnrichmentPolicySchema.parse({
      prices: [{ provider: 'openai', model: 'gpt-4o', inputPerMillion: 1, outputPerMillion: 2 }],
    });
    const span = llm({
      provider: 'openai',
      responseModel: 'gpt-4o-2024-11-20',
      usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 },
    });

    expect(priceSpan(span, policy)).toMatchObject({
      costUsd: 3,
      status: 'priced',
      priceRef: 'override/gpt-4o@0000-01-01',
    });
  });

  it.each([
    [
      'an unknown model',
      { responseModel: 'in-house-llm', requestModel: 'in-house-llm', usage: { inputTokens: 5 } },
      'unknown_model',
    ],
    ['a call without token counts', { responseModel: 'gpt-4o', usage: {} }, 'no_usage'],
  ])('flags %s, never prices it at zero', (_label, overrides, status) => {
    const result = priceSpan(llm(overrides as Partial<SpanItemInput>), DEFAULT_POLICY);

    expect(result).toEqual({ costUsd: null, status });
  });

  it('leaves non-model spans unpriced without a flag', () => {
    expect(
      priceSpan(SpanItemSchema.parse({ ...buildSpan({}), kind: 'tool' }), DEFAULT_POLICY),
    ).toEqual({
      costUsd: null,
      status: '',
    });
  });

  it('has no price dated in the future of its own table version, and no model listed twice for one day', () => {
    const seen = new Set<string>();
    for (const entry of PRICE_TABLE.prices) {
      const key = `${entry.provider}/${entry.model}@${entry.effectiveFrom}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
      expect(entry.effectiveFrom <= PRICE_TABLE.version).toBe(true);
    }
    expect(findPrice('openai', 'gpt-4o', '2000-01-01')).toBeUndefined();
  });
});

/**
 * Pricing: the price in force on the call's day, snapshot model ids, cached and reasoning
 * token rates, project overrides, and unknown models flagged instead of priced at zero.
 */
import { describe, expect, it } from 'vitest';
import { SpanItemSchema, type SpanItem, type SpanItemInput } from '@sightline/sdk/contract';
import { buildSpan } from '../../test/helpers/factories.ts';
import { DEFAULT_POLICY, EnrichmentPolicySchema, type EnrichmentPolicy } from '../enrich/policy.ts';
import { findPrice, PRICE_TABLE, priceSpan } from './priceSpan.ts';

const at = (day: string) => Date.parse(`${day}T12:00:00Z`);

function llm(overrides: Partial<SpanItemInput>) {
  return SpanItemSchema.parse({ ...buildSpan({}), kind: 'llm', ...overrides });
}

/** A small call to `model` on a day when every listed price is in force. */
function priceLateCall(model: string) {
  return priceSpan(
    llm({
      responseModel: model,
      startTime: at('2025-12-01'),
      endTime: at('2025-12-01') + 1,
      usage: { inputTokens: 10, outputTokens: 10 },
    }),
    DEFAULT_POLICY,
  );
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

  it('prices each call by its own day, model, provider and policy when calls alternate', () => {
    // priceSpan keeps the last call's price; every input that decides a price must change it.
    const override = EnrichmentPolicySchema.parse({
      prices: [{ provider: 'openai', model: 'gpt-4o', inputPerMillion: 1, outputPerMillion: 2 }],
    });
    const call = (model: string, day: string, provider = 'openai', time = '12:00:00') =>
      llm({
        provider,
        responseModel: model,
        startTime: Date.parse(`${day}T${time}Z`),
        endTime: Date.parse(`${day}T${time}Z`) + 1,
        usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 },
      });
    const cases: [SpanItem, EnrichmentPolicy, number | null, string | undefined][] = [
      [call('gpt-4o', '2024-06-01'), DEFAULT_POLICY, 20, 'openai/gpt-4o@2024-05-13'],
      [call('gpt-4o', '2024-06-01', 'openai', '23:59:59.999'), DEFAULT_POLICY, 20, undefined],
      [call('gpt-4o', '2025-01-10'), DEFAULT_POLICY, 12.5, undefined],
      [call('gpt-4o', '2025-01-10', 'openai', '00:00:00'), DEFAULT_POLICY, 12.5, undefined],
      [call('gpt-4o', '2024-06-01'), DEFAULT_POLICY, 20, undefined],
      [call('gpt-4o', '2024-06-01'), override, 3, 'override/gpt-4o@0000-01-01'],
      // The override names its provider: another provider's call gets the list price.
      [call('gpt-4o', '2024-06-01', 'azure'), override, 20, 'openai/gpt-4o@2024-05-13'],
      [call('gpt-4o', '2024-06-01'), DEFAULT_POLICY, 20, undefined],
      // Before its own price existed, another model's is not borrowed.
      [call('gpt-4o-mini', '2024-06-01'), DEFAULT_POLICY, null, undefined],
      [call('gpt-4o-mini', '2025-01-10'), DEFAULT_POLICY, 0.75, undefined],
      [call('gpt-4o', '2025-01-10', 'azure'), DEFAULT_POLICY, 12.5, undefined],
      [call('in-house-llm', '2025-01-10'), DEFAULT_POLICY, null, undefined],
      [call('gpt-4o', '2025-01-10'), DEFAULT_POLICY, 12.5, undefined],
    ];
    for (const [span, policy, dollars, ref] of cases) {
      const day = new Date(span.startTime).toISOString().slice(0, 10);
      const label = `${span.responseModel} on ${day} (${span.provider})`;
      const result = priceSpan(span, policy);
      expect(result.costUsd, label).toBe(dollars);
      if (ref !== undefined) expect(result.priceRef, label).toBe(ref);
      // The same call priced with nothing remembered, through the list directly.
      if (policy === DEFAULT_POLICY) {
        const listed =
          findPrice(span.provider, span.responseModel!, day) ??
          findPrice(undefined, span.responseModel!, day);
        expect(result.priceRef ?? null, label).toBe(
          listed ? `${listed.provider}/${listed.model}@${listed.effectiveFrom}` : null,
        );
      }
    }
  });

  it.each([
    ['gpt-4o-2024-08-06', 'openai/gpt-4o@2024-10-01'],
    ['claude-sonnet-4-5-20250929', 'anthropic/claude-sonnet-4-5@'],
    ['claude-sonnet-4@20250514', 'anthropic/claude-sonnet-4@'],
    ['gpt-4.1-2025-04-14', 'openai/gpt-4.1@'],
    ['mistral-large-2411', 'mistral/mistral-large@'],
    ['mistral-large-latest', 'mistral/mistral-large@'],
    ['gemini-2.5-pro-preview-05-06', 'google/gemini-2.5-pro@'],
  ])('prices the snapshot %s as its model', (model, ref) => {
    const result = priceLateCall(model);
    expect(result.status).toBe('priced');
    expect(result.priceRef).toContain(ref);
  });

  it.each(['o3-pro', 'claude-opus-4-5', 'gpt-5-codex', 'gpt-4o-mini-tts', 'command-r7b'])(
    'flags %s, which is not a snapshot of a listed model, instead of pricing it as one',
    (model) => {
      expect(priceLateCall(model)).toEqual({ costUsd: null, status: 'unknown_model' });
    },
  );

  it('applies the best-matching override, not the first listed', () => {
    const policy = EnrichmentPolicySchema.parse({
      prices: [
        { model: 'gpt-4o', inputPerMillion: 5, outputPerMillion: 5 },
        { model: 'gpt-4o-mini', inputPerMillion: 0.5, outputPerMillion: 0.5 },
      ],
    });
    const cost = (model: string) =>
      priceSpan(
        llm({ responseModel: model, usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 } }),
        policy,
      );
    expect(cost('gpt-4o-mini')).toMatchObject({
      costUsd: 1,
      priceRef: 'override/gpt-4o-mini@0000-01-01',
    });
    expect(cost('gpt-4o-2024-08-06')).toMatchObject({
      costUsd: 10,
      priceRef: 'override/gpt-4o@0000-01-01',
    });
    expect(cost('gpt-4o-mini-2024-07-18')).toMatchObject({ costUsd: 1 });
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

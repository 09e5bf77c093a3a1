/**
 * What an LLM call cost: usage × the price in force for its provider and model on the day of
 * the call. Prices are data (prices.json, versioned, with effective dates) plus per-project
 * overrides, which win. A model with no price is flagged `unknown_model`, never priced at
 * zero; a call without token counts is `no_usage`.
 */
import { z } from 'zod';
import type { SpanItem } from '@sightline/sdk/contract';
import type { EnrichmentPolicy } from '../enrich/policy.ts';
import priceData from './prices.json' with { type: 'json' };

const PriceEntrySchema = z.object({
  provider: z.string(),
  model: z.string(),
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
  reasoning: z.number().nonnegative().optional(),
});
const PriceTableSchema = z.object({ version: z.string(), prices: z.array(PriceEntrySchema) });

export type PriceEntry = z.infer<typeof PriceEntrySchema>;
export const PRICE_TABLE = PriceTableSchema.parse(priceData);
export const PRICE_TABLE_VERSION = PRICE_TABLE.version;

export type CostStatus = 'priced' | 'unknown_model' | 'no_usage' | '';

export interface SpanCost {
  costUsd: number | null;
  status: CostStatus;
  /** Which price applied, e.g. `openai/gpt-4o@2024-10-01` or `override/…`. */
  priceRef?: string;
}

/** Newest entry first per (provider, model), so the first one in force on a day wins. */
const ENTRIES = [...PRICE_TABLE.prices].sort((a, b) =>
  b.effectiveFrom.localeCompare(a.effectiveFrom),
);

function normalise(value: string | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

/**
 * What may follow a listed model id in a snapshot of it: dates (`-2024-08-06`, `-20241022`,
 * `@20240229`, `-05-06`), short versions (`-0613`, `-002`, `-2407`), `-latest`, `-preview`,
 * and `-v1:0`. A suffix that names another model (`-mini`, `-pro`, `-5`) does not match, so
 * `o3-pro` or `claude-opus-4-5` without a price of their own are flagged, not priced as
 * `o3` or `claude-opus-4`.
 */
const SNAPSHOT_SUFFIX =
  /^(?:[-@.:](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{2}-\d{2}|\d{3,4}|latest|preview|v\d+(?::\d+)?))+$/;

/** Exact model (scored highest), then the longest listed id of which it is a snapshot. */
function modelMatches(listed: string, model: string): number {
  const candidate = normalise(listed);
  if (candidate === model) return candidate.length + 1_000;
  if (model.startsWith(candidate) && SNAPSHOT_SUFFIX.test(model.slice(candidate.length)))
    return candidate.length;
  return -1;
}

/** Calls repeat a handful of models: list-price lookups are kept (bounded) by model and day. */
const LOOKUP_CACHE_SIZE = 4_096;
const lookupCache = new Map<string, PriceEntry | null>();

export function findPrice(
  provider: string | undefined,
  model: string,
  day: string,
  entries: readonly PriceEntry[] = ENTRIES,
): PriceEntry | undefined {
  if (entries !== ENTRIES) return searchPrice(provider, model, day, entries);
  const key = `${provider ?? ''}\n${model}\n${day}`;
  const cached = lookupCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const found = searchPrice(provider, model, day, entries);
  if (lookupCache.size >= LOOKUP_CACHE_SIZE) lookupCache.clear();
  lookupCache.set(key, found ?? null);
  return found;
}

function searchPrice(
  provider: string | undefined,
  model: string,
  day: string,
  entries: readonly PriceEntry[],
): PriceEntry | undefined {
  const wantedProvider = normalise(provider);
  const wantedModel = normalise(model);
  let best: PriceEntry | undefined;
  let bestScore = -1;
  for (const entry of entries) {
    if (wantedProvider && normalise(entry.provider) !== wantedProvider) continue;
    if (entry.effectiveFrom > day) continue;
    const score = modelMatches(entry.model, wantedModel);
    if (score > bestScore) {
      best = entry;
      bestScore = score;
    }
  }
  return best;
}

interface ResolvedPrice {
  price: PriceEntry;
  /** Which price applied, e.g. `openai/gpt-4o@2024-10-01` or `override/…`. */
  ref: string;
}

/** The price for a call: a project override if one matches, else the list price of its day. */
function resolvePrice(
  prices: EnrichmentPolicy['prices'],
  provider: string | undefined,
  model: string,
  day: string,
): ResolvedPrice | undefined {
  // The best-matching override wins (the exact id over a snapshot's base), as in the list.
  let override: EnrichmentPolicy['prices'][number] | undefined;
  let overrideScore = -1;
  for (const entry of prices) {
    if (entry.provider && normalise(entry.provider) !== normalise(provider)) continue;
    const score = modelMatches(entry.model, normalise(model));
    if (score > overrideScore) {
      override = entry;
      overrideScore = score;
    }
  }
  const price: PriceEntry | undefined = override
    ? {
        provider: override.provider ?? provider ?? '',
        model: override.model,
        effectiveFrom: '0000-01-01',
        input: override.inputPerMillion,
        output: override.outputPerMillion,
        ...(override.cachedInputPerMillion !== undefined
          ? { cachedInput: override.cachedInputPerMillion }
          : {}),
        ...(override.reasoningPerMillion !== undefined
          ? { reasoning: override.reasoningPerMillion }
          : {}),
      }
    : (findPrice(provider, model, day) ?? findPrice(undefined, model, day));
  if (!price) return undefined;
  return {
    price,
    ref: `${override ? 'override' : price.provider}/${price.model}@${price.effectiveFrom}`,
  };
}

const MILLIS_PER_DAY = 86_400_000;

/**
 * The last call's price, by what decides it: calls come in runs of the same project, provider
 * and model on the same day, so most calls skip the day's date string and the searches.
 */
let lastResolved:
  | {
      prices: EnrichmentPolicy['prices'];
      provider: string | undefined;
      model: string;
      dayNumber: number;
      resolved: ResolvedPrice | undefined;
    }
  | undefined;

function resolvePriceOnce(
  prices: EnrichmentPolicy['prices'],
  provider: string | undefined,
  model: string,
  startTime: number,
): ResolvedPrice | undefined {
  const dayNumber = Math.floor(startTime / MILLIS_PER_DAY);
  const last = lastResolved;
  if (
    last !== undefined &&
    last.dayNumber === dayNumber &&
    last.model === model &&
    last.provider === provider &&
    last.prices === prices
  ) {
    return last.resolved;
  }
  const day = new Date(startTime).toISOString().slice(0, 10);
  const resolved = resolvePrice(prices, provider, model, day);
  lastResolved = { prices, provider, model, dayNumber, resolved };
  return resolved;
}

export function priceSpan(span: SpanItem, policy: Pick<EnrichmentPolicy, 'prices'>): SpanCost {
  if (span.kind !== 'llm' && span.kind !== 'embedding') return { costUsd: null, status: '' };
  const usage = span.usage;
  if (!usage || (usage.inputTokens === undefined && usage.outputTokens === undefined))
    return { costUsd: null, status: 'no_usage' };
  const model = span.responseModel ?? span.requestModel;
  if (!model) return { costUsd: null, status: 'unknown_model' };
  const resolved = resolvePriceOnce(policy.prices, span.provider, model, span.startTime);
  if (!resolved) return { costUsd: null, status: 'unknown_model' };
  const { price } = resolved;
  const input = usage.inputTokens ?? 0;
  const cached = Math.min(usage.cachedInputTokens ?? 0, input);
  const output = usage.outputTokens ?? 0;
  const reasoning = Math.min(usage.reasoningTokens ?? 0, output);
  // Cached input and reasoning tokens are part of input/output counts (OpenAI and OTel
  // semantics); each is billed at its own rate when the price lists one.
  const dollars =
    ((input - cached) * price.input +
      cached * (price.cachedInput ?? price.input) +
      (output - reasoning) * price.output +
      reasoning * (price.reasoning ?? price.output)) /
    1_000_000;
  return {
    costUsd: Math.round(dollars * 1e10) / 1e10,
    status: 'priced',
    priceRef: resolved.ref,
  };
}

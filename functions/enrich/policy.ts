/**
 * A project's enrichment policy, kept on the project's item in DynamoDB (`policy`): what to do
 * with each kind of personal data and secret before storage, whether to keep encrypted
 * originals, the project's assertion rules, and price overrides. Parsed leniently: a policy
 * that does not parse falls back to the strict default (mask everything, keep no originals),
 * never to storing plaintext.
 */
import { z } from 'zod';

export const REDACTION_ACTIONS = ['mask', 'hash', 'keep'] as const;
export type RedactionAction = (typeof REDACTION_ACTIONS)[number];

export const PriceOverrideSchema = z.object({
  provider: z.string().min(1).max(64).optional(),
  model: z.string().min(1).max(256),
  inputPerMillion: z.number().nonnegative(),
  outputPerMillion: z.number().nonnegative(),
  cachedInputPerMillion: z.number().nonnegative().optional(),
  reasoningPerMillion: z.number().nonnegative().optional(),
});

export const JUDGE_RUBRICS = ['faithfulness', 'relevance', 'helpfulness'] as const;

/** The judge runs inside the cloud: its endpoint must not reach the instance metadata service. */
function isInstanceMetadataHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    /^169\.254\./.test(host) ||
    host === 'fd00:ec2::254' ||
    host === 'metadata.google.internal' ||
    host === 'metadata'
  );
}
export type JudgeRubric = (typeof JUDGE_RUBRICS)[number];

/**
 * LLM-as-judge (functions/judge): an OpenAI-compatible endpoint scores sampled LLM spans.
 * The API key is never stored here: `apiKeySecretRef` is a Secrets Manager ARN in AWS, or the
 * name of a `SIGHTLINE_JUDGE_KEY_*` environment variable locally.
 */
export const JudgePolicySchema = z.object({
  enabled: z.boolean().default(false),
  endpoint: z
    .url({ protocol: /^https?$/ })
    // zod runs refinements even after the URL check failed: only parse what is a URL.
    .refine((url) => !URL.canParse(url) || !isInstanceMetadataHost(new URL(url).hostname), {
      message: 'must not be a cloud instance metadata address',
    }),
  model: z.string().min(1).max(256),
  apiKeySecretRef: z
    .string()
    .regex(
      /^(arn:aws[a-z-]*:secretsmanager:[\w-]+:\d{12}:secret:[\w/+=.@-]+|SIGHTLINE_JUDGE_KEY_[A-Z0-9_]+)$/,
    )
    .optional(),
  rubrics: z.array(z.enum(JUDGE_RUBRICS)).min(1).max(JUDGE_RUBRICS.length),
  /** Share of traces judged, decided from the trace id so a trace is judged whole or not at all. */
  sampleRate: z.number().min(0).max(1).default(0),
  /** Judge calls allowed per project and UTC day. */
  dailyMaxCalls: z.number().int().min(0).max(10_000_000).default(1_000),
  /** Spend allowed per project and UTC day, each call reserving `estimatedCostPerCallUsd`. */
  dailyBudgetUsd: z.number().min(0).max(1_000_000).optional(),
  estimatedCostPerCallUsd: z.number().positive().max(100).default(0.01),
});

export type JudgePolicy = z.infer<typeof JudgePolicySchema>;

export const EnrichmentPolicySchema = z.object({
  pii: z
    .object({
      default: z.enum(REDACTION_ACTIONS).default('mask'),
      /** Per type, e.g. `{ "PERSON": "keep", "EMAIL": "hash" }`. */
      types: z.record(z.string(), z.enum(REDACTION_ACTIONS)).default({}),
      /** PII findings scoring below this are neither reported nor redacted (0 to 1). */
      minScore: z.number().min(0).max(1).default(0.5),
    })
    .default({ default: 'mask', types: {}, minScore: 0.5 }),
  secrets: z.enum(REDACTION_ACTIONS).default('mask'),
  /** Keep the originals of redacted values, encrypted, apart from the redacted text. */
  retainOriginals: z.boolean().default(false),
  assertions: z.array(z.unknown()).max(100).default([]),
  disabledEvaluators: z.array(z.string()).max(100).default([]),
  prices: z.array(PriceOverrideSchema).max(500).default([]),
  judge: JudgePolicySchema.optional(),
});

export type EnrichmentPolicy = z.infer<typeof EnrichmentPolicySchema>;

export const DEFAULT_POLICY: EnrichmentPolicy = EnrichmentPolicySchema.parse({});

export class InvalidPolicyError extends Error {
  readonly code = 'INVALID_POLICY';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPolicyError';
  }
}

/** The project's policy, or the strict default when it is missing or malformed. */
export function parsePolicy(raw: unknown): { policy: EnrichmentPolicy; problem?: string } {
  if (raw === undefined || raw === null) return { policy: DEFAULT_POLICY };
  const parsed = EnrichmentPolicySchema.safeParse(raw);
  if (parsed.success) return { policy: parsed.data };
  return {
    policy: DEFAULT_POLICY,
    problem: `project policy ignored (${parsed.error.issues.length} problems; first at ${parsed.error.issues[0]?.path.join('.') ?? '?'})`,
  };
}

export function actionFor(policy: EnrichmentPolicy, category: 'pii' | 'secret', type: string) {
  if (category === 'secret') return policy.secrets;
  return policy.pii.types[type] ?? policy.pii.default;
}

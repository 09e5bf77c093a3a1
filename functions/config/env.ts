/**
 * Owns the server-side environment: every variable a function, the web app or the local
 * stack reads is declared, defaulted and validated here, once. Nothing else reads
 * `process.env` directly.
 */
import { z } from 'zod';

export class ConfigurationError extends Error {
  readonly code = 'CONFIGURATION_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

const optionalUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.url().optional())
  .optional();

const ServerEnvSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ENDPOINT_URL_KINESIS: optionalUrl,
  AWS_ENDPOINT_URL_DYNAMODB: optionalUrl,
  /** HTTP(S) URL of a ClickHouse server; when unset, the embedded chDB engine is used. */
  CLICKHOUSE_URL: optionalUrl,
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('default'),
  /** In AWS: a Secrets Manager secret holding `{ url, username, password, database }`. */
  CLICKHOUSE_SECRET_ARN: z.string().optional(),
  /** Where the embedded engine and the local stack keep their data. */
  SIGHTLINE_HOME: z.string().default('.sightline'),
  SIGHTLINE_STREAM_NAME: z.string().min(1).default('sightline-spans'),
  SIGHTLINE_PROJECTS_TABLE: z.string().min(3).default('sightline-projects'),
  SIGHTLINE_INGEST_KEYS_TABLE: z.string().min(3).default('sightline-ingest-keys'),
  /** better-auth's users, accounts, sessions, verifications and rate-limit counters. */
  SIGHTLINE_AUTH_TABLE: z.string().min(3).default('sightline-auth'),
  /** Who belongs to which project, with which role. */
  SIGHTLINE_MEMBERSHIPS_TABLE: z.string().min(3).default('sightline-memberships'),
  /** API tokens (their SHA-256 hashes, never the tokens). */
  SIGHTLINE_API_TOKENS_TABLE: z.string().min(3).default('sightline-api-tokens'),
  /**
   * Signs and encrypts session cookies (at least 32 characters). The local stack generates one
   * per data directory; in AWS it comes from a secret. Unset, sign-in refuses to start.
   */
  SIGHTLINE_AUTH_SECRET: z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(z.string().min(32).optional())
    .optional(),
  /**
   * The public URL people open (e.g. `https://sightline.example.com`): the OIDC callback base,
   * and `https://` makes session cookies Secure. Unset, the URL of each request is used.
   */
  SIGHTLINE_WEB_URL: optionalUrl,
  /** Admin the local stack creates on first start; without a password, one is generated. */
  SIGHTLINE_ADMIN_EMAIL: z.email().default('admin@sightline.local'),
  SIGHTLINE_ADMIN_PASSWORD: z.string().min(12).optional(),
  /** Sign-in attempts allowed per email address and window, successful ones included. */
  SIGHTLINE_SIGN_IN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(5),
  SIGHTLINE_SIGN_IN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Sign-in attempts allowed per client address and minute (better-auth's rate limit). */
  SIGHTLINE_SIGN_IN_MAX_ATTEMPTS_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(30),
  /**
   * Single sign-on through an OpenID Connect provider (Amazon Cognito in the CDK stack): its
   * discovery document URL, client id and secret. All three, or none.
   */
  SIGHTLINE_OIDC_DISCOVERY_URL: optionalUrl,
  SIGHTLINE_OIDC_CLIENT_ID: z.string().optional(),
  SIGHTLINE_OIDC_CLIENT_SECRET: z.string().optional(),
  /** The button label on the sign-in page. */
  SIGHTLINE_OIDC_PROVIDER_NAME: z.string().min(1).default('Single sign-on'),
  /** The project the web app shows when the URL names none (local mode: the demo project). */
  SIGHTLINE_DEFAULT_PROJECT_ID: z.string().min(2).default('demo'),
  /**
   * Host names the web app answers to (comma-separated). Anything else is refused, which
   * stops DNS-rebinding pages from reading a loopback-only app through a browser.
   */
  /**
   * Proxies in front of the web app that append the client's address to X-Forwarded-For
   * (API Gateway in the CDK stack: 1). With one or more, the per-address sign-in limit keys on
   * the address the outermost of them saw, which a client cannot forge; with 0 (local), on
   * better-auth's default reading of X-Forwarded-For.
   */
  SIGHTLINE_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
  SIGHTLINE_WEB_ALLOWED_HOSTS: z
    .string()
    .default('127.0.0.1,localhost,[::1]')
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** How long a verified ingest key stays cached in a warm function, in seconds. */
  SIGHTLINE_KEY_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /**
   * Whether ingest still accepts wire contract v1 records (SDK 0.2.0 and older). Such a record
   * is compressed as a whole and signed inside, so it is decompressed before its signature can
   * be checked; `false`, once every producer sends v2, refuses it without decompressing it.
   */
  SIGHTLINE_ACCEPT_CONTRACT_V1: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * Content protection keys (functions/enrich/loadVault.ts). Local mode: a file holding 32
   * random bytes (base64url), from which the data-key wrapping key and the redaction HMAC key
   * are derived. AWS: a KMS key wraps data keys, and a Secrets Manager secret holds the
   * redaction HMAC master key.
   */
  SIGHTLINE_VAULT_KEY_FILE: z.string().min(1).optional(),
  SIGHTLINE_VAULT_KMS_KEY_ID: z.string().min(1).optional(),
  SIGHTLINE_REDACTION_KEY_SECRET_ARN: z.string().min(1).optional(),
  /**
   * LLM-as-judge (functions/judge). The SQS queue ingest sends judge jobs to (AWS); unset,
   * ingest enqueues nothing unless given a queue (the local stack passes its own).
   */
  SIGHTLINE_JUDGE_QUEUE_URL: optionalUrl,
  /** Per-project daily judge-call counters (DynamoDB). */
  SIGHTLINE_JUDGE_BUDGET_TABLE: z.string().min(3).default('sightline-judge-budget'),
  /** How long one judge call may take before it counts as an error, in milliseconds. */
  SIGHTLINE_JUDGE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
});

export type ServerEnv = z.infer<typeof ServerEnvSchema>;

/** Parses an environment; throws a ConfigurationError naming every bad variable. */
export function parseServerEnv(
  source: Record<string, string | undefined> = process.env,
): ServerEnv {
  const parsed = ServerEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new ConfigurationError(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

let cached: ServerEnv | undefined;

/** The process environment, parsed once. */
export function serverEnv(): ServerEnv {
  cached ??= parseServerEnv();
  return cached;
}

/** Only these variables may hold judge API keys, so a project policy cannot name any other. */
export const JUDGE_API_KEY_VARIABLE = /^SIGHTLINE_JUDGE_KEY_[A-Z0-9_]+$/;

/**
 * A judge API key from the environment (local mode: a policy's `apiKeySecretRef` names the
 * variable); undefined when the name is not a `SIGHTLINE_JUDGE_KEY_*` variable or it is unset.
 */
export function judgeApiKeyFromEnvironment(
  name: string,
  source: Record<string, string | undefined> = process.env,
): string | undefined {
  if (!JUDGE_API_KEY_VARIABLE.test(name)) return undefined;
  const value = source[name]?.trim();
  return value ? value : undefined;
}

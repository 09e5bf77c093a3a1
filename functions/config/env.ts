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
  /** The project the web app shows when the URL names none (local mode: the demo project). */
  SIGHTLINE_DEFAULT_PROJECT_ID: z.string().min(2).default('demo'),
  /**
   * Host names the web app answers to (comma-separated). Anything else is refused, which
   * stops DNS-rebinding pages from reading a loopback-only app through a browser.
   */
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

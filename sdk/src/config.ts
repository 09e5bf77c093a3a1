/**
 * SDK configuration: explicit options, or SIGHTLINE_* and the AWS SDK's standard variables.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { z } from 'zod';
import { KeyIdSchema, ProjectIdSchema } from './contract/index.ts';
import type { MaskContext } from './privacy.ts';
import type { OverflowPolicy } from './transport/KinesisTransport.ts';

export interface SightlineConfig {
  projectId: string;
  ingestKeyId: string;
  /** The ingest key's secret, used to sign records. */
  ingestKey: string;
  streamName: string;
  region?: string;
  /** Kinesis endpoint; defaults to AWS_ENDPOINT_URL_KINESIS, then AWS's own. */
  endpoint?: string;
  environment?: string;
  release?: string;
  flushIntervalMs?: number;
  maxBatchItems?: number;
  maxQueueItems?: number;
  /** Estimated bytes buffered at most (default 32 MiB). */
  maxQueueBytes?: number;
  /** Which items go when the buffer is full (default drop-oldest). */
  overflow?: OverflowPolicy;
  /** Share of traces recorded, 0–1 (default 1). */
  sampleRate?: number;
  /** Send prompts, completions and tool payloads (default true). */
  captureContent?: boolean;
  /** Applied to every free-text value before it leaves the process. */
  mask?: (value: string, context: MaskContext) => string;
  gzip?: boolean;
  /**
   * Where export work (JSON, gzip, signing, PutRecords) runs: a worker thread (default) or the
   * host's main thread, in slices.
   */
  exportThread?: 'worker' | 'main';
  flushOnExit?: boolean;
  onError?: (error: unknown) => void;
}

export class SightlineConfigError extends Error {
  readonly code = 'SIGHTLINE_CONFIG_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'SightlineConfigError';
  }
}

/** Numeric settings: the option, its environment variable and the values it may take. */
const NUMBER_SETTINGS = [
  { key: 'sampleRate', variable: 'SIGHTLINE_SAMPLE_RATE', min: 0, max: 1 },
  { key: 'flushIntervalMs', variable: 'SIGHTLINE_FLUSH_INTERVAL_MS', min: 10, max: 600_000 },
  { key: 'maxBatchItems', variable: undefined, min: 1, max: 100_000 },
  { key: 'maxQueueItems', variable: 'SIGHTLINE_MAX_QUEUE_ITEMS', min: 1, max: 10_000_000 },
  { key: 'maxQueueBytes', variable: 'SIGHTLINE_MAX_QUEUE_BYTES', min: 1_024, max: 1e12 },
] as const;

/**
 * Reads the configuration. A missing required value throws, and so does a project id or ingest
 * key id the wire contract refuses (no record signed with it would be accepted); a malformed or
 * out-of-range setting (environment variable or option) does not: it is reported once, as a
 * `SightlineConfigError`, to `onError` (else as a process warning) and its default applies,
 * because a typo in a deployment's environment must not stop the host from booting.
 * Environment values are trimmed, and a blank one counts as unset.
 */
export function configFromEnv(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<SightlineConfig> = {},
): SightlineConfig {
  const fromEnv = (variable: string): string | undefined => {
    const value = env[variable]?.trim();
    return value ? value : undefined;
  };
  const pick = (key: keyof SightlineConfig, variable: string): string | undefined =>
    (overrides[key] as string | undefined) ?? fromEnv(variable);
  const required = (key: keyof SightlineConfig, variable: string): string => {
    const value = pick(key, variable);
    if (!value) throw new SightlineConfigError(`Sightline SDK: set ${variable} or pass "${key}"`);
    return value;
  };
  // Records carry these in their envelope: one the contract refuses costs every record.
  const envelopeId = (key: keyof SightlineConfig, variable: string, schema: z.ZodString) => {
    const value = required(key, variable);
    const parsed = schema.safeParse(value);
    if (parsed.success) return value;
    const rule = parsed.error.issues[0]?.message ?? 'valid';
    throw new SightlineConfigError(
      `Sightline SDK: ${variable} ("${key}") ${rule}, got ${JSON.stringify(value)}`,
    );
  };
  const warn = (message: string) => reportConfigProblem(overrides.onError, message);
  requireOneOf('overflow', overrides.overflow, ['drop-oldest', 'drop-newest']);
  requireOneOf('exportThread', overrides.exportThread, ['worker', 'main']);
  const config: SightlineConfig = {
    ...overrides,
    projectId: envelopeId('projectId', 'SIGHTLINE_PROJECT_ID', ProjectIdSchema),
    ingestKeyId: envelopeId('ingestKeyId', 'SIGHTLINE_INGEST_KEY_ID', KeyIdSchema),
    ingestKey: required('ingestKey', 'SIGHTLINE_INGEST_KEY'),
    streamName: pick('streamName', 'SIGHTLINE_STREAM_NAME') ?? 'sightline-spans',
    region: pick('region', 'AWS_REGION') ?? fromEnv('AWS_DEFAULT_REGION') ?? 'us-east-1',
    endpoint: pick('endpoint', 'AWS_ENDPOINT_URL_KINESIS') ?? fromEnv('AWS_ENDPOINT_URL'),
    environment: pick('environment', 'SIGHTLINE_ENVIRONMENT'),
    release: pick('release', 'SIGHTLINE_RELEASE'),
    ...captureContentSetting(overrides.captureContent, fromEnv('SIGHTLINE_CAPTURE_CONTENT'), warn),
  };
  for (const setting of NUMBER_SETTINGS) {
    const value = numberSetting(setting, overrides[setting.key], fromEnv, warn);
    if (value === undefined) delete config[setting.key];
    else config[setting.key] = value;
  }
  return config;
}

/** An option with a fixed set of values, from JavaScript callers that bypass the types. */
function requireOneOf(
  key: keyof SightlineConfig,
  value: unknown,
  allowed: readonly string[],
): void {
  if (value === undefined || allowed.includes(value as string)) return;
  throw new SightlineConfigError(
    `Sightline SDK: ${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
  );
}

/** The option if valid, else the environment variable if valid, else undefined (the default). */
function numberSetting(
  setting: (typeof NUMBER_SETTINGS)[number],
  override: unknown,
  fromEnv: (variable: string) => string | undefined,
  warn: (message: string) => void,
): number | undefined {
  const { key, variable, min, max } = setting;
  const range = `a number from ${min} to ${max}`;
  if (override !== undefined) {
    if (typeof override === 'number' && override >= min && override <= max) return override;
    const shown = typeof override === 'string' ? JSON.stringify(override) : String(override);
    warn(`Sightline SDK: ${key} must be ${range}, got ${shown}; using the default`);
    return undefined;
  }
  const raw = variable ? fromEnv(variable) : undefined;
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (Number.isFinite(value) && value >= min && value <= max) return value;
  warn(`Sightline SDK: ${key} from ${variable} must be ${range}, got "${raw}"; using the default`);
  return undefined;
}

function captureContentSetting(
  override: boolean | undefined,
  raw: string | undefined,
  warn: (message: string) => void,
): Pick<SightlineConfig, 'captureContent'> {
  if (override !== undefined) return { captureContent: override };
  if (raw === undefined) return {};
  if (/^(1|true|yes|on)$/i.test(raw)) return { captureContent: true };
  if (/^(0|false|no|off)$/i.test(raw)) return { captureContent: false };
  warn(
    `Sightline SDK: SIGHTLINE_CAPTURE_CONTENT must be true or false, got "${raw}"; using the default (true)`,
  );
  return {};
}

const warned = new Set<string>();

/**
 * A setting that fell back to its default: to `onError` when the host gave one, else a process
 * warning, once per message (a process that calls `init()` again is not warned twice).
 */
function reportConfigProblem(onError: ((error: unknown) => void) | undefined, message: string) {
  const error = new SightlineConfigError(message);
  if (onError) {
    try {
      onError(error);
    } catch {
      // The host's error hook must not stop init() either.
    }
    return;
  }
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, { code: error.code });
}

/** Where the Kinesis client connects: plain data, so the export worker can build its own client. */
export type KinesisConnection = Pick<SightlineConfig, 'region' | 'endpoint'>;

/**
 * HTTP/1.1 with bounded connect and request times for every endpoint, so a hung network can
 * never hold a flush (or the host's shutdown) forever; the local Kinesis stand-in speaks only
 * HTTP/1.1 anyway (the AWS SDK would default to HTTP/2). A plain-http endpoint is a local
 * stand-in, which accepts any credentials.
 */
export function createSdkKinesisClient(config: KinesisConnection | SightlineConfig): KinesisClient {
  const plainHttp = config.endpoint?.startsWith('http://') ?? false;
  const hasCredentials = Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
  return new KinesisClient({
    region: config.region ?? 'us-east-1',
    maxAttempts: 1,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    // No requestTimeout here: without throwOnRequestTimeout one only logs a warning (into the
    // host's stderr) and leaves the request open, and with it the handler's deadline would cap
    // the transport's `requestTimeoutMs`. The export pipeline gives every request its deadline.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000 }),
    ...(plainHttp && !hasCredentials
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
}

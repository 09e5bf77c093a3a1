/**
 * SDK configuration: explicit options, or SIGHTLINE_* and the AWS SDK's standard variables.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
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

export function configFromEnv(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<SightlineConfig> = {},
): SightlineConfig {
  const pick = (key: keyof SightlineConfig, variable: string): string | undefined =>
    (overrides[key] as string | undefined) ?? env[variable];
  const required = (key: keyof SightlineConfig, variable: string): string => {
    const value = pick(key, variable);
    if (!value) throw new SightlineConfigError(`Sightline SDK: set ${variable} or pass "${key}"`);
    return value;
  };
  requireOneOf('overflow', overrides.overflow, ['drop-oldest', 'drop-newest']);
  requireOneOf('exportThread', overrides.exportThread, ['worker', 'main']);
  return {
    ...overrides,
    projectId: required('projectId', 'SIGHTLINE_PROJECT_ID'),
    ingestKeyId: required('ingestKeyId', 'SIGHTLINE_INGEST_KEY_ID'),
    ingestKey: required('ingestKey', 'SIGHTLINE_INGEST_KEY'),
    streamName: pick('streamName', 'SIGHTLINE_STREAM_NAME') ?? 'sightline-spans',
    region: pick('region', 'AWS_REGION') ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: pick('endpoint', 'AWS_ENDPOINT_URL_KINESIS') ?? env.AWS_ENDPOINT_URL,
    environment: pick('environment', 'SIGHTLINE_ENVIRONMENT'),
    release: pick('release', 'SIGHTLINE_RELEASE'),
    ...optionalNumber('sampleRate', overrides.sampleRate, env.SIGHTLINE_SAMPLE_RATE, 0, 1),
    ...optionalNumber(
      'flushIntervalMs',
      overrides.flushIntervalMs,
      env.SIGHTLINE_FLUSH_INTERVAL_MS,
      10,
      600_000,
    ),
    ...optionalNumber(
      'maxQueueItems',
      overrides.maxQueueItems,
      env.SIGHTLINE_MAX_QUEUE_ITEMS,
      1,
      10_000_000,
    ),
    ...optionalNumber(
      'maxQueueBytes',
      overrides.maxQueueBytes,
      env.SIGHTLINE_MAX_QUEUE_BYTES,
      1_024,
      1e12,
    ),
    ...(overrides.captureContent !== undefined
      ? { captureContent: overrides.captureContent }
      : env.SIGHTLINE_CAPTURE_CONTENT !== undefined
        ? {
            captureContent: parseBoolean(
              'SIGHTLINE_CAPTURE_CONTENT',
              env.SIGHTLINE_CAPTURE_CONTENT,
            ),
          }
        : {}),
  };
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

function optionalNumber<K extends keyof SightlineConfig>(
  key: K,
  override: number | undefined,
  raw: string | undefined,
  min: number,
  max: number,
): Partial<Record<K, number>> {
  if (override !== undefined) return { [key]: override } as Partial<Record<K, number>>;
  if (raw === undefined || raw === '') return {};
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new SightlineConfigError(
      `Sightline SDK: ${String(key)} from the environment must be a number from ${min} to ${max}, got "${raw}"`,
    );
  return { [key]: value } as Partial<Record<K, number>>;
}

function parseBoolean(variable: string, raw: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new SightlineConfigError(`Sightline SDK: ${variable} must be true or false, got "${raw}"`);
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
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
    ...(plainHttp && !hasCredentials
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
}

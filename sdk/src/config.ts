/**
 * SDK configuration: explicit options, or SIGHTLINE_* and the AWS SDK's standard variables.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

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
  gzip?: boolean;
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
  };
}

/**
 * HTTP/1.1 with bounded connect and request times for every endpoint, so a hung network can
 * never hold a flush (or the host's shutdown) forever; the local Kinesis stand-in speaks only
 * HTTP/1.1 anyway (the AWS SDK would default to HTTP/2). A plain-http endpoint is a local
 * stand-in, which accepts any credentials.
 */
export function createSdkKinesisClient(config: SightlineConfig): KinesisClient {
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

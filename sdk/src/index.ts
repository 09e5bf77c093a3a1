/**
 * @sightline/sdk — trace LLM calls and stream them to Sightline.
 *
 *   import { init } from '@sightline/sdk';
 *   const sightline = init(); // SIGHTLINE_PROJECT_ID, SIGHTLINE_INGEST_KEY_ID, SIGHTLINE_INGEST_KEY…
 *   await sightline.trace('answer-question', async (span) => { … span.update({ usage }) … });
 */
import { Sightline } from './Sightline.ts';
import { configFromEnv, createSdkKinesisClient, type SightlineConfig } from './config.ts';
import { KinesisTransport } from './transport/KinesisTransport.ts';

export const SDK_NAME = '@sightline/sdk';
export const SDK_VERSION = '0.1.0';

export { Sightline } from './Sightline.ts';
export type { SightlineOptions, StartSpanOptions, ScoreInput } from './Sightline.ts';
export { SpanHandle, type SpanAttributes } from './SpanHandle.ts';
export { KinesisTransport, type KinesisTransportOptions } from './transport/KinesisTransport.ts';
export type { Transport, TransportStats } from './transport/types.ts';
export { configFromEnv, SightlineConfigError, type SightlineConfig } from './config.ts';
export { newSpanId, newTraceId } from './ids.ts';

/** Creates a client from options, filling the rest from SIGHTLINE_* environment variables. */
export function init(options: Partial<SightlineConfig> = {}): Sightline {
  const config = configFromEnv(process.env, options);
  const transport = new KinesisTransport({
    client: createSdkKinesisClient(config),
    streamName: config.streamName,
    signer: {
      projectId: config.projectId,
      keyId: config.ingestKeyId,
      secret: config.ingestKey,
      sdk: { name: SDK_NAME, version: SDK_VERSION },
    },
    ...(config.flushIntervalMs !== undefined ? { flushIntervalMs: config.flushIntervalMs } : {}),
    ...(config.maxBatchItems !== undefined ? { maxBatchItems: config.maxBatchItems } : {}),
    ...(config.maxQueueItems !== undefined ? { maxQueueItems: config.maxQueueItems } : {}),
    ...(config.gzip !== undefined ? { gzip: config.gzip } : {}),
    ...(config.onError ? { onError: config.onError } : {}),
  });
  return new Sightline({
    transport,
    ...(config.environment ? { environment: config.environment } : {}),
    ...(config.release ? { release: config.release } : {}),
    ...(config.flushOnExit !== undefined ? { flushOnExit: config.flushOnExit } : {}),
    ...(config.onError ? { onError: config.onError } : {}),
  });
}

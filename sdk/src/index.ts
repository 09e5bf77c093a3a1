/**
 * @sightline/sdk — trace LLM calls and stream them to Sightline.
 *
 *   import { init } from '@sightline/sdk';
 *   const sightline = init(); // SIGHTLINE_PROJECT_ID, SIGHTLINE_INGEST_KEY_ID, SIGHTLINE_INGEST_KEY…
 *   const answer = sightline.observe('answer-question', async (question: string) => { … });
 */
import { Sightline } from './Sightline.ts';
import { configFromEnv, type SightlineConfig } from './config.ts';
import { KinesisTransport } from './transport/KinesisTransport.ts';
import { setDefaultClient } from './defaultClient.ts';

export { SDK_NAME, SDK_VERSION } from './version.ts';
import { SDK_NAME, SDK_VERSION } from './version.ts';

export { Sightline, safeJson } from './Sightline.ts';
export type {
  SightlineOptions,
  StartSpanOptions,
  ObserveOptions,
  ScoreInput,
  ScoreTarget,
} from './Sightline.ts';
export {
  SpanHandle,
  nowMs,
  type SpanAttributes,
  type DeferredAttributes,
  type EndedSpan,
} from './SpanHandle.ts';
export type { PrivacyOptions, MaskContext } from './privacy.ts';
export { isTraceSampled } from './sampling.ts';
export {
  KinesisTransport,
  estimateItemBytes,
  type KinesisTransportOptions,
  type OverflowPolicy,
} from './transport/KinesisTransport.ts';
export type { Transport, TransportStats, QueuedItem } from './transport/types.ts';
export type { ExportThread } from './transport/BatchExporter.ts';
export { ExportError, ExportWorkerError, ItemsDroppedError } from './transport/errors.ts';
export {
  wrapLambdaHandler,
  type LambdaContextLike,
  type LambdaHandler,
  type WrapLambdaOptions,
} from './serverless/lambda.ts';
export { flushWithin, flushInBackground } from './serverless/flushWithin.ts';
export {
  configFromEnv,
  SightlineConfigError,
  type SightlineConfig,
  type KinesisConnection,
} from './config.ts';
export { newSpanId, newTraceId } from './ids.ts';
export { getDefaultClient, setDefaultClient } from './defaultClient.ts';
export {
  traceLlmCall,
  followStream,
  type LlmCallStart,
  type LlmCallHandlers,
  type StreamHandlers,
} from './integrations/llmCall.ts';

/**
 * Creates a client from options, filling the rest from SIGHTLINE_* environment variables, and
 * makes it the default client that integrations use when they are not given one.
 */
export function init(options: Partial<SightlineConfig> = {}): Sightline {
  const config = configFromEnv(process.env, options);
  const transport = new KinesisTransport({
    kinesis: definedOnly({ region: config.region, endpoint: config.endpoint }),
    streamName: config.streamName,
    signer: {
      projectId: config.projectId,
      keyId: config.ingestKeyId,
      secret: config.ingestKey,
      sdk: { name: SDK_NAME, version: SDK_VERSION },
    },
    ...definedOnly({
      flushIntervalMs: config.flushIntervalMs,
      maxBatchItems: config.maxBatchItems,
      maxQueueItems: config.maxQueueItems,
      maxQueueBytes: config.maxQueueBytes,
      overflow: config.overflow,
      gzip: config.gzip,
      exportThread: config.exportThread,
      onError: config.onError,
    }),
  });
  const sightline = new Sightline({
    transport,
    ...definedOnly({
      environment: config.environment,
      release: config.release,
      sampleRate: config.sampleRate,
      captureContent: config.captureContent,
      mask: config.mask,
      flushOnExit: config.flushOnExit,
      onError: config.onError,
    }),
  });
  setDefaultClient(sightline);
  return sightline;
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

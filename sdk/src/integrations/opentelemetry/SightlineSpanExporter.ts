/**
 * An OpenTelemetry `SpanExporter` that feeds Sightline: any OTel GenAI instrumentation
 * (OpenLLMetry, OpenInference, the Vercel AI SDK's telemetry, the `gen_ai.*` conventions)
 * exports through it onto the same transport as the Sightline client, so batching, signing and
 * delivery to Kinesis are shared. `export()` only enqueues: each span is mapped later, on the
 * transport's drain, and the exporter reports success once the spans are queued (delivery and
 * its retries, drops and counts are the transport's). It never throws.
 */
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { SpanItemInput } from '../../contract/index.ts';
import { prepareSpan, strictestPrivacy, type PrivacyOptions } from '../../privacy.ts';
import { SightlineConfigError } from '../../config.ts';
import { getDefaultClient } from '../../defaultClient.ts';
import { isTraceSampled } from '../../sampling.ts';
import type { Sightline } from '../../Sightline.ts';
import type { Transport } from '../../transport/types.ts';
import { isGenAiSpan, mapOtelSpan } from './mapOtelSpan.ts';

export interface SightlineSpanExporterOptions extends PrivacyOptions {
  /** Send with this client's transport; defaults to the client `init()` created. */
  sightline?: Sightline;
  /** Or with this transport directly (e.g. a `KinesisTransport` of its own). */
  transport?: Transport;
  /**
   * Share of traces exported (0–1), decided from the trace id like the client's. It can only
   * lower the client's `sampleRate`, as `captureContent` and `mask` can only add to its privacy.
   */
  sampleRate?: number;
  /** Drop spans that carry no GenAI attributes (HTTP, database…). Default false: kept as kind `span`. */
  dropNonGenAiSpans?: boolean;
  /** Told about spans that could not be mapped (they are still sent, with what could be read). */
  onError?: (error: unknown) => void;
}

/** ExportResultCode.SUCCESS / FAILED, without loading `@opentelemetry/core` at run time. */
const SUCCESS: ExportResult = { code: 0 };
const VALID_TRACE_ID = /^(?!0+$)[0-9a-f]{32}$/;
const VALID_SPAN_ID = /^(?!0+$)[0-9a-f]{16}$/;

/** What one `export()` call sends with: resolved then, so the exporter may exist before `init()`. */
interface ExportTarget {
  transport: Transport;
  privacy: PrivacyOptions;
  sampleRate: number;
}

export class SightlineSpanExporter implements SpanExporter {
  readonly #options: SightlineSpanExporterOptions;
  readonly #ownPrivacy: PrivacyOptions;
  readonly #dropNonGenAi: boolean;
  readonly #onError: (error: unknown) => void;
  #shutDown = false;

  constructor(options: SightlineSpanExporterOptions = {}) {
    this.#options = options;
    this.#ownPrivacy = {
      ...(options.captureContent !== undefined ? { captureContent: options.captureContent } : {}),
      ...(options.mask ? { mask: options.mask } : {}),
    };
    this.#dropNonGenAi = options.dropNonGenAiSpans ?? false;
    this.#onError = (error) => {
      try {
        options.onError?.(error);
      } catch {
        // The host's error hook must not break the export either.
      }
    };
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutDown) {
      resultCallback({ code: 1, error: new Error('SightlineSpanExporter is shut down') });
      return;
    }
    const target = this.#target();
    if (!target) {
      const error = new SightlineConfigError(
        'SightlineSpanExporter: call init() first, or pass { sightline } or { transport }',
      );
      this.#onError(error);
      resultCallback({ code: 1, error });
      return;
    }
    for (const span of spans) {
      try {
        const context = span.spanContext();
        if (!VALID_TRACE_ID.test(context.traceId) || !VALID_SPAN_ID.test(context.spanId)) continue;
        if (!isTraceSampled(context.traceId, target.sampleRate)) continue;
        if (this.#dropNonGenAi && !isGenAiSpan(span)) continue;
        target.transport.enqueue(() => this.#build(span, target.privacy));
      } catch (error) {
        this.#onError(error);
      }
    }
    resultCallback(SUCCESS);
  }

  forceFlush(): Promise<void> {
    const transport = this.#target()?.transport;
    if (!transport) return Promise.resolve();
    return transport.flush().catch((error: unknown) => this.#onError(error));
  }

  shutdown(): Promise<void> {
    this.#shutDown = true;
    const transport = this.#target()?.transport;
    if (!transport) return Promise.resolve();
    return transport.shutdown().catch((error: unknown) => this.#onError(error));
  }

  /**
   * The client's privacy settings and sample rate apply (the given client's, else the one
   * `init()` created, even when the exporter has a transport of its own); the exporter's own
   * options only make them stricter.
   */
  #target(): ExportTarget | undefined {
    const client = this.#options.sightline ?? getDefaultClient();
    const transport = this.#options.transport ?? client?.transport;
    if (!transport) return undefined;
    const ownRate = this.#options.sampleRate;
    const sampleRate = Math.min(
      client?.sampleRate ?? 1,
      typeof ownRate === 'number' && !Number.isNaN(ownRate) ? ownRate : 1,
    );
    const privacy = client ? strictestPrivacy(client.privacy, this.#ownPrivacy) : this.#ownPrivacy;
    return { transport, privacy, sampleRate };
  }

  #build(span: ReadableSpan, privacy: PrivacyOptions): SpanItemInput {
    let item: SpanItemInput;
    try {
      item = mapOtelSpan(span, { captureContent: privacy.captureContent !== false });
    } catch (error) {
      this.#onError(error);
      item = minimalSpan(span);
    }
    if (privacy.captureContent === false || privacy.mask)
      return prepareSpan({ span: item, deferred: [] }, privacy);
    return item;
  }
}

/** What is always readable: ids, name, times and status. */
function minimalSpan(span: ReadableSpan): SpanItemInput {
  const context = span.spanContext();
  const parentSpanId = span.parentSpanContext?.spanId;
  const start = span.startTime[0] * 1_000 + span.startTime[1] / 1e6;
  const end = span.endTime[0] * 1_000 + span.endTime[1] / 1e6;
  return {
    type: 'span',
    traceId: context.traceId,
    spanId: context.spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: span.name || 'span',
    kind: 'span',
    startTime: start,
    endTime: Math.max(start, end),
    status: { code: span.status.code === 2 ? 'error' : span.status.code === 1 ? 'ok' : 'unset' },
    metadata: { 'sightline.mapping': 'failed' },
  };
}

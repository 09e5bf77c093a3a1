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
import { prepareSpan, type PrivacyOptions } from '../../privacy.ts';
import { SightlineConfigError } from '../../config.ts';
import { getDefaultClient } from '../../defaultClient.ts';
import type { Sightline } from '../../Sightline.ts';
import type { Transport } from '../../transport/types.ts';
import { isGenAiSpan, mapOtelSpan } from './mapOtelSpan.ts';

export interface SightlineSpanExporterOptions extends PrivacyOptions {
  /** Send with this client's transport; defaults to the client `init()` created. */
  sightline?: Sightline;
  /** Or with this transport directly (e.g. a `KinesisTransport` of its own). */
  transport?: Transport;
  /** Drop spans that carry no GenAI attributes (HTTP, database…). Default false: kept as kind `span`. */
  dropNonGenAiSpans?: boolean;
  /** Told about spans that could not be mapped (they are still sent, with what could be read). */
  onError?: (error: unknown) => void;
}

/** ExportResultCode.SUCCESS / FAILED, without loading `@opentelemetry/core` at run time. */
const SUCCESS: ExportResult = { code: 0 };
const VALID_TRACE_ID = /^(?!0+$)[0-9a-f]{32}$/;
const VALID_SPAN_ID = /^(?!0+$)[0-9a-f]{16}$/;

export class SightlineSpanExporter implements SpanExporter {
  readonly #transport: Transport;
  readonly #privacy: PrivacyOptions;
  readonly #dropNonGenAi: boolean;
  readonly #onError: (error: unknown) => void;
  #shutDown = false;

  constructor(options: SightlineSpanExporterOptions = {}) {
    const transport = options.transport ?? (options.sightline ?? getDefaultClient())?.transport;
    if (!transport)
      throw new SightlineConfigError(
        'SightlineSpanExporter: call init() first, or pass { sightline } or { transport }',
      );
    this.#transport = transport;
    this.#privacy = {
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
    for (const span of spans) {
      try {
        const context = span.spanContext();
        if (!VALID_TRACE_ID.test(context.traceId) || !VALID_SPAN_ID.test(context.spanId)) continue;
        if (this.#dropNonGenAi && !isGenAiSpan(span)) continue;
        this.#transport.enqueue(() => this.#build(span));
      } catch (error) {
        this.#onError(error);
      }
    }
    resultCallback(SUCCESS);
  }

  forceFlush(): Promise<void> {
    return this.#transport.flush().catch((error: unknown) => this.#onError(error));
  }

  shutdown(): Promise<void> {
    this.#shutDown = true;
    return this.#transport.shutdown().catch((error: unknown) => this.#onError(error));
  }

  #build(span: ReadableSpan): SpanItemInput {
    let item: SpanItemInput;
    try {
      item = mapOtelSpan(span);
    } catch (error) {
      this.#onError(error);
      item = minimalSpan(span);
    }
    if (this.#privacy.captureContent === false || this.#privacy.mask)
      return prepareSpan({ span: item, deferred: [] }, this.#privacy);
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

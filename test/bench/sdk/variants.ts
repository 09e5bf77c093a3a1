/**
 * The three tracers measured side by side, each set up the way its documentation recommends
 * and recording the same facts about the same fake LLM call (model, input and output messages,
 * usage, finish reason): Sightline (Kinesis transport to a loopback Kinesis stand-in), the
 * OpenTelemetry SDK (BatchSpanProcessor, OTLP/HTTP exporter to a loopback sink) and Langfuse
 * (`@langfuse/tracing` with `@langfuse/otel`'s span processor, to the same sink).
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { setLangfuseTracerProvider, startActiveObservation } from '@langfuse/tracing';
import type { SpanAttributes, Transport } from './sdkEntry.ts';
import type { ItemFrameWriter } from '../../../sdk/src/transport/itemFrames.ts';

/** The SDK under test: the bundle the coordinator built (SIGHTLINE_BENCH_SDK), else the sources. */
const { KinesisTransport, Sightline, traceLlmCall } = (await import(
  process.env.SIGHTLINE_BENCH_SDK ?? './sdkEntry.ts'
)) as typeof import('./sdkEntry.ts');

import { FAKE_MESSAGES, FAKE_MODEL, fakeChatCompletion, type FakeCompletion } from './fakeLlm.ts';

/**
 * The frame writer the SDK's transport runs on the caller's thread (not part of the package's
 * API: taken from the same build, SIGHTLINE_BENCH_SDK_FRAMES, else the sources), for the
 * breakdown of Sightline's cost.
 */
export async function loadFrameWriter(): Promise<typeof ItemFrameWriter> {
  const module = (await import(
    process.env.SIGHTLINE_BENCH_SDK_FRAMES ?? '../../../sdk/src/transport/itemFrames.ts'
  )) as { ItemFrameWriter: typeof ItemFrameWriter };
  return module.ItemFrameWriter;
}

export const VARIANT_NAMES = ['sightline', 'opentelemetry', 'langfuse'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];

export interface Variant {
  call(): Promise<FakeCompletion>;
  /** Sightline only: the transport's counters. */
  stats?(): { sent: number; dropped: number; queued: number };
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface VariantOptions {
  /** Kinesis endpoint (Sightline) or OTLP base URL (the peers). */
  endpoint: string;
  streamName?: string;
  /** Keep every span buffered (for the heap measurement). */
  holdEverything?: boolean;
  /** Sightline only: this transport instead of the Kinesis one (the cost breakdown's steps). */
  transport?: Transport;
}

const untraced = (): Promise<FakeCompletion> =>
  fakeChatCompletion({ model: FAKE_MODEL, messages: FAKE_MESSAGES });

export const baseline: Variant = {
  call: untraced,
  flush: async () => {},
  shutdown: async () => {},
};

function sightlineVariant(options: VariantOptions): Variant {
  const hold = options.holdEverything === true;
  const transport =
    options.transport ??
    new KinesisTransport({
      // Connection settings, not a client object: the export then runs in the SDK's worker thread.
      kinesis: { endpoint: options.endpoint },
      streamName: options.streamName ?? 'bench',
      signer: {
        projectId: 'bench',
        keyId: 'ik_bench',
        secret: 'k'.repeat(43),
        sdk: { name: '@sightline/sdk', version: 'bench' },
      },
      ...(hold
        ? {
            flushIntervalMs: 3_600_000,
            maxBatchItems: 1_000_000,
            maxBatchBytes: Number.POSITIVE_INFINITY,
            maxQueueItems: 1_000_000,
          }
        : {}),
    });
  const sightline = new Sightline({ transport, flushOnExit: false });
  return {
    call: () => {
      const messages = [...FAKE_MESSAGES];
      return traceLlmCall(
        sightline,
        {
          name: 'chat',
          kind: 'llm',
          attributes: (): SpanAttributes => ({
            operationName: 'chat',
            provider: 'openai',
            requestModel: FAKE_MODEL,
            inputMessages: messages.map((message) => ({
              role: message.role,
              parts: [{ type: 'text', content: message.content }],
            })),
          }),
        },
        () => fakeChatCompletion({ model: FAKE_MODEL, messages }),
        {
          onResult: (result) => (): SpanAttributes => ({
            responseModel: result.model,
            responseId: result.id,
            usage: {
              inputTokens: result.usage.prompt_tokens,
              outputTokens: result.usage.completion_tokens,
            },
            finishReasons: result.choices.map((choice) => choice.finish_reason),
            outputMessages: result.choices.map((choice) => ({
              role: 'assistant',
              parts: [{ type: 'text', content: choice.message.content }],
              finishReason: choice.finish_reason,
            })),
          }),
        },
      );
    },
    stats: () => sightline.stats(),
    flush: () => sightline.flush(),
    shutdown: () => sightline.shutdown(),
  };
}

function registerContextManager(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

function openTelemetryVariant(options: VariantOptions): Variant {
  registerContextManager();
  const hold = options.holdEverything === true;
  const processor = new BatchSpanProcessor(
    new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` }),
    hold
      ? { maxQueueSize: 1_000_000, maxExportBatchSize: 1_000_000, scheduledDelayMillis: 3_600_000 }
      : {},
  );
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('bench');
  return {
    call: () =>
      tracer.startActiveSpan(`chat ${FAKE_MODEL}`, async (span) => {
        span.setAttributes({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': FAKE_MODEL,
          'gen_ai.input.messages': JSON.stringify(FAKE_MESSAGES),
        });
        try {
          const result = await untraced();
          span.setAttributes({
            'gen_ai.response.model': result.model,
            'gen_ai.response.id': result.id,
            'gen_ai.usage.input_tokens': result.usage.prompt_tokens,
            'gen_ai.usage.output_tokens': result.usage.completion_tokens,
            'gen_ai.response.finish_reasons': result.choices.map((choice) => choice.finish_reason),
            'gen_ai.output.messages': JSON.stringify(
              result.choices.map((choice) => choice.message),
            ),
          });
          return result;
        } finally {
          span.end();
        }
      }),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

function langfuseVariant(options: VariantOptions): Variant {
  registerContextManager();
  const hold = options.holdEverything === true;
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new LangfuseSpanProcessor({
        publicKey: 'pk-lf-bench',
        secretKey: 'sk-lf-bench',
        baseUrl: options.endpoint,
        ...(hold ? { flushAt: 1_000_000, flushInterval: 3_600 } : {}),
      }),
    ],
  });
  setLangfuseTracerProvider(provider);
  return {
    call: () =>
      startActiveObservation(
        'chat',
        async (generation) => {
          generation.update({ model: FAKE_MODEL, input: FAKE_MESSAGES });
          const result = await untraced();
          generation.update({
            output: result.choices[0]?.message,
            usageDetails: {
              input: result.usage.prompt_tokens,
              output: result.usage.completion_tokens,
              total: result.usage.total_tokens,
            },
            metadata: { finishReason: result.choices[0]?.finish_reason },
          });
          return result;
        },
        { asType: 'generation' },
      ),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

export function createVariant(name: VariantName, options: VariantOptions): Variant {
  if (name === 'sightline') return sightlineVariant(options);
  if (name === 'opentelemetry') return openTelemetryVariant(options);
  return langfuseVariant(options);
}

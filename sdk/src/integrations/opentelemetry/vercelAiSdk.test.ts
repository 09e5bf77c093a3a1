/**
 * The bridge against the real Vercel AI SDK: `generateText` / `streamText` with
 * `experimental_telemetry`, through the real `@ai-sdk/openai` provider talking HTTP to the fake
 * OpenAI server, exported by the real BasicTracerProvider.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from '../../../../test/fakes/fakeOpenAiServer.ts';
import type { SpanItemInput } from '../../contract/index.ts';
import { MemoryTransport } from '../../testing/memoryTransport.ts';
import { hrTimeToMillis } from './mapOtelSpan.ts';
import { SightlineSpanExporter } from './SightlineSpanExporter.ts';

let server: FakeOpenAiServer;
let transport: MemoryTransport;
let otelSpans: InMemorySpanExporter;
let provider: BasicTracerProvider;

// The AI SDK nests its spans through the active OTel context, as an app's setup would.
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  server = await startFakeOpenAiServer();
});
afterAll(async () => {
  context.disable();
  await server.close();
});
beforeEach(() => {
  transport = new MemoryTransport();
  otelSpans = new InMemorySpanExporter();
  provider = new BasicTracerProvider({
    spanProcessors: [
      new SimpleSpanProcessor(otelSpans),
      new SimpleSpanProcessor(new SightlineSpanExporter({ transport })),
    ],
  });
});

/** The ids and times the bridge must have taken from the OTel span of that name. */
function fromOtel(name: string) {
  const span = otelSpans
    .getFinishedSpans()
    .find((candidate) => candidate.name === name) as ReadableSpan;
  const parent = span.parentSpanContext?.spanId;
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    startTime: hrTimeToMillis(span.startTime),
    endTime: hrTimeToMillis(span.endTime),
    attributes: span.attributes,
  };
}

function spanNamed(name: string): SpanItemInput | undefined {
  return transport.spans().find((span) => span.name === name);
}

describe('SightlineSpanExporter with the Vercel AI SDK', () => {
  it('maps generateText and its provider call', async () => {
    // Prepare
    server.enqueue({
      type: 'chat',
      content: 'Hi! How can I help?',
      usage: { inputTokens: 15, outputTokens: 6, cachedInputTokens: 4 },
    });
    const openai = createOpenAI({ baseURL: server.baseURL, apiKey: 'sk-test' });

    // Act
    const result = await generateText({
      model: openai.chat('gpt-4o-mini'),
      system: 'Be brief.',
      prompt: 'Hi there',
      temperature: 0.3,
      experimental_telemetry: {
        isEnabled: true,
        tracer: provider.getTracer('ai'),
        functionId: 'greet',
        metadata: { userId: 'user-1', sessionId: 'chat-1', plan: 'pro' },
      },
    });

    // Assess
    expect(result.text).toBe('Hi! How can I help?');
    const call = fromOtel('ai.generateText.doGenerate');
    const outer = fromOtel('ai.generateText');
    expect(call.parentSpanId).toBe(outer.spanId);
    const { attributes: _callAttributes, ...callIds } = call;
    expect(spanNamed('ai.generateText.doGenerate')).toEqual({
      type: 'span',
      ...callIds,
      name: 'ai.generateText.doGenerate',
      kind: 'llm',
      status: { code: 'unset' },
      operationName: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini',
      responseId: 'chatcmpl-fake0001',
      request: { temperature: 0.3 },
      finishReasons: ['stop'],
      usage: { inputTokens: 15, outputTokens: 6, cachedInputTokens: 4, reasoningTokens: 0 },
      userId: 'user-1',
      sessionId: 'chat-1',
      systemInstructions: [{ type: 'text', content: 'Be brief.' }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Hi there' }] }],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'stop',
          parts: [{ type: 'text', content: 'Hi! How can I help?' }],
        },
      ],
      metadata: {
        'otel.scope.name': 'ai',
        'ai.telemetry.functionId': 'greet',
        plan: 'pro',
        'ai.settings.maxRetries': 2,
        'ai.response.timestamp': call.attributes['ai.response.timestamp'],
        'ai.response.providerMetadata': call.attributes['ai.response.providerMetadata'],
      },
    });
    expect(spanNamed('ai.generateText')).toMatchObject({
      kind: 'chain',
      traceId: call.traceId,
      spanId: outer.spanId,
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      systemInstructions: [{ type: 'text', content: 'Be brief.' }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Hi there' }] }],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'stop',
          parts: [{ type: 'text', content: 'Hi! How can I help?' }],
        },
      ],
    });
    expect(spanNamed('ai.generateText')?.usage).toBeUndefined();
  });

  it('maps streamText with its time to first chunk', async () => {
    // Prepare
    server.enqueue({ type: 'chat', content: ['Once ', 'upon ', 'a time.'] });
    const openai = createOpenAI({ baseURL: server.baseURL, apiKey: 'sk-test' });

    // Act
    const stream = streamText({
      model: openai.chat('gpt-4o-mini'),
      messages: [{ role: 'user', content: 'Tell a story' }],
      experimental_telemetry: { isEnabled: true, tracer: provider.getTracer('ai') },
    });
    const pieces: string[] = [];
    for await (const piece of stream.textStream) pieces.push(piece);

    // Assess
    expect(pieces.join('')).toBe('Once upon a time.');
    const call = fromOtel('ai.streamText.doStream');
    expect(spanNamed('ai.streamText.doStream')).toMatchObject({
      kind: 'llm',
      operationName: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      request: { stream: true },
      timeToFirstTokenMs: call.attributes['ai.response.msToFirstChunk'],
      usage: { inputTokens: 12, outputTokens: 6 },
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Tell a story' }] }],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'stop',
          parts: [{ type: 'text', content: 'Once upon a time.' }],
        },
      ],
    });
    expect(typeof call.attributes['ai.response.msToFirstChunk']).toBe('number');
  });
});

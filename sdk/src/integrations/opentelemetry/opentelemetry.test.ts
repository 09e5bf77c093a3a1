import { context, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryTransport } from '../../testing/memoryTransport.ts';
import type { SightlineOptions } from '../../Sightline.ts';
import { SightlineSpanExporter, type SightlineSpanExporterOptions } from './index.ts';

const T0 = 1_764_000_000_000;

let transport: MemoryTransport;
let provider: BasicTracerProvider;

function setUp(options: Partial<SightlineSpanExporterOptions> = {}) {
  transport = new MemoryTransport();
  const exporter = new SightlineSpanExporter({ transport, ...options });
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.version': '1.4.2',
      'deployment.environment.name': 'production',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { exporter, tracer: provider.getTracer('genai-instrumentation', '0.1.0') };
}

beforeEach(() => setUp());
afterEach(() => provider.shutdown());

/** Starts a span at T0 + `at` ms (as a child of `parent` when given) and ends it `duration` ms later. */
function recordSpan(
  tracer: ReturnType<BasicTracerProvider['getTracer']>,
  name: string,
  attributes: Attributes,
  { at = 0, duration = 250, parent }: { at?: number; duration?: number; parent?: Span } = {},
): Span {
  const parentContext = parent ? trace.setSpan(context.active(), parent) : context.active();
  const span = tracer.startSpan(name, { attributes, startTime: T0 + at }, parentContext);
  span.end(T0 + at + duration);
  return span;
}

const fromResource = { environment: 'production', release: '1.4.2' };
const scope = { 'otel.scope.name': 'genai-instrumentation' };

describe('SightlineSpanExporter', () => {
  it('maps the current GenAI semantic conventions', () => {
    // Prepare
    const { tracer } = setUp();
    const parent = tracer.startSpan('handle-request', { startTime: T0 });

    // Act
    const llm = recordSpan(
      tracer,
      'chat gpt-4o',
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.top_p': 0.9,
        'gen_ai.request.top_k': 40,
        'gen_ai.request.max_tokens': 256,
        'gen_ai.request.frequency_penalty': 0.1,
        'gen_ai.request.presence_penalty': 0.3,
        'gen_ai.request.stop_sequences': ['END'],
        'gen_ai.request.seed': 42,
        'gen_ai.request.choice.count': 1,
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.response.id': 'chatcmpl-123',
        'gen_ai.response.finish_reasons': ['tool_calls'],
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 30,
        'gen_ai.usage.cache_read.input_tokens': 64,
        'gen_ai.conversation.id': 'conv-9',
        'user.id': 'user-42',
        'server.address': 'api.openai.com',
        'server.port': 443,
        'gen_ai.system_instructions': JSON.stringify([
          { type: 'text', content: 'You are a shop assistant.' },
        ]),
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: 'Where is my order 7?' }] },
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'call_1', name: 'find_order', arguments: { id: 7 } }],
          },
          {
            role: 'tool',
            parts: [{ type: 'tool_call_response', id: 'call_1', response: 'shipped' }],
          },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', content: 'Tell them it shipped.' },
              { type: 'text', content: 'It has shipped.' },
            ],
            finish_reason: 'stop',
          },
        ]),
      },
      { at: 10, parent },
    );
    parent.end(T0 + 300);

    // Assess
    const [child, root] = transport.spans();
    expect(child).toEqual({
      type: 'span',
      traceId: llm.spanContext().traceId,
      spanId: llm.spanContext().spanId,
      parentSpanId: parent.spanContext().spanId,
      name: 'chat gpt-4o',
      kind: 'llm',
      startTime: T0 + 10,
      endTime: T0 + 260,
      status: { code: 'unset' },
      operationName: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      responseId: 'chatcmpl-123',
      request: {
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        maxTokens: 256,
        frequencyPenalty: 0.1,
        presencePenalty: 0.3,
        seed: 42,
        choiceCount: 1,
        stopSequences: ['END'],
      },
      finishReasons: ['tool_calls'],
      usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 64 },
      sessionId: 'conv-9',
      userId: 'user-42',
      serverAddress: 'api.openai.com',
      systemInstructions: [{ type: 'text', content: 'You are a shop assistant.' }],
      inputMessages: [
        { role: 'user', parts: [{ type: 'text', content: 'Where is my order 7?' }] },
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', id: 'call_1', name: 'find_order', arguments: { id: 7 } }],
        },
        {
          role: 'tool',
          parts: [{ type: 'tool_call_response', id: 'call_1', response: 'shipped' }],
        },
      ],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'stop',
          parts: [
            { type: 'reasoning', content: 'Tell them it shipped.' },
            { type: 'text', content: 'It has shipped.' },
          ],
        },
      ],
      ...fromResource,
      metadata: { ...scope, 'server.port': 443 },
    });
    expect(root).toEqual({
      type: 'span',
      traceId: parent.spanContext().traceId,
      spanId: parent.spanContext().spanId,
      name: 'handle-request',
      kind: 'span',
      startTime: T0,
      endTime: T0 + 300,
      status: { code: 'unset' },
      ...fromResource,
      metadata: scope,
    });
  });

  it('maps OpenLLMetry legacy attributes (gen_ai.prompt.N / gen_ai.completion.N)', () => {
    // Prepare
    const { tracer } = setUp();

    // Act
    const span = recordSpan(tracer, 'openai.chat', {
      'llm.request.type': 'chat',
      'gen_ai.system': 'OpenAI',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-legacy',
      'llm.is_streaming': false,
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': 'Be brief.',
      'gen_ai.prompt.1.role': 'user',
      'gen_ai.prompt.1.content': 'Weather in Oslo?',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.finish_reason': 'tool_calls',
      'gen_ai.completion.0.tool_calls.0.id': 'call_x',
      'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Oslo"}',
      'gen_ai.usage.prompt_tokens': 21,
      'gen_ai.usage.completion_tokens': 12,
      'gen_ai.usage.cache_read_input_tokens': 0,
      'llm.usage.total_tokens': 33,
      'traceloop.workflow.name': 'weather-bot',
    });

    // Assess
    expect(transport.spans()).toEqual([
      {
        type: 'span',
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        name: 'openai.chat',
        kind: 'llm',
        startTime: T0,
        endTime: T0 + 250,
        status: { code: 'unset' },
        operationName: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        responseModel: 'gpt-4o-mini-2024-07-18',
        responseId: 'chatcmpl-legacy',
        request: { maxTokens: 100, temperature: 0.7, stream: false },
        usage: { inputTokens: 21, outputTokens: 12, cachedInputTokens: 0 },
        systemInstructions: [{ type: 'text', content: 'Be brief.' }],
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Oslo?' }] }],
        outputMessages: [
          {
            role: 'assistant',
            finishReason: 'tool_calls',
            parts: [
              { type: 'tool_call', id: 'call_x', name: 'get_weather', arguments: { city: 'Oslo' } },
            ],
          },
        ],
        finishReasons: ['tool_calls'],
        ...fromResource,
        metadata: {
          ...scope,
          'llm.usage.total_tokens': 33,
          'traceloop.workflow.name': 'weather-bot',
        },
      },
    ]);
  });

  it('maps OpenInference attributes', () => {
    // Prepare
    const { tracer } = setUp();

    // Act
    const chain = tracer.startSpan('RetrievalQA', {
      startTime: T0,
      attributes: {
        'openinference.span.kind': 'CHAIN',
        'input.value': 'What is Sightline?',
        'output.value': 'An LLM observability platform.',
        'session.id': 'sess-1',
      },
    });
    const llm = recordSpan(
      tracer,
      'ChatOpenAI',
      {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4.1',
        'llm.provider': 'openai',
        'llm.system': 'openai',
        'llm.invocation_parameters': JSON.stringify({
          temperature: 0,
          max_tokens: 200,
          stop: ['\n\n'],
        }),
        'llm.input_messages.0.message.role': 'system',
        'llm.input_messages.0.message.content': 'Use the context.',
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.contents.0.message_content.type': 'text',
        'llm.input_messages.1.message.contents.0.message_content.text': 'What is Sightline?',
        'llm.input_messages.1.message.contents.1.message_content.type': 'image',
        'llm.input_messages.1.message.contents.1.message_content.image.image.url':
          'https://example.com/logo.png',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': 'An LLM observability platform.',
        'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_s',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'cite',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"doc":3}',
        'llm.token_count.prompt': 410,
        'llm.token_count.completion': 9,
        'llm.token_count.total': 419,
        'llm.token_count.prompt_details.cache_read': 128,
        'input.value': '{"messages":[…]}',
        'input.mime_type': 'application/json',
        'user.id': 'user-5',
        'tag.tags': ['rag', 'beta'],
        metadata: JSON.stringify({ experiment: 'b', retries: 2 }),
      },
      { at: 5, duration: 100, parent: chain },
    );
    chain.end(T0 + 200);

    // Assess
    const [child, root] = transport.spans();
    expect(child).toEqual({
      type: 'span',
      traceId: chain.spanContext().traceId,
      spanId: llm.spanContext().spanId,
      parentSpanId: chain.spanContext().spanId,
      name: 'ChatOpenAI',
      kind: 'llm',
      startTime: T0 + 5,
      endTime: T0 + 105,
      status: { code: 'unset' },
      operationName: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4.1',
      usage: { inputTokens: 410, outputTokens: 9, cachedInputTokens: 128 },
      request: { temperature: 0, maxTokens: 200, stopSequences: ['\n\n'] },
      systemInstructions: [{ type: 'text', content: 'Use the context.' }],
      inputMessages: [
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'What is Sightline?' },
            { type: 'media', uri: 'https://example.com/logo.png' },
          ],
        },
      ],
      outputMessages: [
        {
          role: 'assistant',
          parts: [
            { type: 'text', content: 'An LLM observability platform.' },
            { type: 'tool_call', id: 'call_s', name: 'cite', arguments: { doc: 3 } },
          ],
        },
      ],
      userId: 'user-5',
      tags: ['rag', 'beta'],
      ...fromResource,
      metadata: { ...scope, experiment: 'b', retries: 2 },
    });
    expect(root).toEqual({
      type: 'span',
      traceId: chain.spanContext().traceId,
      spanId: chain.spanContext().spanId,
      name: 'RetrievalQA',
      kind: 'chain',
      startTime: T0,
      endTime: T0 + 200,
      status: { code: 'unset' },
      sessionId: 'sess-1',
      ...fromResource,
      metadata: { ...scope, input: 'What is Sightline?', output: 'An LLM observability platform.' },
    });
  });

  it('maps Vercel AI SDK telemetry: the call, its provider request and a tool call', () => {
    // Prepare
    const { tracer } = setUp();
    const messages = [
      { role: 'system', content: 'You plan trips.' },
      { role: 'user', content: [{ type: 'text', text: 'Two days in Rome?' }] },
    ];

    // Act
    const outer = tracer.startSpan('ai.streamText', {
      startTime: T0,
      attributes: {
        'ai.operationId': 'ai.streamText',
        'ai.model.id': 'claude-sonnet-4-5',
        'ai.model.provider': 'anthropic.messages',
        'ai.prompt': JSON.stringify({ system: 'You plan trips.', prompt: 'Two days in Rome?' }),
        'ai.response.text': 'Day 1: Colosseum. Day 2: Vatican.',
        'ai.usage.inputTokens': 50,
        'ai.usage.outputTokens': 20,
        'ai.telemetry.functionId': 'plan-trip',
        'ai.telemetry.metadata.userId': 'user-3',
        'ai.telemetry.metadata.sessionId': 'chat-77',
        'ai.telemetry.metadata.plan': 'pro',
      },
    });
    const call = recordSpan(
      tracer,
      'ai.streamText.doStream',
      {
        'ai.operationId': 'ai.streamText.doStream',
        'ai.model.id': 'claude-sonnet-4-5',
        'ai.model.provider': 'anthropic.messages',
        'ai.prompt.messages': JSON.stringify(messages),
        'ai.settings.maxOutputTokens': 500,
        'ai.settings.temperature': 0.5,
        'ai.response.text': 'Day 1: Colosseum. Day 2: Vatican.',
        'ai.response.toolCalls': JSON.stringify([
          {
            toolCallType: 'function',
            toolCallId: 'tc_1',
            toolName: 'book',
            input: '{"city":"Rome"}',
          },
        ]),
        'ai.response.finishReason': 'tool-calls',
        'ai.response.id': 'msg_01',
        'ai.response.model': 'claude-sonnet-4-5-20250929',
        'ai.response.msToFirstChunk': 412.5,
        'ai.usage.inputTokens': 50,
        'ai.usage.outputTokens': 20,
        'ai.usage.cachedInputTokens': 10,
        'gen_ai.system': 'anthropic.messages',
        'gen_ai.request.model': 'claude-sonnet-4-5',
        'gen_ai.usage.input_tokens': 50,
        'gen_ai.usage.output_tokens': 20,
      },
      { at: 1, duration: 800, parent: outer },
    );
    const tool = recordSpan(
      tracer,
      'ai.toolCall',
      {
        'ai.operationId': 'ai.toolCall',
        'ai.toolCall.name': 'book',
        'ai.toolCall.id': 'tc_1',
        'ai.toolCall.args': '{"city":"Rome"}',
        'ai.toolCall.result': '{"booked":true}',
      },
      { at: 810, duration: 20, parent: outer },
    );
    outer.end(T0 + 900);

    // Assess
    const [doStream, toolCall, streamText] = transport.spans();
    const ids = (span: Span, parent?: Span) => ({
      traceId: outer.spanContext().traceId,
      spanId: span.spanContext().spanId,
      ...(parent ? { parentSpanId: parent.spanContext().spanId } : {}),
    });
    expect(doStream).toEqual({
      type: 'span',
      ...ids(call, outer),
      name: 'ai.streamText.doStream',
      kind: 'llm',
      startTime: T0 + 1,
      endTime: T0 + 801,
      status: { code: 'unset' },
      operationName: 'chat',
      provider: 'anthropic',
      requestModel: 'claude-sonnet-4-5',
      responseModel: 'claude-sonnet-4-5-20250929',
      responseId: 'msg_01',
      usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 10 },
      request: { temperature: 0.5, maxTokens: 500, stream: true },
      finishReasons: ['tool-calls'],
      timeToFirstTokenMs: 412.5,
      systemInstructions: [{ type: 'text', content: 'You plan trips.' }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Two days in Rome?' }] }],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'tool-calls',
          parts: [
            { type: 'text', content: 'Day 1: Colosseum. Day 2: Vatican.' },
            { type: 'tool_call', id: 'tc_1', name: 'book', arguments: { city: 'Rome' } },
          ],
        },
      ],
      ...fromResource,
      metadata: scope,
    });
    expect(toolCall).toEqual({
      type: 'span',
      ...ids(tool, outer),
      name: 'ai.toolCall',
      kind: 'tool',
      startTime: T0 + 810,
      endTime: T0 + 830,
      status: { code: 'unset' },
      operationName: 'execute_tool',
      tool: { name: 'book', callId: 'tc_1' },
      ...fromResource,
      metadata: { ...scope, input: '{"city":"Rome"}', output: '{"booked":true}' },
    });
    expect(streamText).toEqual({
      type: 'span',
      ...ids(outer),
      name: 'ai.streamText',
      kind: 'chain',
      startTime: T0,
      endTime: T0 + 900,
      status: { code: 'unset' },
      provider: 'anthropic',
      requestModel: 'claude-sonnet-4-5',
      request: { stream: true },
      systemInstructions: [{ type: 'text', content: 'You plan trips.' }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Two days in Rome?' }] }],
      outputMessages: [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'Day 1: Colosseum. Day 2: Vatican.' }],
        },
      ],
      userId: 'user-3',
      sessionId: 'chat-77',
      ...fromResource,
      // The chain's totals repeat its provider calls' usage: kept as metadata, not counted twice.
      metadata: {
        ...scope,
        'ai.usage.inputTokens': 50,
        'ai.usage.outputTokens': 20,
        'ai.telemetry.functionId': 'plan-trip',
        plan: 'pro',
      },
    });
  });

  it('records errors from the status, error.type and exception events', () => {
    // Prepare
    const { tracer } = setUp();

    // Act
    const failed = tracer.startSpan('chat claude', {
      startTime: T0,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic' },
    });
    failed.recordException({ name: 'RateLimitError', message: '429 rate limited' }, T0 + 5);
    failed.setStatus({ code: SpanStatusCode.ERROR });
    failed.end(T0 + 10);
    const typed = tracer.startSpan('embeddings text-embedding-3-small', {
      startTime: T0,
      attributes: { 'gen_ai.operation.name': 'embeddings', 'error.type': 'timeout' },
    });
    typed.setStatus({ code: SpanStatusCode.ERROR, message: 'deadline exceeded' });
    typed.end(T0 + 10);

    // Assess
    const [first, second] = transport.spans();
    expect(first).toMatchObject({
      kind: 'llm',
      status: { code: 'error', message: '429 rate limited' },
      errorType: 'RateLimitError',
    });
    expect(second).toMatchObject({
      kind: 'embedding',
      operationName: 'embeddings',
      status: { code: 'error', message: 'deadline exceeded' },
      errorType: 'timeout',
    });
  });

  it('drops non-GenAI spans on request, applies content privacy, and delegates flush and shutdown', async () => {
    // Prepare
    const { exporter, tracer } = setUp({ dropNonGenAiSpans: true, captureContent: false });

    // Act
    recordSpan(tracer, 'GET /health', { 'http.request.method': 'GET' });
    recordSpan(tracer, 'chat gpt-4o', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'secret' }] },
      ]),
    });
    await provider.forceFlush();
    await exporter.shutdown();
    const afterShutdown = await new Promise((resolve) => exporter.export([], resolve));

    // Assess
    const spans = transport.spans();
    expect(spans.map((span) => span.name)).toEqual(['chat gpt-4o']);
    expect(spans[0]?.inputMessages).toBeUndefined();
    expect(transport.flushes).toBe(1);
    expect(afterShutdown).toMatchObject({ code: 1 });
  });

  it('never throws from export: a span it cannot read is reported and skipped', async () => {
    // Prepare
    const errors: unknown[] = [];
    const { exporter } = setUp({ onError: (error) => errors.push(error) });
    const unreadable = {
      spanContext: () => {
        throw new Error('revoked');
      },
    } as unknown as ReadableSpan;

    // Act
    const result = await new Promise((resolve) => exporter.export([unreadable], resolve));

    // Assess
    expect(result).toEqual({ code: 0 });
    expect(errors).toHaveLength(1);
    expect(transport.items()).toEqual([]);
  });
});

describe('content privacy', () => {
  it.each([
    [
      'GenAI tool call',
      {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'lookup',
        'gen_ai.tool.call.arguments': '{"card":"4111111111111111"}',
        'gen_ai.tool.call.result': 'secret result',
      },
    ],
    [
      'OpenLLMetry workflow',
      {
        'traceloop.span.kind': 'workflow',
        'traceloop.entity.input': '{"question":"my SSN is 123-45-6789"}',
        'traceloop.entity.output': 'secret answer',
        'traceloop.prompt.template': 'secret {x}',
      },
    ],
    [
      'OpenInference retriever',
      {
        'openinference.span.kind': 'RETRIEVER',
        'input.value': 'secret query',
        'retrieval.documents.0.document.content': 'secret doc',
        'retrieval.documents.0.document.id': 'doc-1',
        'llm.tools.0.tool.json_schema': '{"description":"secret"}',
      },
    ],
    [
      'Vercel AI SDK call',
      {
        'ai.operationId': 'ai.generateText',
        'ai.prompt': '{"prompt":"secret prompt"}',
        'ai.prompt.tools': ['{"name":"t","description":"secret"}'],
        'ai.response.text': 'secret answer',
        'ai.result.text': 'secret answer',
      },
    ],
  ])('with captureContent false, sends no content attribute of a %s', async (_name, attributes) => {
    // Prepare
    const { tracer } = setUp({ captureContent: false });

    // Act
    recordSpan(tracer, 'span', { ...attributes, 'custom.flag': true });
    await provider.forceFlush();

    // Assess
    const [span] = transport.spans();
    // Whole values only: a span id or a timestamp can hold "4111" by chance.
    expect(JSON.stringify(span)).not.toMatch(/secret|4111111111111111|123-45-6789/);
    expect(span?.metadata).toMatchObject({ 'custom.flag': true });
  });

  it('keeps content attributes as metadata when content is captured', async () => {
    // Prepare
    const { tracer } = setUp();

    // Act
    recordSpan(tracer, 'workflow', {
      'traceloop.span.kind': 'workflow',
      'traceloop.entity.input': '{"question":"where is my order?"}',
    });
    await provider.forceFlush();

    // Assess
    expect(transport.spans()[0]?.metadata).toMatchObject({
      'traceloop.entity.input': '{"question":"where is my order?"}',
    });
  });
});

describe('sharing a Sightline client', () => {
  const card = /\b4111\d{12}\b/g;
  const chatWithCard = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'my card 4111111111111111' }] },
    ]),
    'app.note': 'card 4111111111111111',
  };

  async function exportThrough(exporter: SightlineSpanExporter, attributes: Attributes) {
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    recordSpan(provider.getTracer('t'), 'chat', attributes);
    await provider.forceFlush();
  }

  async function clientWith(options: Partial<SightlineOptions>) {
    const { Sightline } = await import('../../Sightline.ts');
    const shared = new MemoryTransport();
    const sightline = new Sightline({ transport: shared, flushOnExit: false, ...options });
    return { sightline, shared };
  }

  it('inherits the client’s captureContent and mask, which its own options cannot relax', async () => {
    // Prepare
    const { sightline, shared } = await clientWith({
      captureContent: false,
      mask: (value) => value.replace(card, '[CARD]'),
    });

    // Act
    await exportThrough(new SightlineSpanExporter({ sightline }), chatWithCard);
    await exportThrough(
      new SightlineSpanExporter({ sightline, captureContent: true }),
      chatWithCard,
    );

    // Assess
    const spans = shared.spans();
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.inputMessages).toBeUndefined();
      expect(span.metadata?.['app.note']).toBe('card [CARD]');
    }
  });

  it('runs its own mask after the client’s', async () => {
    // Prepare
    const { sightline, shared } = await clientWith({
      mask: (value) => value.replace(card, '[CARD]'),
    });
    const exporter = new SightlineSpanExporter({
      sightline,
      mask: (value) => value.replace('my', '[OWNER]'),
    });

    // Act
    await exportThrough(exporter, chatWithCard);

    // Assess
    expect(shared.spans()[0]?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: '[OWNER] card [CARD]' }] },
    ]);
  });

  it.each([
    [{ sampleRate: 0 }, {}, 0],
    [{ sampleRate: 1 }, { sampleRate: 0 }, 0],
    [{ sampleRate: 0 }, { sampleRate: 1 }, 0],
    [{ sampleRate: 1 }, {}, 1],
  ])('samples with the lower of client %o and exporter %o', async (client, own, expected) => {
    // Prepare
    const { sightline, shared } = await clientWith(client);

    // Act
    await exportThrough(new SightlineSpanExporter({ sightline, ...own }), chatWithCard);

    // Assess
    expect(shared.spans()).toHaveLength(expected);
  });

  it('sends through the client it is given, or the default client looked up at export time', async () => {
    const { setDefaultClient } = await import('../../defaultClient.ts');
    const { sightline, shared } = await clientWith({});
    const errors: unknown[] = [];

    const explicit = new SightlineSpanExporter({ sightline });
    const beforeInit = new SightlineSpanExporter({ onError: (error) => errors.push(error) });
    const withoutClient = await new Promise((resolve) => beforeInit.export([], resolve));
    setDefaultClient(sightline);
    try {
      for (const exporter of [explicit, beforeInit])
        await exportThrough(exporter, { 'gen_ai.operation.name': 'chat' });
    } finally {
      setDefaultClient(undefined);
    }

    expect(withoutClient).toMatchObject({ code: 1, error: { name: 'SightlineConfigError' } });
    expect(errors).toHaveLength(1);
    expect(shared.spans().map((span) => span.kind)).toEqual(['llm', 'llm']);
  });
});

import Anthropic from '@anthropic-ai/sdk';
import { Stream } from '@anthropic-ai/sdk/streaming';
import { describe, expect, it } from 'vitest';
import {
  startFakeAnthropicServer,
  type FakeAnthropicReply,
} from '../../../../test/fakes/fakeAnthropicServer.ts';
import { setDefaultClient } from '../../defaultClient.ts';
import { useIntegrationTestClient } from '../../testing/integrationTestClient.ts';
import { wrapAnthropic } from './index.ts';
import { comparableSpan } from '../../testing/comparableSpan.ts';

const ctx = useIntegrationTestClient(startFakeAnthropicServer);

const makeClient = () =>
  new Anthropic({ apiKey: 'sk-ant-test', baseURL: ctx.server.url, maxRetries: 0 });

/** The span without what varies from run to run (ids, times). */
const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
};

const conversation: Anthropic.MessageParam[] = [
  { role: 'user', content: 'What is the weather in Paris?' },
  {
    role: 'assistant',
    content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
  },
  {
    role: 'user',
    content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C and sunny' }],
  },
];

const expectedInput = [
  { role: 'user', parts: [{ type: 'text', content: 'What is the weather in Paris?' }] },
  {
    role: 'assistant',
    parts: [
      { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } },
    ],
  },
  {
    role: 'tool',
    parts: [{ type: 'tool_call_response', id: 'toolu_1', response: '18°C and sunny' }],
  },
];

const richReply: FakeAnthropicReply = {
  type: 'message',
  id: 'msg_rich',
  model: 'claude-sonnet-4-5-20250929',
  content: [
    { type: 'thinking', thinking: 'The tool said 18°C; answer briefly.', signature: 'sig_1' },
    { type: 'text', text: 'It is 18°C and sunny in Paris.' },
    { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Lyon' } },
  ],
  usage: {
    inputTokens: 40,
    outputTokens: 25,
    cacheReadInputTokens: 100,
    cacheCreationInputTokens: 10,
  },
};

const expectedRichOutput = {
  responseId: 'msg_rich',
  responseModel: 'claude-sonnet-4-5-20250929',
  usage: { inputTokens: 150, outputTokens: 25, cachedInputTokens: 100 },
  finishReasons: ['tool_use'],
  outputMessages: [
    {
      role: 'assistant',
      finishReason: 'tool_use',
      parts: [
        { type: 'reasoning', content: 'The tool said 18°C; answer briefly.' },
        { type: 'text', content: 'It is 18°C and sunny in Paris.' },
        { type: 'tool_call', id: 'toolu_2', name: 'get_weather', arguments: { city: 'Lyon' } },
      ],
    },
  ],
};

describe('wrapAnthropic', () => {
  it('traces messages.create and returns what the unwrapped client returns', async () => {
    // Prepare
    ctx.server.enqueue(richReply, richReply);
    const params: Anthropic.MessageCreateParamsNonStreaming = {
      model: 'claude-sonnet-5-5',
      max_tokens: 512,
      stop_sequences: ['END'],
      system: 'You are terse.',
      metadata: { user_id: 'user-7' },
      tools: [weatherTool],
      messages: conversation,
    };

    // Act
    const plain = await makeClient().messages.create(params);
    const traced = await wrapAnthropic(makeClient(), ctx.sightline).messages.create(params);

    // Assess
    expect(traced).toEqual(plain);
    const spans = ctx.spans();
    expect(spans).toHaveLength(1);
    expect(comparableSpan(spans[0])).toEqual({
      type: 'span',
      name: 'anthropic.messages.create',
      kind: 'llm',
      status: { code: 'ok' },
      operationName: 'chat',
      provider: 'anthropic',
      requestModel: 'claude-sonnet-5-5',
      serverAddress: '127.0.0.1',
      userId: 'user-7',
      request: {
        maxTokens: 512,
        stopSequences: ['END'],
        stream: false,
      },
      systemInstructions: [{ type: 'text', content: 'You are terse.' }],
      inputMessages: expectedInput,
      ...expectedRichOutput,
    });
    expect(spans[0]?.timeToFirstTokenMs).toBeUndefined();
  });

  it('follows stream: true, passing every event through unchanged', async () => {
    // Prepare
    ctx.server.enqueue(richReply, richReply);
    const params: Anthropic.MessageCreateParamsStreaming = {
      model: 'claude-sonnet-5-5',
      max_tokens: 512,
      stream: true,
      messages: conversation,
    };
    const collect = async (stream: AsyncIterable<unknown>) => {
      const events: unknown[] = [];
      for await (const event of stream) events.push(event);
      return events;
    };

    // Act
    const plain = await collect(await makeClient().messages.create(params));
    const wrapped = wrapAnthropic(makeClient(), { sightline: ctx.sightline });
    const stream = await wrapped.messages.create(params);
    const traced = await collect(stream);

    // Assess
    expect(traced).toEqual(plain);
    expect(stream.controller).toBeInstanceOf(AbortController);
    const [span] = ctx.spans();
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(span!.timeToFirstTokenMs!).toBeLessThanOrEqual(span!.endTime - span!.startTime);
    expect(comparableSpan(span)).toEqual({
      type: 'span',
      name: 'anthropic.messages.create',
      kind: 'llm',
      status: { code: 'ok' },
      operationName: 'chat',
      provider: 'anthropic',
      requestModel: 'claude-sonnet-5-5',
      serverAddress: '127.0.0.1',
      request: { maxTokens: 512, stream: true },
      inputMessages: expectedInput,
      ...expectedRichOutput,
    });
  });

  it('traces the messages.stream() helper through its request, final message included', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'message',
      content: [{ type: 'text', text: ['Bon', 'jour', '!'] }],
    });
    const client = wrapAnthropic(makeClient(), ctx.sightline, { attributes: { tags: ['helper'] } });
    const texts: string[] = [];

    // Act
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hello in French' }],
    });
    stream.on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();

    // Assess
    expect(texts).toEqual(['Bon', 'jour', '!']);
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour!' }]);
    const spans = ctx.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0]?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(comparableSpan(spans[0])).toEqual({
      type: 'span',
      name: 'anthropic.messages.create',
      kind: 'llm',
      status: { code: 'ok' },
      operationName: 'chat',
      provider: 'anthropic',
      requestModel: 'claude-haiku-4-5',
      serverAddress: '127.0.0.1',
      tags: ['helper'],
      request: { maxTokens: 64, stream: true },
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Say hello in French' }] }],
      responseId: 'msg_fake0001',
      responseModel: 'claude-haiku-4-5',
      usage: { inputTokens: 21, outputTokens: 9, cachedInputTokens: 0 },
      finishReasons: ['end_turn'],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'end_turn',
          parts: [{ type: 'text', content: 'Bonjour!' }],
        },
      ],
    });
  });

  it('records an API error and re-throws the same error object', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'error',
      status: 429,
      message: 'Number of requests exceeded your rate limit',
    });
    const client = wrapAnthropic(makeClient(), ctx.sightline);

    // Act
    const thrown = await client.messages
      .create({
        model: 'claude-haiku-4-5',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      })
      .catch((error: unknown) => error);

    // Assess
    expect(thrown).toBeInstanceOf(Anthropic.RateLimitError);
    const [span] = ctx.spans();
    expect(span?.status).toEqual({ code: 'error', message: (thrown as Error).message });
    expect(span?.errorType).toBe('RateLimitError');
    expect(span?.outputMessages).toBeUndefined();
  });

  it('ends the span failed when the stream breaks off with an error event', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'message', streamBreak: { afterEvents: 4, mode: 'error-event' } });
    const client = wrapAnthropic(makeClient(), ctx.sightline);
    const received: unknown[] = [];

    // Act
    const stream = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 8,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const thrown = await (async () => {
      for await (const event of stream) received.push(event);
    })().catch((error: unknown) => error);

    // Assess
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    // The client drops the `ping` event the server sent before the first delta.
    expect(received.map((event) => (event as { type: string }).type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
    ]);
    const [span] = ctx.spans();
    expect(span?.status?.code).toBe('error');
    expect(span?.errorType).toBe((thrown as Error).name);
    expect(span?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello ' }] },
    ]);
  });

  it('links the call to the active span and keeps withResponse() working', async () => {
    // Prepare
    const client = wrapAnthropic(makeClient(), ctx.sightline);

    // Act
    const { data, response } = await ctx.sightline.trace('answer', () =>
      client.messages
        .create({
          model: 'claude-haiku-4-5',
          max_tokens: 8,
          messages: [{ role: 'user', content: 'hi' }],
        })
        .withResponse(),
    );

    // Assess
    expect(response.headers.get('request-id')).toBe('req_fake_anthropic_1');
    expect(data.id).toBe('msg_fake0001');
    const spans = ctx.spans();
    const call = spans.find((span) => span.name === 'anthropic.messages.create');
    const root = spans.find((span) => span.name === 'answer');
    expect(call?.parentSpanId).toBe(root?.spanId);
    expect(call?.traceId).toBe(root?.traceId);
  });

  it('calls through untraced when no client is given or set by init()', async () => {
    // Prepare
    const client = wrapAnthropic(makeClient());

    // Act
    const message = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });

    // Assess
    expect(message.id).toBe('msg_fake0001');
    expect(ctx.spans()).toEqual([]);
    expect(client).toBeInstanceOf(Anthropic);
  });

  it('ends the span of a helper stream the caller aborts', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'message',
      content: [{ type: 'text', text: ['a ', 'b ', 'c ', 'd ', 'e'] }],
    });
    const client = wrapAnthropic(makeClient(), ctx.sightline);

    // Act
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'letters' }],
    });
    stream.on('text', () => stream.abort());
    const outcome = await stream.done().catch((error: unknown) => error);

    // Assess
    expect(outcome).toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(stream.aborted).toBe(true);
    const spans = ctx.spans();
    expect(spans).toHaveLength(1);
    // The client ends an aborted stream's iteration quietly: the span ends with what arrived,
    // no stop reason, and says the stream was aborted.
    expect(spans[0]?.status).toEqual({ code: 'ok' });
    expect(spans[0]?.metadata).toEqual({ 'sightline.stream': 'aborted' });
    expect(spans[0]?.finishReasons).toBeUndefined();
    expect(spans[0]?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'a ' }] },
    ]);
  });

  it('uses the default client set by init() when none is given, looked up at call time', async () => {
    // Prepare
    const client = wrapAnthropic(makeClient());
    setDefaultClient(ctx.sightline);

    // Act
    try {
      await client.messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      });
    } finally {
      setDefaultClient(undefined);
    }

    // Assess
    expect(ctx.spans().map((span) => span.name)).toEqual(['anthropic.messages.create']);
  });

  it('returns the library’s own Stream through observe(), tee() included, and follows it', async () => {
    // Prepare
    ctx.server.enqueue(richReply);
    const params: Anthropic.MessageCreateParamsStreaming = {
      model: 'claude-sonnet-5-5',
      max_tokens: 512,
      stream: true,
      messages: conversation,
    };
    const ask = ctx.sightline.observe('ask', async () => makeClient().messages.create(params), {
      captureResult: true,
    });
    const teeAsk = ctx.sightline.observe('tee-ask', () => makeClient().messages.create(params), {
      captureResult: true,
    });

    // Act
    const stream = await ask();
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    const readAt = performance.timeOrigin + performance.now();
    const teed = await teeAsk();
    const [left, right] = teed.tee();
    const leftEvents: unknown[] = [];
    const rightEvents: unknown[] = [];
    for await (const event of left) leftEvents.push(event);
    for await (const event of right) rightEvents.push(event);

    // Assess
    expect(stream).toBeInstanceOf(Stream);
    expect(stream.controller).toBeInstanceOf(AbortController);
    expect(teed).toBeInstanceOf(Stream);
    expect(leftEvents).toEqual(rightEvents);
    expect(leftEvents.length).toBeGreaterThan(3);
    const spans = ctx.spans();
    const followed = spans.find((span) => span.name === 'ask');
    expect(followed?.status).toEqual({ code: 'ok' });
    expect(followed?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(followed?.endTime).toBeLessThanOrEqual(readAt);
    expect(JSON.parse(String(followed?.metadata?.output))).toHaveLength(events.length);
    // The branches tee() makes are followed: the span gets the stream's output once.
    const teeSpan = spans.find((span) => span.name === 'tee-ask');
    expect(teeSpan?.status).toEqual({ code: 'ok' });
    expect(teeSpan?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(teeSpan?.metadata?.['sightline.stream']).toBeUndefined();
    expect(JSON.parse(String(teeSpan?.metadata?.output))).toHaveLength(leftEvents.length);
  });

  it('wrapping twice traces each call once', async () => {
    // Prepare
    const client = wrapAnthropic(wrapAnthropic(makeClient(), ctx.sightline), ctx.sightline);

    // Act
    await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });

    // Assess
    expect(ctx.spans()).toHaveLength(1);
  });
});

import OpenAI from 'openai';
import { Stream } from 'openai/streaming';
import { describe, expect, it } from 'vitest';
import {
  startFakeOpenAiServer,
  type ChatReply,
  type FakeOpenAiServer,
  type FakeReply,
} from '../../../../test/fakes/fakeOpenAiServer.ts';
import { setDefaultClient } from '../../defaultClient.ts';
import { useIntegrationTestClient } from '../../testing/integrationTestClient.ts';
import { providerFromHost, wrapOpenAI, type OpenAiCompatibleOptions } from './index.ts';
import { collectGarbage } from '../../testing/collectGarbage.ts';
import { collectStream } from '../../testing/collectStream.ts';

const ctx = useIntegrationTestClient(startFakeOpenAiServer);

// ---- factories ---------------------------------------------------------------------------

function plainClient(server: FakeOpenAiServer = ctx.server): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 });
}

function tracedClient(options: OpenAiCompatibleOptions = {}, server = ctx.server): OpenAI {
  return wrapOpenAI(plainClient(server), { sightline: ctx.sightline, ...options });
}

/** Scripts the same reply for the traced call and for the plain call it is compared with. */
function scriptTwice(reply: FakeReply): void {
  ctx.server.enqueue(reply, reply);
}

const weatherCall = {
  id: 'call_weather1',
  name: 'get_weather',
  arguments: '{"city":"Paris","unit":"celsius"}',
};

function chatParams(
  overrides: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming> = {},
): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is the capital of France?' },
    ],
    temperature: 0.2,
    max_tokens: 64,
    ...overrides,
  };
}

const spanTimes = {
  traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
  spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
  startTime: expect.any(Number),
  endTime: expect.any(Number),
};

// ---- chat completions --------------------------------------------------------------------

describe('wrapOpenAI chat.completions.create', () => {
  it('records a JSON completion exactly and returns what the plain client returns', async () => {
    // Prepare
    const reply: ChatReply = {
      type: 'chat',
      content: 'Paris.',
      model: 'gpt-4o-mini-2024-07-18',
      id: 'chatcmpl-paris',
      usage: { inputTokens: 21, outputTokens: 2, cachedInputTokens: 4, reasoningTokens: 0 },
    };
    scriptTwice(reply);

    // Act
    const traced = await tracedClient().chat.completions.create(
      chatParams({ seed: 7, stop: 'END' }),
    );
    const plain = await plainClient().chat.completions.create(chatParams({ seed: 7, stop: 'END' }));

    // Assess
    expect(traced).toEqual(plain);
    expect(ctx.spans()).toEqual([
      {
        type: 'span',
        ...spanTimes,
        name: 'openai.chat.completions.create',
        kind: 'llm',
        status: { code: 'ok' },
        operationName: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        serverAddress: '127.0.0.1',
        request: {
          temperature: 0.2,
          maxTokens: 64,
          seed: 7,
          stopSequences: ['END'],
          stream: false,
        },
        systemInstructions: [{ type: 'text', content: 'You are terse.' }],
        inputMessages: [
          { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
        ],
        responseId: 'chatcmpl-paris',
        responseModel: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 21, outputTokens: 2, cachedInputTokens: 4, reasoningTokens: 0 },
        finishReasons: ['stop'],
        outputMessages: [
          { role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finishReason: 'stop' },
        ],
      },
    ]);
  });

  it('maps a tool-using conversation: tool calls in, tool results in, tool calls out', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'chat', toolCalls: [weatherCall] });
    const params = chatParams({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_rome',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_rome', content: '21°C, sunny' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
        },
      ],
    });

    // Act
    const completion = await tracedClient().chat.completions.create(params);

    // Assess
    expect(completion.choices[0]?.message.tool_calls?.[0]?.id).toBe('call_weather1');
    const [span] = ctx.spans();
    expect(span?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_rome', name: 'get_weather', arguments: { city: 'Rome' } },
        ],
      },
      {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: 'call_rome', response: '21°C, sunny' }],
      },
    ]);
    expect(span?.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            id: 'call_weather1',
            name: 'get_weather',
            arguments: { city: 'Paris', unit: 'celsius' },
          },
        ],
        finishReason: 'tool_calls',
      },
    ]);
    expect(span?.finishReasons).toEqual(['tool_calls']);
  });

  it('maps images given as URLs and as data URIs without sending the bytes', async () => {
    // Prepare
    const pixel = Buffer.from('fake-png-bytes').toString('base64');

    // Act
    await tracedClient().chat.completions.create(
      chatParams({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these.' },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${pixel}` } },
            ],
          },
        ],
      }),
    );

    // Assess
    expect(ctx.spans()[0]?.inputMessages).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Compare these.' },
          { type: 'media', uri: 'https://example.com/cat.png' },
          { type: 'media', mimeType: 'image/png', bytes: 'fake-png-bytes'.length },
        ],
      },
    ]);
  });

  it('follows a stream: same chunks as the plain client, TTFT, usage and streamed tool calls', async () => {
    // Prepare
    const reply: ChatReply = {
      type: 'chat',
      content: ['Let me ', 'check.'],
      toolCalls: [weatherCall],
      usage: { inputTokens: 30, outputTokens: 12 },
    };
    scriptTwice(reply);
    const params = {
      ...chatParams(),
      stream: true as const,
      stream_options: { include_usage: true },
    };

    // Act
    const tracedChunks = await collectStream(await tracedClient().chat.completions.create(params));
    const plainChunks = await collectStream(await plainClient().chat.completions.create(params));

    // Assess
    expect(tracedChunks).toEqual(plainChunks);
    expect(tracedChunks.length).toBeGreaterThan(5);
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      name: 'openai.chat.completions.create',
      status: { code: 'ok' },
      request: { temperature: 0.2, maxTokens: 64, stream: true },
      responseId: 'chatcmpl-fake0001',
      responseModel: 'gpt-4o-mini',
      usage: { inputTokens: 30, outputTokens: 12, cachedInputTokens: 0, reasoningTokens: 0 },
      finishReasons: ['tool_calls'],
      outputMessages: [
        {
          role: 'assistant',
          parts: [
            { type: 'text', content: 'Let me check.' },
            {
              type: 'tool_call',
              id: 'call_weather1',
              name: 'get_weather',
              arguments: { city: 'Paris', unit: 'celsius' },
            },
          ],
          finishReason: 'tool_calls',
        },
      ],
    });
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(span!.timeToFirstTokenMs!).toBeLessThanOrEqual(span!.endTime - span!.startTime);
  });

  it('keeps .withResponse() working and still records the call', async () => {
    // Act
    const { data, response, request_id } = await tracedClient()
      .chat.completions.create(chatParams())
      .withResponse();

    // Assess
    expect(data.choices[0]?.message.content).toBe('Hello from the fake server.');
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_fake0001');
    expect(ctx.spans()[0]?.outputMessages?.[0]?.parts).toEqual([
      { type: 'text', content: 'Hello from the fake server.' },
    ]);
  });

  it('keeps .withResponse() on an APIPromise returned through observe()', async () => {
    // Prepare
    const ask = ctx.sightline.observe('ask', () =>
      plainClient().chat.completions.create(chatParams()),
    );

    // Act
    const { data, response } = await ask().withResponse();

    // Assess
    expect(data.choices[0]?.message.content).toBe('Hello from the fake server.');
    expect(response.status).toBe(200);
    expect(ctx.spans()[0]).toMatchObject({ name: 'ask', status: { code: 'ok' } });
  });

  it('returns the library’s own Stream through observe() and follows it to its end', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'chat', content: ['Bon', 'jour'] });
    const ask = ctx.sightline.observe(
      'ask',
      async () => plainClient().chat.completions.create({ ...chatParams(), stream: true }),
      { captureResult: true },
    );

    // Act
    const stream = await ask();
    const chunks = await collectStream(stream);
    const readAt = performance.timeOrigin + performance.now();

    // Assess
    expect(stream).toBeInstanceOf(Stream);
    expect(stream.controller).toBeInstanceOf(AbortController);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Bonjour');
    const [span] = ctx.spans();
    expect(span).toMatchObject({ name: 'ask', status: { code: 'ok' } });
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(span?.endTime).toBeLessThanOrEqual(readAt);
    expect(JSON.parse(String(span?.metadata?.output))).toHaveLength(chunks.length);
  });

  it('keeps tee() working on a Stream returned through observe(), and follows its branches', async () => {
    // Prepare
    const ask = ctx.sightline.observe('ask', () =>
      plainClient().chat.completions.create({ ...chatParams(), stream: true }),
    );

    // Act
    const stream = await ask();
    const [left, right] = stream.tee();
    const leftChunks = await collectStream(left);
    const rightChunks = await collectStream(right);

    // Assess
    expect(stream).toBeInstanceOf(Stream);
    expect(left).toBeInstanceOf(Stream);
    expect(leftChunks).toEqual(rightChunks);
    expect(leftChunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Hello from the fake server.',
    );
    const [span] = ctx.spans();
    expect(span).toMatchObject({ name: 'ask', status: { code: 'ok' } });
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(span?.metadata?.['sightline.stream']).toBeUndefined();
  });

  it('keeps .asResponse() unread and records the call without output', async () => {
    // Act
    const response = await tracedClient().chat.completions.create(chatParams()).asResponse();
    const body = (await response.json()) as OpenAI.Chat.ChatCompletion;

    // Assess
    expect(body.choices[0]?.message.content).toBe('Hello from the fake server.');
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      status: { code: 'ok' },
      requestModel: 'gpt-4o-mini',
      metadata: { 'sightline.response': 'raw' },
    });
    expect(span?.outputMessages).toBeUndefined();
  });

  it('records a call the caller never awaits', async () => {
    // Prepare
    const requestsBefore = ctx.server.requests.length;

    // Act
    void tracedClient().chat.completions.create(chatParams());
    while (ctx.spans().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    // Assess
    expect(ctx.server.requests.length).toBe(requestsBefore + 1);
    expect(ctx.spans()[0]?.outputMessages?.[0]?.parts).toEqual([
      { type: 'text', content: 'Hello from the fake server.' },
    ]);
  });

  it('follows a stream read through .withResponse()', async () => {
    // Act
    const { data } = await tracedClient()
      .chat.completions.create({ ...chatParams(), stream: true })
      .withResponse();
    const chunks = await collectStream(data);

    // Assess
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Hello from the fake server.',
    );
    const [span] = ctx.spans();
    expect(span?.outputMessages?.[0]?.parts).toEqual([
      { type: 'text', content: 'Hello from the fake server.' },
    ]);
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    { status: 429, errorClass: OpenAI.RateLimitError, errorType: 'RateLimitError' },
    { status: 500, errorClass: OpenAI.InternalServerError, errorType: 'InternalServerError' },
  ])('re-throws the very $errorType the client threw and records it', async (example) => {
    // Prepare
    ctx.server.enqueue({ type: 'error', status: example.status });
    const client = plainClient();
    let thrownByLibrary: unknown;
    const create = client.chat.completions.create.bind(client.chat.completions);
    client.chat.completions.create = ((...args: Parameters<typeof create>) =>
      create(...args).catch((error: unknown) => {
        thrownByLibrary = error;
        throw error;
      })) as typeof create;
    const traced = wrapOpenAI(client, ctx.sightline);

    // Act
    const caught = await traced.chat.completions
      .create(chatParams())
      .catch((error: unknown) => error);

    // Assess
    expect(caught).toBeInstanceOf(example.errorClass);
    expect(caught).toBe(thrownByLibrary);
    expect((caught as InstanceType<typeof OpenAI.APIError>).status).toBe(example.status);
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      status: { code: 'error', message: (caught as Error).message },
      errorType: example.errorType,
      requestModel: 'gpt-4o-mini',
    });
    expect(span?.outputMessages).toBeUndefined();
  });

  it('records a stream that fails midway: the error, TTFT and what arrived', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'chat',
      content: ['Par', 'is ', 'is ', 'lovely'],
      streamFailure: { afterChunks: 3, mode: 'error-event', message: 'overloaded' },
    });
    const stream = await tracedClient().chat.completions.create({ ...chatParams(), stream: true });

    // Act
    const received: string[] = [];
    const caught = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((error: unknown) => error);

    // Assess
    expect(caught).toBeInstanceOf(OpenAI.APIError);
    expect(received.join('')).toBe('Paris ');
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      status: { code: 'error', message: 'overloaded' },
      errorType: 'APIError',
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris ' }] }],
    });
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('ends the span of a stream the caller stops reading', async () => {
    // Prepare
    const stream = await tracedClient().chat.completions.create({ ...chatParams(), stream: true });

    // Act
    for await (const _chunk of stream) break;

    // Assess
    const [span] = ctx.spans();
    expect(span?.status).toEqual({ code: 'ok' });
    expect(span?.metadata).toEqual({ 'sightline.stream': 'abandoned' });
  });

  it('keeps the stream helpers: toReadableStream() and tee() are traced', async () => {
    // Prepare
    const client = tracedClient();

    // Act
    const readable = (await client.chat.completions.create({ ...chatParams(), stream: true }))
      .toReadableStream()
      .getReader();
    while (!(await readable.read()).done);
    const [left, right] = (
      await client.chat.completions.create({ ...chatParams(), stream: true })
    ).tee();
    const leftChunks = await collectStream(left);
    const rightChunks = await collectStream(right);

    // Assess
    expect(leftChunks).toEqual(rightChunks);
    const [readSpan, teeSpan] = ctx.spans();
    expect(readSpan?.outputMessages?.[0]?.parts).toEqual([
      { type: 'text', content: 'Hello from the fake server.' },
    ]);
    expect(teeSpan?.outputMessages?.[0]?.parts).toEqual([
      { type: 'text', content: 'Hello from the fake server.' },
    ]);
    expect(teeSpan?.metadata).toBeUndefined();
  });

  it('traces the chat.completions.stream() helper through create', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'chat', content: ['Bonjour', '!'] });

    // Act
    const final = await tracedClient()
      .chat.completions.stream({
        ...chatParams(),
        stream: true,
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();

    // Assess
    expect(final.choices[0]?.message.content).toBe('Bonjour!');
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      request: { stream: true },
      usage: { inputTokens: 12, outputTokens: 6 },
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Bonjour!' }] }],
    });
  });

  it('links the span to the active span and adds the caller’s name and attributes', async () => {
    // Prepare
    const client = tracedClient({
      name: 'answer-question',
      attributes: { userId: 'user-42', tags: ['faq'] },
    });

    // Act
    const rootSpanId = await ctx.sightline.trace('request', async (root) => {
      await client.chat.completions.create(chatParams());
      return root.spanId;
    });

    // Assess
    const [llm, root] = ctx.spans();
    expect(root?.spanId).toBe(rootSpanId);
    expect(llm).toMatchObject({
      name: 'answer-question',
      parentSpanId: rootSpanId,
      traceId: root?.traceId,
      userId: 'user-42',
      tags: ['faq'],
    });
  });

  it('uses the default client from init() when none is given, looked up at call time', async () => {
    // Prepare
    const client = wrapOpenAI(plainClient());
    setDefaultClient(ctx.sightline);

    // Act
    await client.chat.completions.create(chatParams());

    // Assess
    expect(ctx.spans()).toHaveLength(1);
  });

  it('runs untraced, unchanged, when there is no client at all', async () => {
    // Act
    const completion = await wrapOpenAI(plainClient()).chat.completions.create(chatParams());

    // Assess
    expect(completion.choices[0]?.message.content).toBe('Hello from the fake server.');
    expect(ctx.spans()).toEqual([]);
  });

  it('leaves a frozen client working, untraced, instead of throwing', async () => {
    // Prepare
    const client = plainClient();
    Object.freeze(client.chat.completions);

    // Act
    const wrapped = wrapOpenAI(client, ctx.sightline);
    const completion = await wrapped.chat.completions.create(chatParams());

    // Assess
    expect(completion.choices[0]?.message.content).toBe('Hello from the fake server.');
    expect(ctx.spans()).toEqual([]);
  });

  it('wrapping twice traces once, with the newer options', async () => {
    // Prepare
    const client = wrapOpenAI(
      wrapOpenAI(plainClient(), ctx.sightline, { name: 'first' }),
      ctx.sightline,
      {
        name: 'second',
      },
    );

    // Act
    await client.chat.completions.create(chatParams());

    // Assess
    expect(ctx.spans().map((span) => span.name)).toEqual(['second']);
  });
});

// ---- Responses API -----------------------------------------------------------------------

describe('wrapOpenAI with a stream the caller never reads', () => {
  it('sends the call, marked unread, once the stream is collected', async () => {
    // Act: the stream is asked for and dropped unread, in a scope of its own.
    await (async () => {
      await tracedClient().chat.completions.create({ ...chatParams(), stream: true });
    })();
    await collectGarbage(() => ctx.spans().length > 0);

    // Assess
    expect(ctx.spans()).toMatchObject([
      {
        name: 'openai.chat.completions.create',
        requestModel: 'gpt-4o-mini',
        metadata: { 'sightline.stream': 'unread' },
      },
    ]);
  });
});

describe('wrapOpenAI responses.create', () => {
  it('records a JSON response with instructions, usage and derived finish reason', async () => {
    // Prepare
    scriptTwice({
      type: 'responses',
      text: 'Paris.',
      id: 'resp_paris',
      model: 'gpt-4.1-2025-04-14',
      usage: { inputTokens: 40, outputTokens: 3, cachedInputTokens: 8, reasoningTokens: 1 },
    });
    const params: OpenAI.Responses.ResponseCreateParamsNonStreaming = {
      model: 'gpt-4.1',
      instructions: 'Answer in one word.',
      input: 'Capital of France?',
      max_output_tokens: 50,
      temperature: 0,
    };

    // Act
    const traced = await tracedClient().responses.create(params);
    const plain = await plainClient().responses.create(params);

    // Assess
    expect(traced).toEqual(plain);
    expect(traced.output_text).toBe('Paris.');
    expect(ctx.spans()).toEqual([
      {
        type: 'span',
        ...spanTimes,
        name: 'openai.responses.create',
        kind: 'llm',
        status: { code: 'ok' },
        operationName: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4.1',
        serverAddress: '127.0.0.1',
        request: { temperature: 0, maxTokens: 50, stream: false },
        systemInstructions: [{ type: 'text', content: 'Answer in one word.' }],
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] }],
        responseId: 'resp_paris',
        responseModel: 'gpt-4.1-2025-04-14',
        usage: { inputTokens: 40, outputTokens: 3, cachedInputTokens: 8, reasoningTokens: 1 },
        finishReasons: ['stop'],
        outputMessages: [
          { role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finishReason: 'stop' },
        ],
      },
    ]);
  });

  it('maps input items (messages, function calls and outputs) and a function call out', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'responses', toolCalls: [weatherCall] });

    // Act
    await tracedClient().responses.create({
      model: 'gpt-4.1',
      input: [
        { role: 'developer', content: 'Use tools.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Weather in Rome?' }] },
        {
          type: 'function_call',
          call_id: 'call_rome',
          name: 'get_weather',
          arguments: '{"city":"Rome"}',
        },
        { type: 'function_call_output', call_id: 'call_rome', output: '21°C' },
      ],
    });

    // Assess
    const [span] = ctx.spans();
    expect(span?.systemInstructions).toEqual([{ type: 'text', content: 'Use tools.' }]);
    expect(span?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Rome?' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_rome', name: 'get_weather', arguments: { city: 'Rome' } },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_rome', response: '21°C' }] },
    ]);
    expect(span?.finishReasons).toEqual(['tool_calls']);
    expect(span?.outputMessages?.[0]?.parts).toEqual([
      {
        type: 'tool_call',
        id: 'call_weather1',
        name: 'get_weather',
        arguments: { city: 'Paris', unit: 'celsius' },
      },
    ]);
  });

  it('follows a streamed response: same events as the plain client, TTFT at the first delta', async () => {
    // Prepare
    scriptTwice({
      type: 'responses',
      text: ['Par', 'is.'],
      usage: { inputTokens: 9, outputTokens: 2 },
    });
    const params = { model: 'gpt-4.1', input: 'Capital of France?', stream: true as const };

    // Act
    const tracedEvents = await collectStream(await tracedClient().responses.create(params));
    const plainEvents = await collectStream(await plainClient().responses.create(params));

    // Assess
    expect(tracedEvents).toEqual(plainEvents);
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      request: { stream: true },
      responseId: 'resp_fake0001',
      usage: { inputTokens: 9, outputTokens: 2 },
      finishReasons: ['stop'],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }] }],
    });
    expect(span?.timeToFirstTokenMs).toBeGreaterThan(0);
  });

  it('traces the responses.stream() helper through create', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'responses', text: 'Rome.' });

    // Act
    const final = await tracedClient()
      .responses.stream({ model: 'gpt-4.1', input: 'Capital of Italy?' })
      .finalResponse();

    // Assess
    expect(final.output_text).toBe('Rome.');
    expect(ctx.spans()[0]?.outputMessages?.[0]?.parts).toEqual([
      { type: 'text', content: 'Rome.' },
    ]);
  });

  it('records an incomplete response as finish reason length', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'responses', text: 'Par', status: 'incomplete' });

    // Act
    await tracedClient().responses.create({ model: 'gpt-4.1', input: 'x', max_output_tokens: 1 });

    // Assess
    expect(ctx.spans()[0]?.finishReasons).toEqual(['length']);
  });
});

// ---- embeddings --------------------------------------------------------------------------

describe('wrapOpenAI embeddings.create', () => {
  it('records an embedding span and returns the same vectors as the plain client', async () => {
    // Prepare
    const params = { model: 'text-embedding-3-small', input: ['red apple', 'green pear'] };

    // Act
    const traced = await tracedClient().embeddings.create(params);
    const plain = await plainClient().embeddings.create(params);

    // Assess
    expect(traced).toEqual(plain);
    expect(ctx.spans()).toEqual([
      {
        type: 'span',
        ...spanTimes,
        name: 'openai.embeddings.create',
        kind: 'embedding',
        status: { code: 'ok' },
        operationName: 'embeddings',
        provider: 'openai',
        requestModel: 'text-embedding-3-small',
        serverAddress: '127.0.0.1',
        inputMessages: [
          {
            role: 'user',
            parts: [
              { type: 'text', content: 'red apple' },
              { type: 'text', content: 'green pear' },
            ],
          },
        ],
        responseModel: 'text-embedding-3-small',
        usage: { inputTokens: 4 },
        metadata: { 'embeddings.count': 2, 'embeddings.dimensions': 8 },
      },
    ]);
  });
});

// ---- OpenAI-compatible servers -----------------------------------------------------------

describe('OpenAI-compatible servers through wrapOpenAI', () => {
  it('records the provider given as an option and the second server’s address', async () => {
    // Prepare
    const takeoff = await startFakeOpenAiServer();
    try {
      const client = new OpenAI({
        apiKey: 'unused',
        baseURL: `http://localhost:${new URL(takeoff.url).port}/v1`,
        maxRetries: 0,
      });
      wrapOpenAI(client, { sightline: ctx.sightline, provider: 'titanml' });

      // Act
      await client.chat.completions.create({
        model: 'llama-3-8b',
        messages: [{ role: 'user', content: 'hi' }],
      });

      // Assess
      expect(takeoff.requests).toHaveLength(1);
      expect(ctx.spans()[0]).toMatchObject({
        provider: 'titanml',
        serverAddress: 'localhost',
        requestModel: 'llama-3-8b',
      });
    } finally {
      await takeoff.close();
    }
  });

  it.each([
    { host: 'api.openai.com', provider: 'openai' },
    { host: 'api.together.xyz', provider: 'together' },
    { host: 'api.together.ai', provider: 'together' },
    { host: 'my-resource.openai.azure.com', provider: 'azure.ai.openai' },
    { host: 'api.groq.com', provider: 'groq' },
    { host: 'takeoff.internal', provider: 'openai' },
    { host: 'notopenai.com', provider: 'openai' },
  ])('names the provider at $host $provider', ({ host, provider }) => {
    expect(providerFromHost(host)).toBe(provider);
  });
});

describe('wrapOpenAI responses.create stream errors', () => {
  it('marks the span failed when the stream carries an error event', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'responses',
      text: ['Par', 'is', '.'],
      streamFailure: { afterChunks: 5, mode: 'error-event', message: 'model overloaded' },
    });

    // Act
    const events = await collectStream(
      await tracedClient().responses.create({ model: 'gpt-4.1', input: 'x', stream: true }),
    );

    // Assess
    expect(events.at(-1)).toMatchObject({ type: 'error', message: 'model overloaded' });
    expect(ctx.spans()[0]).toMatchObject({
      status: { code: 'error', message: 'model overloaded' },
      errorType: 'server_error',
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Par' }] }],
    });
  });
});

describe('wrapOpenAI completions.create (legacy)', () => {
  it('records a text completion, JSON and streamed', async () => {
    // Prepare
    scriptTwice({ type: 'completion', text: ['Once ', 'upon ', 'a time.'], id: 'cmpl-1' });
    const params = { model: 'gpt-3.5-turbo-instruct', prompt: 'Start a story.', max_tokens: 20 };

    // Act
    const completion = await tracedClient().completions.create(params);
    const chunks = await collectStream(
      await tracedClient().completions.create({
        ...params,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );

    // Assess
    expect(completion.choices[0]?.text).toBe('Once upon a time.');
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe('Once upon a time.');
    const expected = {
      name: 'openai.completions.create',
      kind: 'llm',
      operationName: 'text_completion',
      requestModel: 'gpt-3.5-turbo-instruct',
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Start a story.' }] }],
      responseId: 'cmpl-1',
      usage: { inputTokens: 12, outputTokens: 6 },
      finishReasons: ['stop'],
      outputMessages: [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'Once upon a time.' }],
          finishReason: 'stop',
        },
      ],
    };
    const [json, streamed] = ctx.spans();
    expect(json).toMatchObject({ ...expected, request: { maxTokens: 20, stream: false } });
    expect(streamed).toMatchObject({ ...expected, request: { maxTokens: 20, stream: true } });
    expect(streamed?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });
});

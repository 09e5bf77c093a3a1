import { Cohere, CohereClient, CohereClientV2 } from 'cohere-ai';
import { describe, expect, it } from 'vitest';
import {
  startFakeCohereServer,
  type FakeCohereReply,
} from '../../../../test/fakes/fakeCohereServer.ts';
import { useIntegrationTestClient } from '../../testing/integrationTestClient.ts';
import { wrapCohere } from './index.ts';
import { comparableSpan } from '../../testing/comparableSpan.ts';
import { collectStream } from '../../testing/collectStream.ts';

const ctx = useIntegrationTestClient(startFakeCohereServer);

const clientOptions = () => ({ token: 'co-test', baseUrl: ctx.server.url, maxRetries: 0 });

const conversation: Cohere.ChatMessageV2[] = [
  { role: 'system', content: 'Answer with the weather tool.' },
  { role: 'user', content: 'Weather in Toronto?' },
  {
    role: 'assistant',
    toolPlan: 'I will look up the weather.',
    toolCalls: [
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Toronto"}' },
      },
    ],
  },
  { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: '-3°C, snow' }] },
];

const expectedInput = [
  { role: 'user', parts: [{ type: 'text', content: 'Weather in Toronto?' }] },
  {
    role: 'assistant',
    parts: [
      { type: 'reasoning', content: 'I will look up the weather.' },
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Toronto' } },
    ],
  },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '-3°C, snow' }] },
];

const toolReply: FakeCohereReply = {
  type: 'chat',
  id: 'resp-tool',
  toolPlan: 'I will check Montreal too.',
  toolCalls: [{ id: 'call_2', name: 'get_weather', arguments: '{"city":"Montreal"}' }],
  usage: { inputTokens: 120, outputTokens: 30, billedInputTokens: 100, cachedTokens: 64 },
};

describe('wrapCohere', () => {
  it('traces v2 chat and returns what the unwrapped client returns', async () => {
    // Prepare
    ctx.server.enqueue(toolReply, toolReply);
    const request: Cohere.V2ChatRequest = {
      model: 'command-a-03-2025',
      messages: conversation,
      temperature: 0.3,
      p: 0.8,
      k: 20,
      maxTokens: 300,
      stopSequences: ['##'],
      seed: 7,
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
    };

    // Act
    const plain = await new CohereClientV2(clientOptions()).chat(request);
    const traced = await wrapCohere(new CohereClientV2(clientOptions()), ctx.sightline).chat(
      request,
    );

    // Assess
    expect(traced).toEqual(plain);
    const spans = ctx.spans();
    expect(spans).toHaveLength(1);
    expect(comparableSpan(spans[0])).toEqual({
      type: 'span',
      name: 'cohere.chat',
      kind: 'llm',
      status: { code: 'ok' },
      operationName: 'chat',
      provider: 'cohere',
      requestModel: 'command-a-03-2025',
      serverAddress: '127.0.0.1',
      request: {
        temperature: 0.3,
        topP: 0.8,
        topK: 20,
        maxTokens: 300,
        frequencyPenalty: 0.1,
        presencePenalty: 0.2,
        seed: 7,
        stopSequences: ['##'],
        stream: false,
      },
      systemInstructions: [{ type: 'text', content: 'Answer with the weather tool.' }],
      inputMessages: expectedInput,
      responseId: 'resp-tool',
      usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 64 },
      finishReasons: ['TOOL_CALL'],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'TOOL_CALL',
          parts: [
            { type: 'reasoning', content: 'I will check Montreal too.' },
            {
              type: 'tool_call',
              id: 'call_2',
              name: 'get_weather',
              arguments: { city: 'Montreal' },
            },
          ],
        },
      ],
    });
  });

  it('follows v2 chatStream, passing every event through unchanged', async () => {
    // Prepare
    const reply: FakeCohereReply = {
      type: 'chat',
      id: 'resp-stream',
      thinking: 'Short greeting.',
      text: ['Hi', ' there', '!'],
    };
    ctx.server.enqueue(reply, reply);
    const request: Cohere.V2ChatStreamRequest = {
      model: 'command-a-reasoning-08-2025',
      messages: [{ role: 'user', content: 'Greet me' }],
    };

    // Act
    const plain = await collectStream(
      await new CohereClientV2(clientOptions()).chatStream(request),
    );
    const traced = await collectStream(
      await wrapCohere(new CohereClientV2(clientOptions()), {
        sightline: ctx.sightline,
      }).chatStream(request),
    );

    // Assess
    expect(traced).toEqual(plain);
    const [span] = ctx.spans();
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(comparableSpan(span)).toEqual({
      type: 'span',
      name: 'cohere.chatStream',
      kind: 'llm',
      status: { code: 'ok' },
      operationName: 'chat',
      provider: 'cohere',
      requestModel: 'command-a-reasoning-08-2025',
      serverAddress: '127.0.0.1',
      request: { stream: true },
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Greet me' }] }],
      responseId: 'resp-stream',
      usage: { inputTokens: 31, outputTokens: 8 },
      finishReasons: ['COMPLETE'],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'COMPLETE',
          parts: [
            { type: 'reasoning', content: 'Short greeting.' },
            { type: 'text', content: 'Hi there!' },
          ],
        },
      ],
    });
  });

  it('traces embed as an embedding span', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'embed', id: 'emb-1', billedInputTokens: 5 });
    const client = wrapCohere(new CohereClientV2(clientOptions()), ctx.sightline);

    // Act
    const response = await client.embed({
      model: 'embed-v4.0',
      inputType: 'search_document',
      embeddingTypes: ['float'],
      texts: ['first document', 'second one'],
    });

    // Assess
    expect(response.embeddings.float).toHaveLength(2);
    expect(comparableSpan(ctx.spans()[0])).toEqual({
      type: 'span',
      name: 'cohere.embed',
      kind: 'embedding',
      status: { code: 'ok' },
      operationName: 'embeddings',
      provider: 'cohere',
      requestModel: 'embed-v4.0',
      serverAddress: '127.0.0.1',
      inputMessages: [
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'first document' },
            { type: 'text', content: 'second one' },
          ],
        },
      ],
      metadata: { 'cohere.input_type': 'search_document' },
      responseId: 'emb-1',
      usage: { inputTokens: 5 },
    });
  });

  it('traces v1 chat and v2 chat on the v1 client', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'chat', id: 'v1-resp', text: 'Bonjour.' });
    const client = wrapCohere(new CohereClient(clientOptions()), ctx.sightline);

    // Act
    const v1 = await client.chat({
      model: 'command-r',
      preamble: 'Be French.',
      chatHistory: [
        { role: 'USER', message: 'Hello' },
        { role: 'CHATBOT', message: 'Salut' },
      ],
      message: 'Good morning',
    });
    const v2 = await client.v2.chat({
      model: 'command-a-03-2025',
      messages: [{ role: 'user', content: 'hi' }],
    });

    // Assess
    expect(v1.text).toBe('Bonjour.');
    expect(v2.finishReason).toBe('COMPLETE');
    const [first, second] = ctx.spans();
    expect(comparableSpan(first)).toEqual({
      type: 'span',
      name: 'cohere.chat',
      kind: 'llm',
      status: { code: 'ok' },
      operationName: 'chat',
      provider: 'cohere',
      requestModel: 'command-r',
      serverAddress: '127.0.0.1',
      request: { stream: false },
      systemInstructions: [{ type: 'text', content: 'Be French.' }],
      inputMessages: [
        { role: 'user', parts: [{ type: 'text', content: 'Hello' }] },
        { role: 'assistant', parts: [{ type: 'text', content: 'Salut' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Good morning' }] },
      ],
      responseId: 'v1-resp',
      usage: { inputTokens: 31, outputTokens: 8 },
      finishReasons: ['COMPLETE'],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'COMPLETE',
          parts: [{ type: 'text', content: 'Bonjour.' }],
        },
      ],
    });
    expect(second?.name).toBe('cohere.chat');
    expect(second?.outputMessages?.[0]?.parts).toEqual([
      { type: 'text', content: 'Hello from the fake Cohere server.' },
    ]);
  });

  it('records an API error and re-throws the same error object', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'error',
      status: 400,
      message: "invalid request: model 'nope' not found",
    });
    const client = wrapCohere(new CohereClientV2(clientOptions()), ctx.sightline);

    // Act
    const thrown = await client
      .chat({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);

    // Assess
    expect(thrown).toBeInstanceOf(Cohere.BadRequestError);
    const [span] = ctx.spans();
    expect(span?.status).toEqual({ code: 'error', message: (thrown as Error).message });
    expect(span?.errorType).toBe((thrown as Error).name);
  });

  it('ends the span failed when the stream is cut off, with what arrived', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'chat', text: ['one ', 'two ', 'three'], disconnectAfterEvents: 3 });
    const client = wrapCohere(new CohereClientV2(clientOptions()), ctx.sightline);
    const received: unknown[] = [];

    // Act
    const outcome = await ctx.sightline
      .trace('ask', async () => {
        const stream = await client.chatStream({
          model: 'command-a-03-2025',
          messages: [{ role: 'user', content: 'count' }],
        });
        for await (const event of stream) received.push(event);
      })
      .catch((error: unknown) => error);

    // Assess
    const spans = ctx.spans();
    const call = spans.find((span) => span.name === 'cohere.chatStream');
    const root = spans.find((span) => span.name === 'ask');
    expect(call?.parentSpanId).toBe(root?.spanId);
    expect(received).toHaveLength(3);
    // fetch reports the dropped connection as a TypeError ("terminated"), re-thrown unchanged.
    expect(outcome).toBeInstanceOf(TypeError);
    expect(call?.status).toEqual({ code: 'error', message: (outcome as Error).message });
    expect(call?.errorType).toBe('TypeError');
    expect(call?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'one ' }] },
    ]);
  });

  it('follows the v1 chatStream, its stream-end response included', async () => {
    // Prepare
    const reply: FakeCohereReply = {
      type: 'chat',
      id: 'v1-stream',
      text: ['Ciao', ' a', ' tutti'],
    };
    ctx.server.enqueue(reply, reply);
    const request = { model: 'command-r', message: 'Greet in Italian' };

    // Act
    const plain = await collectStream(await new CohereClient(clientOptions()).chatStream(request));
    const traced = await collectStream(
      await wrapCohere(new CohereClient(clientOptions()), ctx.sightline).chatStream(request),
    );

    // Assess
    expect(traced).toEqual(plain);
    const [span] = ctx.spans();
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(comparableSpan(span)).toEqual({
      type: 'span',
      name: 'cohere.chatStream',
      kind: 'llm',
      status: { code: 'ok' },
      operationName: 'chat',
      provider: 'cohere',
      requestModel: 'command-r',
      serverAddress: '127.0.0.1',
      request: { stream: true },
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Greet in Italian' }] }],
      responseId: 'v1-stream',
      usage: { inputTokens: 31, outputTokens: 8 },
      finishReasons: ['COMPLETE'],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'COMPLETE',
          parts: [{ type: 'text', content: 'Ciao a tutti' }],
        },
      ],
    });
  });
});

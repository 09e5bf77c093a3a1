import { AI21, AI21Error } from 'ai21';
import { describe, expect, it } from 'vitest';
import { startFakeAi21Server, type FakeAi21Reply } from '../../../../test/fakes/fakeAi21Server.ts';
import { useIntegrationTestClient } from '../../testing/integrationTestClient.ts';
import { wrapAI21 } from './index.ts';
import { comparableSpan } from '../../testing/comparableSpan.ts';

const ctx = useIntegrationTestClient(startFakeAi21Server);

const makeClient = () =>
  new AI21({ apiKey: 'ai21-test', baseURL: ctx.server.baseURL, maxRetries: 0 });

const messages = [
  { role: 'system' as const, content: 'You are a travel agent.' },
  { role: 'user' as const, content: 'Suggest a city for a weekend.' },
];

const expectedRequest = {
  type: 'span',
  kind: 'llm',
  status: { code: 'ok' },
  operationName: 'chat',
  provider: 'ai21',
  requestModel: 'jamba-1.5-mini',
  serverAddress: '127.0.0.1',
  systemInstructions: [{ type: 'text', content: 'You are a travel agent.' }],
  inputMessages: [
    { role: 'user', parts: [{ type: 'text', content: 'Suggest a city for a weekend.' }] },
  ],
};

describe('wrapAI21', () => {
  it('traces chat.completions.create and returns what the unwrapped client returns', async () => {
    // Prepare
    const reply: FakeAi21Reply = {
      type: 'chat',
      id: 'chatcmpl-lisbon',
      model: 'jamba-mini-1.7-2025-07',
      text: 'Lisbon: mild weather and good food.',
      usage: { inputTokens: 25, outputTokens: 9 },
    };
    ctx.server.enqueue(reply, reply);
    const params = {
      model: 'jamba-1.5-mini' as const,
      messages,
      temperature: 0.4,
      top_p: 0.9,
      max_tokens: 100,
      stop: ['\n\n'],
      n: 1,
    };

    // Act
    const plain = await makeClient().chat.completions.create(params);
    const traced = await wrapAI21(makeClient(), ctx.sightline).chat.completions.create(params);

    // Assess
    expect(traced).toEqual(plain);
    expect(comparableSpan(ctx.spans()[0])).toEqual({
      ...expectedRequest,
      name: 'ai21.chat.completions.create',
      request: {
        temperature: 0.4,
        topP: 0.9,
        maxTokens: 100,
        stopSequences: ['\n\n'],
        choiceCount: 1,
        stream: false,
      },
      responseId: 'chatcmpl-lisbon',
      responseModel: 'jamba-mini-1.7-2025-07',
      usage: { inputTokens: 25, outputTokens: 9 },
      finishReasons: ['stop'],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'stop',
          parts: [{ type: 'text', content: 'Lisbon: mild weather and good food.' }],
        },
      ],
    });
  });

  it('follows stream: true, passing every chunk through unchanged', async () => {
    // Prepare
    const reply: FakeAi21Reply = {
      type: 'chat',
      id: 'chatcmpl-porto',
      text: ['Porto', ', ', 'by the river.'],
    };
    ctx.server.enqueue(reply, reply);
    const params = { model: 'jamba-1.5-mini' as const, messages, stream: true as const };
    const collect = async (stream: AsyncIterable<unknown>) => {
      const chunks: unknown[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };

    // Act
    const plain = await collect(await makeClient().chat.completions.create(params));
    const traced = await collect(
      await wrapAI21(makeClient(), { sightline: ctx.sightline }).chat.completions.create(params),
    );

    // Assess
    expect(traced).toEqual(plain);
    const [span] = ctx.spans();
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(comparableSpan(span)).toEqual({
      ...expectedRequest,
      name: 'ai21.chat.completions.create',
      request: { stream: true },
      responseId: 'chatcmpl-porto',
      usage: { inputTokens: 18, outputTokens: 7 },
      finishReasons: ['stop'],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'stop',
          parts: [{ type: 'text', content: 'Porto, by the river.' }],
        },
      ],
    });
  });

  it('records tool calls', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'chat',
      toolCalls: [{ id: 'call_a', name: 'book_hotel', arguments: '{"city":"Porto","nights":2}' }],
    });
    const client = wrapAI21(makeClient(), ctx.sightline);

    // Act
    await client.chat.completions.create({ model: 'jamba-1.5-large' as const, messages });

    // Assess
    const [span] = ctx.spans();
    expect(span?.finishReasons).toEqual(['tool_calls']);
    expect(span?.outputMessages).toEqual([
      {
        role: 'assistant',
        finishReason: 'tool_calls',
        // AI21 sends `content: ""` beside tool calls; the shared OpenAI-format mapping keeps it.
        parts: [
          { type: 'text', content: '' },
          {
            type: 'tool_call',
            id: 'call_a',
            name: 'book_hotel',
            arguments: { city: 'Porto', nights: 2 },
          },
        ],
      },
    ]);
  });

  it('records an API error and re-throws the same error object, inside the active trace', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'error',
      status: 401,
      detail: 'Forbidden: Bad or missing API token.',
    });
    const client = wrapAI21(makeClient(), ctx.sightline);

    // Act
    const thrown = await ctx.sightline
      .trace('plan-trip', () =>
        client.chat.completions.create({ model: 'jamba-1.5-mini' as const, messages }),
      )
      .catch((error: unknown) => error);

    // Assess
    expect(thrown).toBeInstanceOf(AI21Error);
    const spans = ctx.spans();
    const call = spans.find((span) => span.name === 'ai21.chat.completions.create');
    const root = spans.find((span) => span.name === 'plan-trip');
    expect(call?.parentSpanId).toBe(root?.spanId);
    expect(call?.status).toEqual({ code: 'error', message: (thrown as Error).message });
    // The ai21 bundle's error class is minified (its name is one letter); llmCall records the
    // class name of errors whose `name` is the generic "Error".
    expect(call?.errorType).toBe((thrown as Error).constructor.name);
    expect(root?.status?.code).toBe('error');
  });
});

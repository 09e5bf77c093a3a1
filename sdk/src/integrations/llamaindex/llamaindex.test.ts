import { OpenAI } from '@llamaindex/openai';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeReply } from '../../../../test/fakes/fakeOpenAiServer.ts';
import { useIntegrationTestClient } from '../../testing/integrationTestClient.ts';
import { wrapLlamaIndexLLM } from './index.ts';

const ctx = useIntegrationTestClient(startFakeOpenAiServer);

function plainLlm(overrides: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return new OpenAI({
    model: 'gpt-4o-mini',
    temperature: 0.1,
    maxTokens: 50,
    apiKey: 'sk-test',
    baseURL: ctx.server.baseURL,
    maxRetries: 0,
    ...overrides,
  });
}

function tracedLlm(overrides: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return wrapLlamaIndexLLM(plainLlm(overrides), ctx.sightline);
}

function scriptTwice(reply: FakeReply): void {
  ctx.server.enqueue(reply, reply);
}

const messages = [
  { role: 'system' as const, content: 'Answer briefly.' },
  { role: 'user' as const, content: 'Largest planet?' },
];

describe('wrapLlamaIndexLLM with @llamaindex/openai', () => {
  it('records a chat call exactly and returns what the plain LLM returns', async () => {
    // Prepare
    scriptTwice({
      type: 'chat',
      content: 'Jupiter.',
      id: 'chatcmpl-li1',
      usage: { inputTokens: 14, outputTokens: 2 },
    });

    // Act
    const traced = await tracedLlm().chat({ messages });
    const plain = await plainLlm().chat({ messages });

    // Assess
    expect(traced).toEqual(plain);
    expect(ctx.spans()).toEqual([
      {
        type: 'span',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
        startTime: expect.any(Number),
        endTime: expect.any(Number),
        name: 'llamaindex.OpenAI.chat',
        kind: 'llm',
        status: { code: 'ok' },
        operationName: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        serverAddress: '127.0.0.1',
        request: { stream: false, temperature: 0.1, topP: 1, maxTokens: 50 },
        systemInstructions: [{ type: 'text', content: 'Answer briefly.' }],
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Largest planet?' }] }],
        responseId: 'chatcmpl-li1',
        responseModel: 'gpt-4o-mini',
        usage: { inputTokens: 14, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0 },
        finishReasons: ['stop'],
        outputMessages: [
          {
            role: 'assistant',
            parts: [{ type: 'text', content: 'Jupiter.' }],
            finishReason: 'stop',
          },
        ],
      },
    ]);
  });

  it('follows a streamed chat: same chunks as the plain LLM, TTFT, usage', async () => {
    // Prepare
    scriptTwice({
      type: 'chat',
      content: ['Jup', 'iter', '.'],
      usage: { inputTokens: 14, outputTokens: 3 },
    });
    const params = {
      messages,
      stream: true as const,
      additionalChatOptions: { stream_options: { include_usage: true } },
    };

    // Act
    const tracedChunks = [];
    for await (const chunk of await tracedLlm().chat(params)) tracedChunks.push(chunk);
    const plainChunks = [];
    for await (const chunk of await plainLlm().chat(params)) plainChunks.push(chunk);

    // Assess
    expect(tracedChunks).toEqual(plainChunks);
    expect(tracedChunks.map((chunk) => chunk.delta).join('')).toBe('Jupiter.');
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      request: { stream: true },
      usage: { inputTokens: 14, outputTokens: 3 },
      finishReasons: ['stop'],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Jupiter.' }] }],
    });
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('traces complete() through chat, nested in the active span', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'chat', content: 'Saturn.' });

    // Act
    const rootId = await ctx.sightline.trace('question', async (root) => {
      const completion = await tracedLlm().complete({ prompt: 'Ringed planet?' });
      expect(completion.text).toBe('Saturn.');
      return root.spanId;
    });

    // Assess
    const [llm, root] = ctx.spans();
    expect(root?.spanId).toBe(rootId);
    expect(llm).toMatchObject({
      parentSpanId: rootId,
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Ringed planet?' }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Saturn.' }] }],
    });
  });

  it('records tool calls, in the request history and in the response', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'chat',
      toolCalls: [{ id: 'call_9', name: 'lookup', arguments: '{"planet":"Mars"}' }],
    });

    // Act
    const response = await tracedLlm().chat({
      messages: [
        { role: 'user', content: 'Moons of Earth and Mars?' },
        {
          role: 'assistant',
          content: '',
          options: { toolCall: [{ id: 'call_8', name: 'lookup', input: '{"planet":"Earth"}' }] },
        },
        {
          role: 'user',
          content: '1',
          options: { toolResult: { id: 'call_8', result: '1', isError: false } },
        },
      ],
    });

    // Assess
    expect(response.message.options).toEqual({
      toolCall: [{ id: 'call_9', name: 'lookup', input: '{"planet":"Mars"}' }],
    });
    const [span] = ctx.spans();
    expect(span?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Moons of Earth and Mars?' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_8', name: 'lookup', arguments: { planet: 'Earth' } },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_8', response: '1' }] },
    ]);
    expect(span?.outputMessages?.[0]?.parts).toEqual([
      { type: 'tool_call', id: 'call_9', name: 'lookup', arguments: { planet: 'Mars' } },
    ]);
    expect(span?.finishReasons).toEqual(['tool_calls']);
  });

  it('re-throws the LLM’s error unchanged and records it', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'error', status: 500 });

    // Act
    const caught = await tracedLlm()
      .chat({ messages })
      .catch((error: unknown) => error);

    // Assess
    expect(caught).toBeInstanceOf(Error);
    expect((caught as { status?: number }).status).toBe(500);
    expect(ctx.spans()[0]).toMatchObject({
      status: { code: 'error', message: (caught as Error).message },
      errorType: 'InternalServerError',
    });
  });
});

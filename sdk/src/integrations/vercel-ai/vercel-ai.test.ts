import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, tool, wrapLanguageModel, type LanguageModel } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFakeOpenAiServer, type FakeReply } from '../../../../test/fakes/fakeOpenAiServer.ts';
import { useIntegrationTestClient } from '../../testing/integrationTestClient.ts';
import { sightlineMiddleware } from './index.ts';

const ctx = useIntegrationTestClient(startFakeOpenAiServer);

function provider() {
  return createOpenAI({ apiKey: 'sk-test', baseURL: ctx.server.baseURL });
}

function chatModel(): LanguageModel {
  return provider().chat('gpt-4o-mini');
}

function traced(model = provider().chat('gpt-4o-mini')): LanguageModel {
  return wrapLanguageModel({ model, middleware: sightlineMiddleware(ctx.sightline) });
}

function scriptTwice(reply: FakeReply): void {
  ctx.server.enqueue(reply, reply);
}

const weather = tool({
  description: 'Weather for a city',
  inputSchema: z.object({ city: z.string() }),
});

const call = {
  system: 'Answer briefly.',
  prompt: 'Capital of France?',
  temperature: 0.2,
  maxOutputTokens: 40,
  maxRetries: 0,
};

describe('sightlineMiddleware with generateText', () => {
  it('records the model call exactly and leaves the result as the plain model gives it', async () => {
    // Prepare
    scriptTwice({
      type: 'chat',
      content: 'Paris.',
      id: 'chatcmpl-ai1',
      model: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 18, outputTokens: 2, cachedInputTokens: 3 },
    });

    // Act
    const result = await generateText({ model: traced(), ...call });
    const plain = await generateText({ model: chatModel(), ...call });

    // Assess
    expect(result.text).toBe(plain.text);
    expect(result.usage).toEqual(plain.usage);
    expect(result.finishReason).toBe(plain.finishReason);
    expect(result.response.id).toBe(plain.response.id);
    expect(result.response.body).toEqual(plain.response.body);
    expect(ctx.spans()).toEqual([
      {
        type: 'span',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
        startTime: expect.any(Number),
        endTime: expect.any(Number),
        name: 'ai.doGenerate',
        kind: 'llm',
        status: { code: 'ok' },
        operationName: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        request: { stream: false, temperature: 0.2, maxTokens: 40 },
        systemInstructions: [{ type: 'text', content: 'Answer briefly.' }],
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] }],
        responseId: 'chatcmpl-ai1',
        responseModel: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 18, outputTokens: 2, cachedInputTokens: 3, reasoningTokens: 0 },
        finishReasons: ['stop'],
        outputMessages: [
          { role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finishReason: 'stop' },
        ],
      },
    ]);
  });

  it('records tool calls and, in the next step, the tool results sent back', async () => {
    // Prepare
    ctx.server.enqueue(
      {
        type: 'chat',
        toolCalls: [{ id: 'call_w', name: 'weather', arguments: '{"city":"Paris"}' }],
      },
      { type: 'chat', content: 'Sunny.' },
    );

    // Act
    const result = await generateText({
      model: traced(),
      prompt: 'Weather in Paris?',
      tools: {
        weather: tool({
          description: 'Weather for a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => `sunny in ${city}`,
        }),
      },
      stopWhen: ({ steps }) => steps.length >= 2,
      maxRetries: 0,
    });

    // Assess
    expect(result.text).toBe('Sunny.');
    const [first, second] = ctx.spans();
    expect(first).toMatchObject({
      finishReasons: ['tool_calls'],
      outputMessages: [
        {
          role: 'assistant',
          parts: [
            { type: 'tool_call', id: 'call_w', name: 'weather', arguments: { city: 'Paris' } },
          ],
        },
      ],
    });
    expect(second?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_w', name: 'weather', arguments: { city: 'Paris' } }],
      },
      {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: 'call_w', response: 'sunny in Paris' }],
      },
    ]);
  });

  it('records a failed call and generateText still throws the provider’s error', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'error', status: 429 });

    // Act
    const caught = await generateText({ model: traced(), ...call }).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(caught).toBeInstanceOf(Error);
    expect((caught as { statusCode?: number }).statusCode).toBe(429);
    expect(ctx.spans()[0]).toMatchObject({
      status: { code: 'error', message: (caught as Error).message },
      errorType: 'AI_APICallError',
    });
  });

  it('nests under the active Sightline span', async () => {
    // Act
    const rootId = await ctx.sightline.trace('handle', async (root) => {
      await generateText({ model: traced(), ...call });
      return root.spanId;
    });

    // Assess
    expect(ctx.spans()[0]?.parentSpanId).toBe(rootId);
  });
});

describe('sightlineMiddleware with streamText', () => {
  it('passes the stream through unchanged and records TTFT, usage and finish reason', async () => {
    // Prepare
    scriptTwice({
      type: 'chat',
      content: ['Par', 'is', '.'],
      usage: { inputTokens: 18, outputTokens: 3 },
    });

    // Act
    const tracedStream = streamText({ model: traced(), ...call });
    const tracedText: string[] = [];
    for await (const delta of tracedStream.textStream) tracedText.push(delta);
    const plainStream = streamText({ model: chatModel(), ...call });
    const plainText: string[] = [];
    for await (const delta of plainStream.textStream) plainText.push(delta);

    // Assess
    expect(tracedText).toEqual(plainText);
    expect(await tracedStream.usage).toEqual(await plainStream.usage);
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      name: 'ai.doStream',
      status: { code: 'ok' },
      request: { stream: true, temperature: 0.2, maxTokens: 40 },
      responseId: 'chatcmpl-fake0001',
      responseModel: 'gpt-4o-mini',
      usage: { inputTokens: 18, outputTokens: 3 },
      finishReasons: ['stop'],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }] }],
    });
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(span!.timeToFirstTokenMs!).toBeLessThanOrEqual(span!.endTime - span!.startTime);
  });

  it('records streamed tool calls', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'chat',
      toolCalls: [{ id: 'call_s', name: 'weather', arguments: '{"city":"Oslo"}' }],
    });

    // Act
    const result = streamText({
      model: traced(),
      prompt: 'Weather in Oslo?',
      tools: { weather },
      maxRetries: 0,
    });
    await result.consumeStream();

    // Assess
    expect((await result.toolCalls).map((toolCall) => toolCall.toolName)).toEqual(['weather']);
    expect(ctx.spans()[0]).toMatchObject({
      finishReasons: ['tool_calls'],
      outputMessages: [
        {
          role: 'assistant',
          parts: [
            { type: 'tool_call', id: 'call_s', name: 'weather', arguments: { city: 'Oslo' } },
          ],
        },
      ],
    });
  });

  it('follows a Responses API model stream (TTFT at the first text delta)', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'responses',
      text: ['Ber', 'lin.'],
      usage: { inputTokens: 9, outputTokens: 2 },
    });

    // Act
    const result = streamText({
      model: traced(provider()('gpt-4.1')),
      prompt: 'Capital of Germany?',
      maxRetries: 0,
    });
    const text = await result.text;

    // Assess
    expect(text).toBe('Berlin.');
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      provider: 'openai',
      requestModel: 'gpt-4.1',
      responseId: 'resp_fake0001',
      usage: { inputTokens: 9, outputTokens: 2 },
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Berlin.' }] }],
    });
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('marks the span failed when the stream carries an error', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'chat',
      content: ['Par', 'is', ' is', ' nice'],
      streamFailure: { afterChunks: 2, mode: 'error-event', message: 'upstream overloaded' },
    });
    const errors: unknown[] = [];

    // Act
    const result = streamText({
      model: traced(),
      ...call,
      onError: ({ error }) => void errors.push(error),
    });
    await result.consumeStream();

    // Assess
    expect(errors).toHaveLength(1);
    const [span] = ctx.spans();
    expect(span?.status).toEqual({ code: 'error', message: 'upstream overloaded' });
  });

  it('ends the span when the caller aborts the stream', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'chat', content: ['One', ' two', ' three', ' four', ' five'] });
    const controller = new AbortController();

    // Act
    const result = streamText({ model: traced(), ...call, abortSignal: controller.signal });
    const received: string[] = [];
    const reading = (async () => {
      for await (const delta of result.textStream) {
        received.push(delta);
        controller.abort();
      }
    })().catch((error: unknown) => error);
    await reading;
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(received).toEqual(['One']);
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      status: { code: 'error', message: 'This operation was aborted' },
      errorType: 'AbortError',
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'One' }] }],
    });
  });
});

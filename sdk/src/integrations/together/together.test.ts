import Together from 'together-ai';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeReply } from '../../../../test/fakes/fakeOpenAiServer.ts';
import { useIntegrationTestClient } from '../../testing/integrationTestClient.ts';
import { wrapTogether } from './index.ts';
import { collectStream } from '../../testing/collectStream.ts';

const ctx = useIntegrationTestClient(startFakeOpenAiServer);

function plainClient(): Together {
  return new Together({ apiKey: 'together-test', baseURL: ctx.server.baseURL, maxRetries: 0 });
}

function scriptTwice(reply: FakeReply): void {
  ctx.server.enqueue(reply, reply);
}

const model = 'meta-llama/Llama-3.3-70B-Instruct-Turbo';

function chatParams() {
  return {
    model,
    messages: [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Name a prime.' },
    ],
    top_k: 40,
    repetition_penalty: 1.1,
  };
}

describe('wrapTogether chat.completions.create', () => {
  it('records a JSON completion with the together provider and returns the plain result', async () => {
    // Prepare
    scriptTwice({ type: 'chat', content: '7', usage: { inputTokens: 15, outputTokens: 1 } });

    // Act
    const traced = await wrapTogether(plainClient(), ctx.sightline).chat.completions.create(
      chatParams(),
    );
    const plain = await plainClient().chat.completions.create(chatParams());

    // Assess
    expect(traced).toEqual(plain);
    expect(ctx.spans()).toEqual([
      {
        type: 'span',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
        startTime: expect.any(Number),
        endTime: expect.any(Number),
        name: 'together.chat.completions.create',
        kind: 'llm',
        status: { code: 'ok' },
        operationName: 'chat',
        provider: 'together',
        requestModel: model,
        serverAddress: '127.0.0.1',
        request: { topK: 40, stream: false },
        systemInstructions: [{ type: 'text', content: 'Be brief.' }],
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Name a prime.' }] }],
        responseId: 'chatcmpl-fake0001',
        responseModel: model,
        usage: { inputTokens: 15, outputTokens: 1, cachedInputTokens: 0, reasoningTokens: 0 },
        finishReasons: ['stop'],
        outputMessages: [
          { role: 'assistant', parts: [{ type: 'text', content: '7' }], finishReason: 'stop' },
        ],
      },
    ]);
  });

  it('follows a stream: same chunks as the plain client, TTFT, usage', async () => {
    // Prepare
    scriptTwice({
      type: 'chat',
      content: ['Seven', ' is prime.'],
      usage: { inputTokens: 15, outputTokens: 4 },
    });
    const params = {
      ...chatParams(),
      stream: true as const,
      stream_options: { include_usage: true },
    };

    // Act
    const tracedChunks = await collectStream(
      await wrapTogether(plainClient(), { sightline: ctx.sightline }).chat.completions.create(
        params,
      ),
    );
    const plainChunks = await collectStream(await plainClient().chat.completions.create(params));

    // Assess
    expect(tracedChunks).toEqual(plainChunks);
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      provider: 'together',
      request: { topK: 40, stream: true },
      usage: { inputTokens: 15, outputTokens: 4 },
      finishReasons: ['stop'],
      outputMessages: [
        { role: 'assistant', parts: [{ type: 'text', content: 'Seven is prime.' }] },
      ],
    });
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('re-throws the client’s own error and records it', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'error', status: 429 });

    // Act
    const caught = await wrapTogether(plainClient(), ctx.sightline)
      .chat.completions.create(chatParams())
      .catch((error: unknown) => error);

    // Assess
    expect(caught).toBeInstanceOf(Together.RateLimitError);
    expect(ctx.spans()[0]).toMatchObject({
      status: { code: 'error', message: (caught as Error).message },
      errorType: 'RateLimitError',
    });
  });

  it('records embeddings as an embedding span', async () => {
    // Act
    await wrapTogether(plainClient(), ctx.sightline).embeddings.create({
      model: 'BAAI/bge-large-en-v1.5',
      input: 'hello world',
    });

    // Assess
    expect(ctx.spans()[0]).toMatchObject({
      name: 'together.embeddings.create',
      kind: 'embedding',
      provider: 'together',
      usage: { inputTokens: 2 },
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'hello world' }] }],
    });
  });
});

import { InferenceClient, InferenceClientProviderApiError } from '@huggingface/inference';
import { describe, expect, it } from 'vitest';
import {
  FAKE_TGI_MODEL,
  startFakeHuggingFaceServer,
  type FakeHuggingFaceReply,
} from '../../../../test/fakes/fakeHuggingFaceServer.ts';
import { useIntegrationTestClient } from '../../testing/integrationTestClient.ts';
import { wrapHuggingFace } from './index.ts';
import { comparableSpan } from '../../testing/comparableSpan.ts';

const ctx = useIntegrationTestClient(startFakeHuggingFaceServer);

const makeClient = () => new InferenceClient('hf_test', { endpointUrl: ctx.server.url });

const messages = [
  { role: 'system', content: 'Reply in one sentence.' },
  { role: 'user', content: 'What is a transformer?' },
];

const chatRequestSpan = {
  type: 'span',
  kind: 'llm',
  status: { code: 'ok' },
  operationName: 'chat',
  provider: 'huggingface',
  serverAddress: '127.0.0.1',
  systemInstructions: [{ type: 'text', content: 'Reply in one sentence.' }],
  inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'What is a transformer?' }] }],
};

describe('wrapHuggingFace', () => {
  it('traces chatCompletion and returns what the unwrapped client returns', async () => {
    // Prepare
    const reply: FakeHuggingFaceReply = {
      type: 'chat',
      text: 'A neural network built on attention.',
      usage: { inputTokens: 30, outputTokens: 8 },
    };
    ctx.server.enqueue(reply, reply);
    const args = { messages, max_tokens: 64, temperature: 0.5, top_p: 0.95, seed: 3 };

    // Act
    const plain = await makeClient().chatCompletion(args);
    const traced = await wrapHuggingFace(makeClient(), ctx.sightline).chatCompletion(args);

    // Assess
    expect(traced).toEqual(plain);
    expect(comparableSpan(ctx.spans()[0], { withoutParent: true })).toEqual({
      ...chatRequestSpan,
      name: 'huggingface.chatCompletion',
      request: { maxTokens: 64, temperature: 0.5, topP: 0.95, seed: 3, stream: false },
      responseModel: FAKE_TGI_MODEL,
      usage: { inputTokens: 30, outputTokens: 8 },
      finishReasons: ['stop'],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'stop',
          parts: [{ type: 'text', content: 'A neural network built on attention.' }],
        },
      ],
    });
  });

  it('follows chatCompletionStream, passing every chunk through unchanged', async () => {
    // Prepare
    const reply: FakeHuggingFaceReply = { type: 'chat', text: ['Attention', ' is', ' all', '.'] };
    ctx.server.enqueue(reply, reply);
    const collect = async (stream: AsyncIterable<unknown>) => {
      const chunks: unknown[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };

    // Act
    const plain = await collect(makeClient().chatCompletionStream({ messages }));
    const traced = await collect(
      wrapHuggingFace(makeClient(), { sightline: ctx.sightline }).chatCompletionStream({
        messages,
      }),
    );

    // Assess
    expect(traced).toEqual(plain);
    const [span] = ctx.spans();
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(comparableSpan(span, { withoutParent: true })).toEqual({
      ...chatRequestSpan,
      name: 'huggingface.chatCompletionStream',
      request: { stream: true },
      responseModel: FAKE_TGI_MODEL,
      usage: { inputTokens: 14, outputTokens: 7 },
      finishReasons: ['stop'],
      outputMessages: [
        {
          role: 'assistant',
          finishReason: 'stop',
          parts: [{ type: 'text', content: 'Attention is all.' }],
        },
      ],
    });
  });

  it('steps chatCompletionStream with next() as the unwrapped client does, and traces it', async () => {
    // Prepare
    const reply: FakeHuggingFaceReply = { type: 'chat', text: ['Attention', ' is', ' all', '.'] };
    ctx.server.enqueue(reply, reply);
    const step = async (stream: AsyncGenerator<unknown>) => {
      const steps: IteratorResult<unknown>[] = [];
      for (let next = await stream.next(); ; next = await stream.next()) {
        steps.push(next);
        if (next.done) return steps;
      }
    };

    // Act
    const plain = await step(makeClient().chatCompletionStream({ messages }));
    const traced = await step(
      wrapHuggingFace(makeClient(), ctx.sightline).chatCompletionStream({ messages }),
    );

    // Assess
    expect(traced).toEqual(plain);
    const [span] = ctx.spans();
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(span).toMatchObject({
      status: { code: 'ok' },
      outputMessages: [{ parts: [{ type: 'text', content: 'Attention is all.' }] }],
    });
  });

  it('ends the span when a stream stepped with next() is closed with return()', async () => {
    // Prepare
    const reply: FakeHuggingFaceReply = { type: 'chat', text: ['one', ' two', ' three'] };
    ctx.server.enqueue(reply, reply);
    const firstThenReturn = async (stream: AsyncGenerator<unknown>) => [
      await stream.next(),
      await stream.return(undefined),
      await stream.next(),
    ];

    // Act
    const plain = await firstThenReturn(makeClient().chatCompletionStream({ messages }));
    const traced = await firstThenReturn(
      wrapHuggingFace(makeClient(), ctx.sightline).chatCompletionStream({ messages }),
    );

    // Assess
    expect(traced).toEqual(plain);
    expect(ctx.spans()).toHaveLength(1);
    expect(ctx.spans()[0]).toMatchObject({
      status: { code: 'ok' },
      metadata: { 'sightline.stream': 'abandoned' },
    });
  });

  it('records an error event inside the stream and re-throws it', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'chat', text: ['one', ' two', ' three'], errorAfterChunks: 2 });
    const client = wrapHuggingFace(makeClient(), ctx.sightline);
    const received: unknown[] = [];

    // Act
    const thrown = await (async () => {
      for await (const chunk of client.chatCompletionStream({ messages })) received.push(chunk);
    })().catch((error: unknown) => error);

    // Assess
    expect(thrown).toBeInstanceOf(InferenceClientProviderApiError);
    expect(received).toHaveLength(2);
    const [span] = ctx.spans();
    expect(span?.status).toEqual({ code: 'error', message: (thrown as Error).message });
    expect(span?.errorType).toBe('ProviderApiError');
    expect(span?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'one two' }] },
    ]);
  });

  it('traces textGeneration', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'completion', text: ' a sequence model.' });
    // Wrapped twice: still one span per call.
    const client = wrapHuggingFace(wrapHuggingFace(makeClient(), ctx.sightline), ctx.sightline);

    // Act
    const output = await client.textGeneration({
      inputs: 'A transformer is',
      parameters: { max_new_tokens: 20, temperature: 0.7, top_k: 50, stop: ['.'] },
    });

    // Assess
    expect(output).toEqual({ generated_text: ' a sequence model.' });
    expect(ctx.spans()).toHaveLength(1);
    expect(comparableSpan(ctx.spans()[0], { withoutParent: true })).toEqual({
      type: 'span',
      name: 'huggingface.textGeneration',
      kind: 'llm',
      status: { code: 'ok' },
      operationName: 'text_completion',
      provider: 'huggingface',
      serverAddress: '127.0.0.1',
      request: { maxTokens: 20, temperature: 0.7, topK: 50, stopSequences: ['.'] },
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'A transformer is' }] }],
      outputMessages: [
        { role: 'assistant', parts: [{ type: 'text', content: ' a sequence model.' }] },
      ],
    });
  });

  it('traces featureExtraction as an embedding span, inside the active trace', async () => {
    // Prepare
    const client = wrapHuggingFace(makeClient(), ctx.sightline);

    // Act
    const vectors = await ctx.sightline.trace('index', () =>
      client.featureExtraction({
        model: 'BAAI/bge-small-en-v1.5',
        inputs: ['alpha', 'beta gamma'],
      }),
    );

    // Assess
    expect(vectors).toEqual([
      [0.5, 0.125, -0.5],
      [1, 0.125, -0.5],
    ]);
    const spans = ctx.spans();
    const call = spans.find((span) => span.name === 'huggingface.featureExtraction');
    expect(call?.parentSpanId).toBe(spans.find((span) => span.name === 'index')?.spanId);
    expect(comparableSpan(call, { withoutParent: true })).toEqual({
      type: 'span',
      name: 'huggingface.featureExtraction',
      kind: 'embedding',
      status: { code: 'ok' },
      operationName: 'embeddings',
      provider: 'huggingface',
      requestModel: 'BAAI/bge-small-en-v1.5',
      serverAddress: '127.0.0.1',
      inputMessages: [
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'alpha' },
            { type: 'text', content: 'beta gamma' },
          ],
        },
      ],
      metadata: { 'embeddings.count': 2, 'embeddings.dimensions': 3 },
    });
  });

  it('records an HTTP error and re-throws the same error object; keeps the client type', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'error',
      status: 422,
      error: 'Input validation error: `inputs` must have less than 4096 tokens',
    });
    const client = wrapHuggingFace(makeClient(), ctx.sightline);

    // Act
    const thrown = await client.chatCompletion({ messages }).catch((error: unknown) => error);

    // Assess
    expect(client).toBeInstanceOf(InferenceClient);
    expect(thrown).toBeInstanceOf(InferenceClientProviderApiError);
    const [span] = ctx.spans();
    expect(span?.status).toEqual({ code: 'error', message: (thrown as Error).message });
    expect(span?.errorType).toBe('ProviderApiError');
    expect(span?.outputMessages).toBeUndefined();
  });
});

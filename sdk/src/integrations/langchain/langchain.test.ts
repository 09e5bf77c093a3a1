import { Document } from '@langchain/core/documents';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { BaseRetriever } from '@langchain/core/retrievers';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI, OpenAI as OpenAILLM } from '@langchain/openai';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFakeOpenAiServer } from '../../../../test/fakes/fakeOpenAiServer.ts';
import type { SpanItemInput } from '../../contract/index.ts';
import { setDefaultClient } from '../../defaultClient.ts';
import { useIntegrationTestClient } from '../../testing/integrationTestClient.ts';
import { SightlineCallbackHandler } from './index.ts';

const ctx = useIntegrationTestClient(startFakeOpenAiServer);
let handler: SightlineCallbackHandler;

beforeEach(() => {
  handler = new SightlineCallbackHandler({ sightline: ctx.sightline });
});

// ---- factories ---------------------------------------------------------------------------

function chatModel(overrides: Partial<ConstructorParameters<typeof ChatOpenAI>[0]> = {}) {
  return new ChatOpenAI({
    model: 'gpt-4o-mini',
    temperature: 0.3,
    maxTokens: 100,
    apiKey: 'sk-test',
    maxRetries: 0,
    configuration: { baseURL: ctx.server.baseURL },
    ...overrides,
  });
}

const prompt = ChatPromptTemplate.fromMessages([
  ['system', 'You answer in one word.'],
  ['human', 'Capital of {country}?'],
]);

/** A real LangChain retriever over fixed documents. */
class FixedRetriever extends BaseRetriever {
  override lc_namespace = ['sightline', 'test'];
  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    return [
      new Document({
        pageContent: `About ${query}: Paris is the capital.`,
        metadata: { source: 'atlas' },
      }),
    ];
  }
}

function byName(spans: SpanItemInput[], name: string): SpanItemInput {
  const span = spans.find((candidate) => candidate.name === name);
  if (!span) throw new Error(`no span named ${name} in ${spans.map((s) => s.name).join(', ')}`);
  return span;
}

// ---- chat models -------------------------------------------------------------------------

describe('SightlineCallbackHandler with ChatOpenAI', () => {
  it('records a chat model call exactly and leaves the result unchanged', async () => {
    // Prepare
    ctx.server.enqueue(
      {
        type: 'chat',
        content: 'Paris.',
        id: 'chatcmpl-lc1',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 20, outputTokens: 2 },
      },
      {
        type: 'chat',
        content: 'Paris.',
        id: 'chatcmpl-lc1',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 20, outputTokens: 2 },
      },
    );
    const messages = [
      { role: 'system', content: 'You answer in one word.' },
      { role: 'user', content: 'Capital of France?' },
    ];

    // Act
    const traced = await chatModel().invoke(messages, { callbacks: [handler] });
    const plain = await chatModel().invoke(messages);

    // Assess
    expect(traced.content).toBe(plain.content);
    expect(traced.usage_metadata).toEqual(plain.usage_metadata);
    expect(traced.response_metadata).toEqual(plain.response_metadata);
    const [span] = ctx.spans();
    expect(span).toEqual({
      type: 'span',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
      startTime: expect.any(Number),
      endTime: expect.any(Number),
      name: 'ChatOpenAI',
      kind: 'llm',
      status: { code: 'ok' },
      operationName: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      request: { temperature: 0.3, maxTokens: 100, stream: false },
      systemInstructions: [{ type: 'text', content: 'You answer in one word.' }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] }],
      responseModel: 'gpt-4o-mini-2024-07-18',
      responseId: 'chatcmpl-lc1',
      usage: { inputTokens: 20, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0 },
      finishReasons: ['stop'],
      outputMessages: [
        { role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finishReason: 'stop' },
      ],
      metadata: { 'langchain.run_id': expect.any(String) },
    });
  });

  it('takes time to first token from a streamed call and records the streamed output', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'chat',
      content: ['Pa', 'ris', '.'],
      usage: { inputTokens: 11, outputTokens: 3 },
    });

    // Act
    const stream = await chatModel().stream('Capital of France?', { callbacks: [handler] });
    let text = '';
    for await (const chunk of stream) text += String(chunk.content);

    // Assess
    expect(text).toBe('Paris.');
    const [span] = ctx.spans();
    expect(span).toMatchObject({
      kind: 'llm',
      usage: { inputTokens: 11, outputTokens: 3 },
      finishReasons: ['stop'],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }] }],
    });
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('records tool calls the model asked for', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'chat',
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    const getWeather = tool(async ({ city }) => `Sunny in ${city}`, {
      name: 'get_weather',
      description: 'Weather for a city',
      schema: z.object({ city: z.string() }),
    });

    // Act
    const message = await chatModel()
      .bindTools([getWeather])
      .invoke('Weather in Paris?', { callbacks: [handler] });

    // Assess
    expect(message.tool_calls?.[0]?.name).toBe('get_weather');
    expect(ctx.spans()[0]).toMatchObject({
      finishReasons: ['tool_calls'],
      outputMessages: [
        {
          role: 'assistant',
          parts: [
            { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
          ],
          finishReason: 'tool_calls',
        },
      ],
    });
  });

  it('records a failed call with the error LangChain raised', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'error', status: 429 });

    // Act
    const caught = await chatModel()
      .invoke('hi', { callbacks: [handler] })
      .catch((error: unknown) => error);

    // Assess
    expect(caught).toBeInstanceOf(Error);
    expect(ctx.spans()[0]).toMatchObject({
      kind: 'llm',
      status: { code: 'error', message: (caught as Error).message },
    });
    expect(ctx.spans()[0]?.errorType).toBeTruthy();
  });
});

describe('SightlineCallbackHandler with a completion LLM', () => {
  it('records handleLLMStart prompts as a text_completion span', async () => {
    // Prepare
    ctx.server.enqueue({
      type: 'completion',
      text: 'Once upon a time.',
      usage: { inputTokens: 5, outputTokens: 4 },
    });
    const llm = new OpenAILLM({
      model: 'gpt-3.5-turbo-instruct',
      temperature: 0.5,
      apiKey: 'sk-test',
      maxRetries: 0,
      configuration: { baseURL: ctx.server.baseURL },
    });

    // Act
    const text = await llm.invoke('Start a story.', { callbacks: [handler] });

    // Assess
    expect(text).toBe('Once upon a time.');
    expect(ctx.server.requests.at(-1)?.path).toBe('/v1/completions');
    expect(ctx.spans()[0]).toMatchObject({
      name: 'OpenAI',
      kind: 'llm',
      operationName: 'text_completion',
      provider: 'openai',
      requestModel: 'gpt-3.5-turbo-instruct',
      request: { temperature: 0.5 },
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Start a story.' }] }],
      usage: { inputTokens: 5, outputTokens: 4 },
      finishReasons: ['stop'],
      outputMessages: [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'Once upon a time.' }],
          finishReason: 'stop',
        },
      ],
    });
  });
});

// ---- chains, tools, retrievers -----------------------------------------------------------

describe('SightlineCallbackHandler runs tree', () => {
  it('nests a chain’s runs by runId/parentRunId inside the active Sightline span', async () => {
    // Prepare
    ctx.server.enqueue({ type: 'chat', content: 'Paris.' });
    const chain = prompt.pipe(chatModel()).pipe(new StringOutputParser());

    // Act
    const answer = await ctx.sightline.trace('handle-request', () =>
      chain.invoke({ country: 'France' }, { callbacks: [handler], tags: ['geo'] }),
    );

    // Assess
    expect(answer).toBe('Paris.');
    const spans = ctx.spans();
    const root = byName(spans, 'handle-request');
    const sequence = byName(spans, 'RunnableSequence');
    const template = byName(spans, 'ChatPromptTemplate');
    const llm = byName(spans, 'ChatOpenAI');
    const parser = byName(spans, 'StrOutputParser');
    expect(sequence).toMatchObject({ kind: 'chain', parentSpanId: root.spanId, tags: ['geo'] });
    expect(JSON.parse(sequence.metadata?.input as string)).toEqual({ country: 'France' });
    expect(JSON.parse(sequence.metadata?.output as string)).toBe('Paris.');
    for (const child of [template, llm, parser])
      expect(child).toMatchObject({ parentSpanId: sequence.spanId, traceId: root.traceId });
    expect(llm).toMatchObject({
      kind: 'llm',
      systemInstructions: [{ type: 'text', content: 'You answer in one word.' }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] }],
    });
  });

  it('records tools as tool spans and retrievers as retrieval spans', async () => {
    // Prepare
    const getWeather = tool(async ({ city }) => `Sunny in ${city}`, {
      name: 'get_weather',
      description: 'Weather for a city',
      schema: z.object({ city: z.string() }),
    });
    const retriever = new FixedRetriever();

    // Act
    const weather = await getWeather.invoke({ city: 'Paris' }, { callbacks: [handler] });
    const documents = await retriever.invoke('France', { callbacks: [handler] });

    // Assess
    expect(weather).toBe('Sunny in Paris');
    expect(documents).toHaveLength(1);
    const [toolSpan, retrievalSpan] = ctx.spans();
    expect(toolSpan).toMatchObject({
      name: 'get_weather',
      kind: 'tool',
      operationName: 'execute_tool',
      tool: { name: 'get_weather', type: 'function' },
      status: { code: 'ok' },
      metadata: { input: '{"city":"Paris"}', output: 'Sunny in Paris' },
    });
    expect(retrievalSpan).toMatchObject({
      name: 'FixedRetriever',
      kind: 'retrieval',
      metadata: { input: 'France', 'retrieval.documents': 1 },
    });
    expect(JSON.parse(retrievalSpan?.metadata?.output as string)).toEqual([
      { pageContent: 'About France: Paris is the capital.', metadata: { source: 'atlas' } },
    ]);
  });

  it('records a failing tool as a failed span and LangChain still gets the error', async () => {
    // Prepare
    const failure = new RangeError('no such city');
    const broken = tool(
      async () => {
        throw failure;
      },
      { name: 'broken', description: 'fails', schema: z.object({}) },
    );

    // Act
    const caught = await broken
      .invoke({}, { callbacks: [handler] })
      .catch((error: unknown) => error);

    // Assess
    expect(caught).toBe(failure);
    expect(ctx.spans()[0]).toMatchObject({
      kind: 'tool',
      status: { code: 'error', message: 'no such city' },
      errorType: 'RangeError',
    });
  });

  it('uses the default client when none is given', async () => {
    // Prepare
    setDefaultClient(ctx.sightline);
    ctx.server.enqueue({ type: 'chat', content: 'Hi.' });

    // Act
    await chatModel().invoke('hi', { callbacks: [new SightlineCallbackHandler()] });

    // Assess
    expect(ctx.spans().map((span) => span.kind)).toEqual(['llm']);
  });
});

/**
 * Realistic demo traffic for the local stack: a support assistant (agent → retrieval → LLM
 * → tool), summaries and embeddings across several models and prompt versions, many users,
 * some errors and some personal data, so a newcomer sees live, varied data at once.
 * Pure except for the random source passed in.
 */
import type { Sightline, SpanAttributes } from '@sightline/sdk';

export type Random = () => number;

const USERS = Array.from(
  { length: 40 },
  (_, index) => `user_${String(index + 1).padStart(3, '0')}`,
);

const QUESTIONS = [
  'How do I reset my password?',
  'Where is my order #48213? It was supposed to arrive yesterday.',
  'Can I change the shipping address on an order that already shipped?',
  'What is your refund policy for annual plans?',
  'My invoice shows the wrong VAT number, can you fix it?',
  'Please update my email to jane.doe@example.com and call me at +1 415 555 0132.',
  'I was charged twice on card 4111 1111 1111 1111, please refund one.',
  'Does the API support streaming responses?',
  'Why does the dashboard say my quota is exceeded?',
  'My name is Maria Garcia and I live at 221B Baker Street, London. Send the contract there.',
];

const MODELS = [
  { provider: 'openai', model: 'gpt-4o-mini', inputPrice: 0.15 },
  { provider: 'openai', model: 'gpt-4.1', inputPrice: 2 },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', inputPrice: 3 },
  { provider: 'aws.bedrock', model: 'meta.llama3-70b-instruct', inputPrice: 0.99 },
] as const;

const PROMPT_VERSIONS = [
  { name: 'support-answer', version: 3 },
  { name: 'support-answer', version: 4 },
];

const ERRORS = [
  { type: 'RateLimitError', message: '429 Too Many Requests: rate limit reached for requests' },
  { type: 'APIConnectionError', message: 'Connection error: socket hang up' },
  { type: 'BadRequestError', message: "400 This model's maximum context length is 128000 tokens" },
];

function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function between(random: Random, min: number, max: number): number {
  return Math.round(min + random() * (max - min));
}

/** Emits one support-chat trace ending at `now`. */
export function emitSupportTrace(sightline: Sightline, random: Random, now: number): void {
  const userId = pick(random, USERS);
  const question = pick(random, QUESTIONS);
  const model = pick(random, MODELS);
  const prompt = pick(random, PROMPT_VERSIONS);
  const environment = random() < 0.85 ? 'production' : 'staging';
  const failed = random() < 0.06;
  const llmMs = between(random, 350, 4_200);
  const retrievalMs = between(random, 20, 180);
  const totalMs = retrievalMs + llmMs + between(random, 5, 40);
  const start = now - totalMs;
  const common: SpanAttributes = {
    userId,
    sessionId: `session_${userId}_${Math.floor(now / 600_000)}`,
    environment,
    release: 'support-web@1.4.2',
    tags: ['support', environment === 'production' ? 'prod' : 'stage'],
  };

  const root = sightline.startSpan(
    'support-chat',
    { ...common, kind: 'agent' },
    { parent: null, startTime: start },
  );
  const retrieval = sightline.startSpan(
    'retrieve-help-articles',
    { ...common, kind: 'retrieval', metadata: { index: 'help-center', topK: 4 } },
    { parent: root, startTime: start + 2 },
  );
  retrieval.end({}, start + 2 + retrievalMs);

  const llmStart = start + 4 + retrievalMs;
  const inputTokens = between(random, 400, 2_400);
  const outputTokens = failed ? 0 : between(random, 40, 600);
  const llm = sightline.startSpan(
    `chat ${model.model}`,
    {
      ...common,
      kind: 'llm',
      operationName: 'chat',
      provider: model.provider,
      requestModel: model.model,
      prompt: { ...prompt, variables: { product: 'Acme Cloud' } },
      request: { temperature: 0.2, maxTokens: 800, stream: true },
      systemInstructions: [
        { type: 'text', content: 'You are a helpful support assistant for Acme Cloud.' },
      ],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: question }] }],
    },
    { parent: root, startTime: llmStart },
  );
  if (failed) {
    const error = pick(random, ERRORS);
    llm.end(
      { status: { code: 'error', message: error.message }, errorType: error.type },
      llmStart + llmMs,
    );
    root.end(
      { status: { code: 'error', message: error.message }, errorType: error.type },
      start + totalMs,
    );
    return;
  }
  const usesTool = question.includes('order');
  llm.end(
    {
      responseModel: model.model,
      usage: { inputTokens, outputTokens, cachedInputTokens: Math.floor(inputTokens * 0.3) },
      finishReasons: [usesTool ? 'tool_calls' : 'stop'],
      timeToFirstTokenMs: between(random, 180, 900),
      outputMessages: [
        {
          role: 'assistant',
          finishReason: usesTool ? 'tool_calls' : 'stop',
          parts: usesTool
            ? [
                {
                  type: 'tool_call',
                  id: 'call_1',
                  name: 'lookup_order',
                  arguments: { orderId: '48213' },
                },
              ]
            : [
                {
                  type: 'text',
                  content:
                    'Sure — here is how to do that: open Settings → Account and follow the steps.',
                },
              ],
        },
      ],
    },
    llmStart + llmMs,
  );
  if (usesTool) {
    const tool = sightline.startSpan(
      'lookup_order',
      {
        ...common,
        kind: 'tool',
        operationName: 'execute_tool',
        tool: { name: 'lookup_order', callId: 'call_1' },
      },
      { parent: root, startTime: llmStart + llmMs + 1 },
    );
    tool.end({}, llmStart + llmMs + 20);
  }
  root.end({}, start + totalMs);
}

/** Emits a single summarisation or embedding call. */
export function emitSingleCall(sightline: Sightline, random: Random, now: number): void {
  const userId = pick(random, USERS);
  const embedding = random() < 0.4;
  const durationMs = embedding ? between(random, 30, 200) : between(random, 800, 6_000);
  const model = embedding
    ? { provider: 'openai', model: 'text-embedding-3-small' }
    : pick(random, MODELS);
  const span = sightline.startSpan(
    embedding ? `embeddings ${model.model}` : `summarize ${model.model}`,
    {
      kind: embedding ? 'embedding' : 'llm',
      operationName: embedding ? 'embeddings' : 'chat',
      provider: model.provider,
      requestModel: model.model,
      userId,
      environment: 'production',
      release: 'digest-worker@2.0.1',
      ...(embedding
        ? {}
        : {
            prompt: { name: 'ticket-summary', version: random() < 0.5 ? 1 : 2 },
            inputMessages: [
              {
                role: 'user',
                parts: [
                  { type: 'text', content: 'Summarize this ticket thread in two sentences.' },
                ],
              },
            ],
          }),
    },
    { parent: null, startTime: now - durationMs },
  );
  span.end(
    {
      responseModel: model.model,
      usage: embedding
        ? { inputTokens: between(random, 8, 300) }
        : { inputTokens: between(random, 1_000, 6_000), outputTokens: between(random, 40, 160) },
      ...(embedding
        ? {}
        : {
            finishReasons: ['stop'],
            outputMessages: [
              {
                role: 'assistant',
                finishReason: 'stop',
                parts: [
                  {
                    type: 'text',
                    content: 'The customer reports a duplicate charge; support refunded it.',
                  },
                ],
              },
            ],
          }),
    },
    now,
  );
}

export function emitDemoTrace(sightline: Sightline, random: Random, now: number): void {
  if (random() < 0.7) emitSupportTrace(sightline, random, now);
  else emitSingleCall(sightline, random, now);
}

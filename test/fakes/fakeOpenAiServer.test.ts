import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './fakeOpenAiServer.ts';

let fake: FakeOpenAiServer;

beforeAll(async () => {
  fake = await startFakeOpenAiServer();
});
afterAll(async () => {
  await fake.close();
});

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${fake.baseURL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify(body),
  });
}

/** The `data:` payloads of an SSE body, in order. */
function dataLines(text: string): string[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((event) =>
      event
        .split('\n')
        .find((line) => line.startsWith('data: '))!
        .slice(6),
    );
}

describe('fake OpenAI server', () => {
  it('streams chat chunks as SSE data lines, a usage chunk when asked, then [DONE]', async () => {
    // Prepare
    fake.enqueue({ type: 'chat', content: ['a', 'b'], usage: { inputTokens: 3, outputTokens: 2 } });

    // Act
    const response = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    });
    const lines = dataLines(await response.text());

    // Assess
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(lines.at(-1)).toBe('[DONE]');
    const chunks = lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(chunks.map((chunk) => chunk.object)).toEqual(
      Array(chunks.length).fill('chat.completion.chunk'),
    );
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('answers a scripted error with its status and OpenAI error JSON, and records the request', async () => {
    // Prepare
    fake.enqueue({ type: 'error', status: 429 });

    // Act
    const response = await post('/chat/completions', { model: 'gpt-4o-mini', messages: [] });

    // Assess
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining('Rate limit'),
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: [] },
    });
    expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams Responses API events named by type, ending with response.completed and usage', async () => {
    // Act
    const response = await post('/responses', { model: 'gpt-4.1', input: 'hi', stream: true });
    const events = dataLines(await response.text()).map(
      (line) => JSON.parse(line) as { type: string; sequence_number: number },
    );

    // Assess
    expect(events[0]?.type).toBe('response.created');
    expect(events.some((event) => event.type === 'response.output_text.delta')).toBe(true);
    expect(events.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { status: 'completed', usage: { input_tokens: 12, output_tokens: 6 } },
    });
    expect(events.map((event) => event.sequence_number)).toEqual(
      events.map((_event, index) => index),
    );
  });

  it('returns embeddings as base64 float32 when asked, as the OpenAI client asks by default', async () => {
    // Prepare
    const request = { model: 'text-embedding-3-small', input: 'hello' };

    // Act
    const asBase64 = (await (
      await post('/embeddings', { ...request, encoding_format: 'base64' })
    ).json()) as { data: { embedding: string }[] };
    const asFloats = (await (await post('/embeddings', request)).json()) as {
      data: { embedding: number[] }[];
    };

    // Assess
    const bytes = new Uint8Array(Buffer.from(asBase64.data[0]!.embedding, 'base64'));
    const decoded = Array.from(new Float32Array(bytes.buffer));
    const floats = asFloats.data[0]!.embedding;
    expect(decoded).toHaveLength(floats.length);
    decoded.forEach((value, index) => expect(value).toBeCloseTo(floats[index]!, 5));
  });
});

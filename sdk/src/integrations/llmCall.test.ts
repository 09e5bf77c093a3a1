import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sightline } from '../Sightline.ts';
import { MemoryTransport } from '../testing/memoryTransport.ts';
import { traceLlmCall } from './llmCall.ts';

/** A client promise like OpenAI's/Anthropic's APIPromise: a Promise with `withResponse()`. */
class ClientPromise<T> extends Promise<T> {
  readonly response = { status: 200 };
  withResponse(): Promise<{ data: T; response: { status: number } }> {
    return this.then((data) => ({ data, response: this.response }));
  }
  static override get [Symbol.species]() {
    return Promise;
  }
}

async function* chunks(...values: string[]) {
  for (const value of values) yield value;
}

let transport: MemoryTransport;
let sightline: Sightline;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  transport = new MemoryTransport();
  sightline = new Sightline({ transport, flushOnExit: false });
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('traceLlmCall with a client promise', () => {
  it('follows a stream read through withResponse()', async () => {
    // Prepare
    const seen: string[] = [];
    const call = () =>
      new ClientPromise<AsyncIterable<string>>((resolve) => resolve(chunks('a', 'b')));

    // Act
    const promise = traceLlmCall(sightline, { name: 'stream', attributes: {} }, call, {
      stream: () => ({
        onChunk: (chunk) => seen.push(chunk as string),
        onEnd: () => ({ metadata: { chunks: seen.join('') } }),
      }),
    });
    const { data, response } = await promise.withResponse();
    const received: string[] = [];
    for await (const chunk of data) received.push(chunk);

    // Assess
    expect(response).toEqual({ status: 200 });
    expect(received).toEqual(['a', 'b']);
    const [span] = transport.spans();
    expect(span?.metadata).toEqual({ chunks: 'ab' });
    expect(span?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('leaves no unhandled rejection when the caller only reads withResponse()', async () => {
    // Prepare
    const failure = new Error('boom');
    const call = () => new ClientPromise<string>((_resolve, reject) => reject(failure));

    // Act
    const thrown = await traceLlmCall(sightline, { name: 'fails', attributes: {} }, call, {})
      .withResponse()
      .catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(thrown).toBe(failure);
    expect(unhandled).toEqual([]);
    expect(transport.spans()[0]?.status).toEqual({ code: 'error', message: 'boom' });
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { Sightline } from '../Sightline.ts';
import { collectGarbage } from '../testing/collectGarbage.ts';
import { MemoryTransport } from '../testing/memoryTransport.ts';
import { followStream, traceLlmCall } from './llmCall.ts';

/** A stream class like the Stainless clients' Stream: iterable, a helper using `this`, a #private field. */
class ClientStream implements AsyncIterable<string> {
  readonly #label: string;
  constructor(
    private readonly values: string[],
    label = 'client-stream',
  ) {
    this.#label = label;
  }
  async *[Symbol.asyncIterator]() {
    for (const value of this.values) yield value;
  }
  /** Reads the stream through `this` (like `toReadableStream()`). */
  async joined(): Promise<string> {
    let text = '';
    for await (const value of this) text += value;
    return text;
  }
  /** Touches a #private field (like `tee()`), so it cannot run with a proxy as `this`. */
  label(): string {
    return this.#label;
  }
  /** Two streams of the same values, made through a #private field, like the clients' `tee()`. */
  tee(): [ClientStream, ClientStream] {
    return [new ClientStream(this.values, this.#label), new ClientStream(this.values, this.#label)];
  }
}

class ClientLibraryError extends Error {}

let transport: MemoryTransport;
let sightline: Sightline;

beforeEach(() => {
  transport = new MemoryTransport();
  sightline = new Sightline({ transport, flushOnExit: false });
});

function followed(values: string[], isFirstToken?: (chunk: string) => boolean) {
  const span = sightline.startSpan('stream', { kind: 'llm' });
  const seen: string[] = [];
  const stream = followStream(sightline, span, new ClientStream(values), {
    onChunk: (chunk: string) => seen.push(chunk),
    onEnd: () => ({ metadata: { seen: seen.join('|') } }),
    ...(isFirstToken ? { isFirstToken } : {}),
  });
  return stream;
}

describe('followStream', () => {
  it('takes time to first token at the first chunk that carries output', async () => {
    // Prepare
    let firstOutputAt = 0;
    const stream = followed(['created', 'in_progress', 'delta:Hi'], (chunk) => {
      if (!chunk.startsWith('delta:')) return false;
      firstOutputAt = performance.timeOrigin + performance.now();
      return true;
    });

    // Act
    for await (const _chunk of stream);

    // Assess
    const [span] = transport.spans();
    expect(span?.metadata).toEqual({ seen: 'created|in_progress|delta:Hi' });
    expect(span!.startTime + span!.timeToFirstTokenMs!).toBeGreaterThanOrEqual(firstOutputAt);
  });

  it('runs the stream’s own helpers on the traced stream', async () => {
    // Act
    const text = await followed(['a', 'b']).joined();

    // Assess
    expect(text).toBe('ab');
    expect(transport.spans()[0]?.metadata).toEqual({ seen: 'a|b' });
  });

  it('runs a helper that needs #private fields on the original stream and ends the span', () => {
    // Act
    const label = followed(['a']).label();

    // Assess
    expect(label).toBe('client-stream');
    expect(transport.spans()[0]?.metadata).toEqual({
      seen: '',
      'sightline.stream': 'untraced label()',
    });
  });
});

describe('followStream over tee()', () => {
  it('records each chunk once, read by whichever branch is ahead, and ends with the first branch done', async () => {
    // Prepare
    const [left, right] = followed(['a', 'b', 'c']).tee();
    const leftIterator = left[Symbol.asyncIterator]();
    const rightIterator = right[Symbol.asyncIterator]();

    // Act
    const read = [
      await leftIterator.next(),
      await rightIterator.next(),
      await rightIterator.next(),
      await leftIterator.next(),
    ].map((step) => step.value as string);
    const spansBeforeEnd = transport.spans().length;
    for (let step = await rightIterator.next(); !step.done; step = await rightIterator.next());
    const leftRest: string[] = [];
    for (let step = await leftIterator.next(); !step.done; step = await leftIterator.next())
      leftRest.push(step.value);

    // Assess
    expect(left).toBeInstanceOf(ClientStream);
    expect(read).toEqual(['a', 'a', 'b', 'b']);
    expect(leftRest).toEqual(['c']);
    expect(spansBeforeEnd).toBe(0);
    expect(transport.spans()).toHaveLength(1);
    expect(transport.spans()[0]?.metadata).toEqual({ seen: 'a|b|c' });
  });

  it('ends the span as abandoned only when every branch is abandoned', async () => {
    // Prepare
    const [left, right] = followed(['a', 'b', 'c']).tee();

    // Act
    for await (const _chunk of left) break;
    const afterLeft = transport.spans().length;
    for await (const _chunk of right) break;

    // Assess
    expect(afterLeft).toBe(0);
    expect(transport.spans()[0]?.metadata).toEqual({
      seen: 'a',
      'sightline.stream': 'abandoned',
    });
  });

  it('follows a branch read to its end after the other was abandoned', async () => {
    // Prepare
    const [left, right] = followed(['a', 'b']).tee();

    // Act
    for await (const _chunk of left) break;
    const rightChunks: string[] = [];
    for await (const chunk of right) rightChunks.push(chunk);

    // Assess
    expect(rightChunks).toEqual(['a', 'b']);
    expect(transport.spans()[0]?.metadata).toEqual({ seen: 'a|b' });
  });
});

describe('followStream over an async generator stepped directly', () => {
  async function* catchesThrown() {
    try {
      yield 'first';
    } catch (error) {
      yield `caught ${String(error)}`;
    }
  }

  const stepThrough = async (stream: AsyncGenerator<string>) => [
    await stream.next(),
    await stream.throw('X'),
    await stream.next(),
  ];

  it('delivers throw() to the generator, which may catch it, as on the unwrapped one', async () => {
    // Prepare
    const span = sightline.startSpan('stream', { kind: 'llm' });
    const seen: string[] = [];
    const stream = followStream(sightline, span, catchesThrown(), {
      onChunk: (chunk: string) => seen.push(chunk),
      onEnd: () => ({ metadata: { seen: seen.join('|') } }),
    });

    // Act
    const traced = await stepThrough(stream);
    const plain = await stepThrough(catchesThrown());

    // Assess
    expect(traced).toEqual(plain);
    expect(transport.spans()[0]).toMatchObject({
      status: { code: 'ok' },
      metadata: { seen: 'first|caught X' },
    });
  });
});

describe('traceLlmCall errors', () => {
  it('names the error type after the class when the error keeps the name "Error"', async () => {
    // Prepare
    const failure = new ClientLibraryError('rate limited');

    // Act
    const caught = await traceLlmCall(
      sightline,
      { name: 'call', attributes: {} },
      () => Promise.reject(failure),
      {},
    ).catch((error: unknown) => error);

    // Assess
    expect(caught).toBe(failure);
    expect(transport.spans()[0]).toMatchObject({
      status: { code: 'error', message: 'rate limited' },
      errorType: 'ClientLibraryError',
    });
  });
});

describe('followStream with a failing handler', () => {
  it('reports a throwing isFirstToken to onError and still passes every chunk through', async () => {
    // Prepare
    const reported: unknown[] = [];
    const client = new Sightline({
      transport,
      flushOnExit: false,
      onError: (error) => reported.push(error),
    });
    const failure = new Error('mapping bug');
    const span = client.startSpan('stream', { kind: 'llm' });
    const stream = followStream(client, span, new ClientStream(['a', 'b']), {
      onChunk: () => {},
      onEnd: () => ({}),
      isFirstToken: () => {
        throw failure;
      },
    });

    // Act
    const received: string[] = [];
    for await (const chunk of stream) received.push(chunk);

    // Assess
    expect(received).toEqual(['a', 'b']);
    expect(reported).toEqual([failure]);
    expect(transport.spans()[0]?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });
});

describe('followStream over a stream the caller lets go of', () => {
  it('ends and sends the span of a stream never iterated, marked unread, once it is collected', async () => {
    // Prepare: the stream is made and dropped in a scope of its own.
    (() => {
      followed(['a', 'b']);
    })();

    // Act
    await collectGarbage(() => transport.spans().length > 0);

    // Assess
    expect(transport.spans().map((span) => span.metadata)).toEqual([
      { seen: '', 'sightline.stream': 'unread' },
    ]);
  });

  it('ends the span of a stream stepped by hand and dropped as abandoned, with what was read', async () => {
    // Prepare
    await (async () => {
      const iterator = followed(['a', 'b', 'c'])[Symbol.asyncIterator]();
      await iterator.next();
    })();

    // Act
    await collectGarbage(() => transport.spans().length > 0);

    // Assess
    expect(transport.spans().map((span) => span.metadata)).toEqual([
      { seen: 'a', 'sightline.stream': 'abandoned' },
    ]);
  });

  it('keeps a stream read by a loop that holds no other reference to it open until its end', async () => {
    // Act: nothing but the loop's iterator refers to the stream while it is read.
    const received: string[] = [];
    for await (const chunk of followed(['a', 'b', 'c'])) {
      received.push(chunk);
      await collectGarbage();
    }

    // Assess
    expect(received).toEqual(['a', 'b', 'c']);
    expect(transport.spans().map((span) => span.metadata)).toEqual([{ seen: 'a|b|c' }]);
  });

  it('keeps following the branches of tee() after the stream they came from is collected', async () => {
    // Prepare
    const [left, right] = (() => followed(['a', 'b']).tee())();
    await collectGarbage();

    // Act
    const read: string[] = [];
    for await (const chunk of left) read.push(chunk);
    for await (const chunk of right) read.push(chunk);

    // Assess
    expect(read).toEqual(['a', 'b', 'a', 'b']);
    expect(transport.spans().map((span) => span.metadata)).toEqual([{ seen: 'a|b' }]);
  });

  it('leaves a finished span alone when its stream is collected later', async () => {
    // Prepare
    await (async () => {
      for await (const _chunk of followed(['a']));
    })();

    // Act
    await collectGarbage();

    // Assess
    expect(transport.spans().map((span) => span.metadata)).toEqual([{ seen: 'a' }]);
  });
});

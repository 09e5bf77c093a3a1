/**
 * The tracing client against an in-memory transport: span shapes, parent linking across async
 * code, sampling, privacy hooks, scores, and hostile inputs that must never throw into the host.
 */
import { describe, expect, it } from 'vitest';
import { SpanItemSchema, type SpanItemInput } from './contract/index.ts';
import { isTraceSampled } from './sampling.ts';
import { Sightline, type SightlineOptions } from './Sightline.ts';
import { MemoryTransport } from './testing/memoryTransport.ts';
import { MASK_FAILED } from './privacy.ts';

function tracer(options: Partial<SightlineOptions> = {}) {
  const transport = new MemoryTransport();
  const errors: unknown[] = [];
  const sightline = new Sightline({
    transport,
    flushOnExit: false,
    onError: (error) => errors.push(error),
    ...options,
  });
  return { sightline, transport, errors };
}

const byName = (spans: SpanItemInput[], name: string) => spans.find((span) => span.name === name)!;
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('observe', () => {
  it('wraps a sync function, keeping its result and this', () => {
    const { sightline, transport } = tracer();
    const counter = {
      base: 40,
      add: sightline.observe('add', function (this: { base: number }, n: number) {
        return this.base + n;
      }),
    };

    const result = counter.add(2);

    expect(result).toBe(42);
    const [span] = transport.spans();
    expect(span).toMatchObject({ name: 'add', status: { code: 'ok' } });
    expect(span!.parentSpanId).toBeUndefined();
  });

  it('wraps an async function and re-throws its error unchanged', async () => {
    const { sightline, transport } = tracer();
    const failure = new RangeError('no quota');
    const call = sightline.observe('call', async () => {
      await tick();
      throw failure;
    });

    await expect(call()).rejects.toBe(failure);

    expect(transport.spans()[0]).toMatchObject({
      name: 'call',
      status: { code: 'error', message: 'no quota' },
      errorType: 'RangeError',
    });
  });

  it('ends an async generator span when the generator finishes, with children inside', async () => {
    const { sightline, transport } = tracer();
    const child = sightline.observe('child', async () => 'x');
    const generate = sightline.observe(
      'generate',
      async function* (count: number) {
        for (let index = 0; index < count; index += 1) {
          await child();
          yield index;
        }
      },
      { captureResult: true },
    );

    const values: number[] = [];
    for await (const value of generate(3)) values.push(value);

    expect(values).toEqual([0, 1, 2]);
    const spans = transport.spans();
    const parent = byName(spans, 'generate');
    expect(spans.filter((span) => span.name === 'child')).toHaveLength(3);
    for (const span of spans.filter((entry) => entry.name === 'child'))
      expect(span.parentSpanId).toBe(parent.spanId);
    expect(parent.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(parent.metadata?.output).toBe('[0,1,2]');
  });

  it('ends an abandoned generator span when the consumer breaks out', async () => {
    const { sightline, transport } = tracer();
    const generate = sightline.observe('endless', async function* () {
      for (let index = 0; ; index += 1) yield index;
    });

    for await (const value of generate()) if (value === 2) break;

    expect(transport.spans().map((span) => span.name)).toEqual(['endless']);
  });

  it('captures arguments and results as JSON when asked, cyclic values included', () => {
    const { sightline, transport } = tracer();
    const cyclic: Record<string, unknown> = { a: 1n };
    cyclic.self = cyclic;
    const echo = sightline.observe('echo', (value: unknown) => value, {
      captureArgs: true,
      captureResult: true,
    });

    echo(cyclic);

    const [span] = transport.spans();
    expect(span!.metadata).toEqual({
      input: '[{"a":"1","self":"[cyclic]"}]',
      output: '{"a":"1","self":"[cyclic]"}',
    });
  });
});

describe('parent linking', () => {
  it('keeps parents right across Promise.all, timers and nested spans', async () => {
    const { sightline, transport } = tracer();
    const leaf = sightline.observe('leaf', async (delay: number) => {
      await new Promise((resolve) => setTimeout(resolve, delay));
    });

    await sightline.trace('root', async () => {
      await Promise.all(
        [3, 1, 2].map((delay, index) =>
          sightline.span(`branch-${index}`, async () => {
            await leaf(delay);
            await new Promise<void>((resolve) =>
              setTimeout(() => {
                sightline.span(`timer-${index}`, () => undefined);
                resolve();
              }, 1),
            );
          }),
        ),
      );
    });

    const spans = transport.spans();
    const root = byName(spans, 'root');
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([root.traceId]));
    for (const index of [0, 1, 2]) {
      const branch = byName(spans, `branch-${index}`);
      expect(branch.parentSpanId).toBe(root.spanId);
      expect(byName(spans, `timer-${index}`).parentSpanId).toBe(branch.spanId);
      const leaves = spans.filter(
        (span) => span.name === 'leaf' && span.parentSpanId === branch.spanId,
      );
      expect(leaves).toHaveLength(1);
    }
  });

  it('passes user and session ids down to child spans', () => {
    const { sightline, transport } = tracer();

    sightline.trace('request', { userId: 'u-1', sessionId: 's-1', tags: ['beta'] }, () =>
      sightline.span('llm', () => undefined),
    );

    expect(byName(transport.spans(), 'llm')).toMatchObject({ userId: 'u-1', sessionId: 's-1' });
    expect(byName(transport.spans(), 'llm').tags).toBeUndefined();
  });

  it('starts a new trace with newTrace even inside an active span', () => {
    const { sightline, transport } = tracer();
    const job = sightline.observe('job', () => undefined, { newTrace: true });

    sightline.trace('outer', () => job());

    const spans = transport.spans();
    expect(byName(spans, 'job').traceId).not.toBe(byName(spans, 'outer').traceId);
    expect(byName(spans, 'job').parentSpanId).toBeUndefined();
  });
});

describe('sampling', () => {
  it('keeps or drops whole traces by trace id', () => {
    const { sightline, transport } = tracer({ sampleRate: 0.5 });

    for (let index = 0; index < 400; index += 1)
      sightline.trace('root', () => sightline.span('child', () => undefined));

    const spans = transport.spans();
    const roots = spans.filter((span) => span.name === 'root');
    expect(roots.length).toBeGreaterThan(120);
    expect(roots.length).toBeLessThan(280);
    for (const root of roots) {
      expect(isTraceSampled(root.traceId, 0.5)).toBe(true);
      expect(spans.filter((span) => span.traceId === root.traceId)).toHaveLength(2);
    }
    expect(spans).toHaveLength(roots.length * 2);
  });

  it.each([
    [0, 0],
    [1, 50],
  ])('sampleRate %d records %d of 50 traces', (sampleRate, expected) => {
    const { sightline, transport } = tracer({ sampleRate });

    for (let index = 0; index < 50; index += 1) sightline.trace('t', () => undefined);

    expect(transport.spans()).toHaveLength(expected);
  });
});

describe('privacy', () => {
  const conversation = {
    inputMessages: [
      { role: 'user' as const, parts: [{ type: 'text' as const, content: 'my email is a@b.co' }] },
    ],
    outputMessages: [
      { role: 'assistant' as const, parts: [{ type: 'text' as const, content: 'noted a@b.co' }] },
    ],
    systemInstructions: [{ type: 'text' as const, content: 'be nice' }],
    prompt: { name: 'support', version: 3, variables: { email: 'a@b.co' } },
    requestModel: 'gpt-4o',
  };

  it('sends no message content when captureContent is false', () => {
    const { sightline, transport } = tracer({ captureContent: false });

    sightline.trace('llm', { kind: 'llm', ...conversation }, () => undefined);

    const [span] = transport.spans();
    expect(span).not.toHaveProperty('inputMessages');
    expect(span).not.toHaveProperty('outputMessages');
    expect(span).not.toHaveProperty('systemInstructions');
    expect(span!.prompt).toEqual({ name: 'support', version: 3 });
    expect(span!.requestModel).toBe('gpt-4o');
  });

  it('masks every free-text value, not ids, and a throwing mask never leaks the original', () => {
    const seenPaths: string[] = [];
    const { sightline, transport } = tracer({
      mask: (value, { path }) => {
        seenPaths.push(path);
        if (path === 'systemInstructions.0.content') throw new Error('mask bug');
        return value.replaceAll('a@b.co', '[EMAIL]');
      },
    });

    sightline.trace('llm', { kind: 'llm', ...conversation }, () => undefined);

    const [span] = transport.spans();
    expect(span!.inputMessages![0]!.parts[0]).toEqual({
      type: 'text',
      content: 'my email is [EMAIL]',
    });
    expect(span!.outputMessages![0]!.parts[0]).toEqual({ type: 'text', content: 'noted [EMAIL]' });
    expect(span!.prompt!.variables).toEqual({ email: '[EMAIL]' });
    expect(span!.systemInstructions![0]).toEqual({ type: 'text', content: MASK_FAILED });
    expect(seenPaths).not.toContain('traceId');
    expect(seenPaths).not.toContain('inputMessages.0.role');
  });

  it('applies deferred attributes and the mask off the caller path, at serialisation', () => {
    let masked = 0;
    const { sightline, transport } = tracer({
      mask: (value) => {
        masked += 1;
        return value;
      },
    });

    sightline.trace('llm', (span) => span.update(() => ({ requestModel: 'later' })));

    expect(masked).toBe(0);
    expect(transport.spans()[0]!.requestModel).toBe('later');
    expect(masked).toBeGreaterThan(0);
  });
});

describe('scores', () => {
  it('accepts a trace id, a span handle, ids, or a full score object', () => {
    const { sightline, transport, errors } = tracer();
    const span = sightline.startSpan('answer');
    span.end();

    sightline.score(span.traceId, 'thumbs', true);
    sightline.score(span, 'rating', 4, 'good');
    sightline.score({ traceId: span.traceId, spanId: span.spanId }, 'label', 'helpful');
    sightline.score({ traceId: span.traceId, name: 'csat', value: 0.9, userId: 'u-1' });

    const scores = transport.items().filter((item) => item.type === 'score');
    expect(scores).toEqual([
      expect.objectContaining({ traceId: span.traceId, name: 'thumbs', value: true }),
      expect.objectContaining({ spanId: span.spanId, name: 'rating', value: 4, comment: 'good' }),
      expect.objectContaining({ spanId: span.spanId, name: 'label', value: 'helpful' }),
      expect.objectContaining({ name: 'csat', value: 0.9, userId: 'u-1' }),
    ]);
    expect(errors).toEqual([]);
  });

  it('reports, never throws, a score without a usable target', () => {
    const { sightline, errors, transport } = tracer();

    expect(() => sightline.score('0123456789abcdef', 'x', 1)).not.toThrow();

    expect(transport.items()).toEqual([]);
    expect(String(errors[0])).toMatch(/32-hex trace id/);
  });
});

describe('hostile input never throws into the host', () => {
  it.each([
    ['a huge string', { metadata: { note: 'x'.repeat(5_000_000) } }],
    ['lone surrogates', { userId: '\ud800abc', metadata: { k: '\udfff' } }],
    ['control characters', { requestModel: '\u0000\u0007\u001b[31m' }],
  ])('%s', (_label, attributes) => {
    const { sightline, transport } = tracer();

    expect(() => sightline.trace('hostile', attributes, () => 1)).not.toThrow();
    expect(transport.items()).toHaveLength(1);
  });

  it('records an error object whose getters throw', () => {
    const { sightline, transport } = tracer();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );

    expect(() =>
      sightline.trace('fails', () => {
        throw hostile;
      }),
    ).toThrow();

    expect(transport.spans()[0]!.status).toMatchObject({ code: 'error' });
  });

  it('survives a transport that throws, reporting to onError', () => {
    const errors: unknown[] = [];
    const sightline = new Sightline({
      transport: {
        enqueue() {
          throw new Error('transport down');
        },
        flush: async () => {},
        shutdown: async () => {},
        stats: () => ({ queued: 0, queuedBytes: 0, sent: 0, dropped: 0, retried: 0, truncated: 0 }),
      },
      flushOnExit: false,
      onError: (error) => {
        errors.push(error);
        throw new Error('and the error hook throws too');
      },
    });

    expect(sightline.trace('t', () => 7)).toBe(7);
    expect(errors).toHaveLength(1);
  });

  it('every span produced above fits the wire contract', () => {
    const { sightline, transport } = tracer();
    sightline.trace('plain', () => undefined);
    for (const span of transport.spans()) expect(SpanItemSchema.safeParse(span).success).toBe(true);
  });
});

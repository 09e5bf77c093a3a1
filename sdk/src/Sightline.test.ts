/**
 * The tracing client against an in-memory transport: span shapes, parent linking across async
 * code, sampling, privacy hooks, scores, and hostile inputs that must never throw into the host.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  HOSTILE_SPAN_NAMES,
  REFUSED_SCORE_VALUES,
  hostileSpanValues,
} from '../../test/helpers/factories.ts';
import { ItemSchema, SpanItemSchema, type SpanItemInput } from './contract/index.ts';
import { isTraceSampled } from './sampling.ts';
import { Sightline } from './Sightline.ts';
import type { SpanAttributes, SpanHandle } from './SpanHandle.ts';
import { memoryTracer } from './testing/memoryTransport.ts';
import { MASK_FAILED, WITHHELD_MESSAGE } from './privacy.ts';
import { ItemsDroppedError } from './transport/errors.ts';
import { PLACEHOLDER_NAME } from './truncateItem.ts';

const tracer = memoryTracer;

const byName = (spans: SpanItemInput[], name: string) => spans.find((span) => span.name === name)!;
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowMs = () => performance.timeOrigin + performance.now();
const card = /\b4111\d{12}\b/g;

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
      input: '[{"a":"[bigint 1]","self":"[circular]"}]',
      output: '{"a":"[bigint 1]","self":"[circular]"}',
    });
  });
});

describe('observe on an async generator function', () => {
  it('starts the span at the first next(), so a generator never iterated makes no span', async () => {
    // Prepare
    const { sightline, transport } = tracer();
    const generate = sightline.observe('generate', async function* () {
      yield 1;
    });
    const neverIterated = generate();
    const iterated = generate();
    await sleep(25);

    // Act
    const firstNextAt = nowMs();
    for await (const _value of iterated);

    // Assess
    const spans = transport.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.startTime).toBeGreaterThanOrEqual(firstNextAt);
    expect(spans[0]!.timeToFirstTokenMs).toBeLessThan(25);
    expect(neverIterated).not.toBe(iterated);
  });

  it('links the span to the span active where the generator was made, its body’s spans to it', async () => {
    // Prepare
    const { sightline, transport } = tracer();
    const child = sightline.observe('child', async () => 'x');
    const generate = sightline.observe('generate', async function* () {
      yield await child();
      yield await child();
    });

    // Act
    const made = sightline.trace('producer', () => generate());
    await sightline.trace('consumer', async () => {
      for await (const _value of made);
    });

    // Assess
    const spans = transport.spans();
    const generated = byName(spans, 'generate');
    expect(generated.parentSpanId).toBe(byName(spans, 'producer').spanId);
    expect(generated.traceId).toBe(byName(spans, 'producer').traceId);
    const children = spans.filter((span) => span.name === 'child');
    expect(children.map((span) => span.parentSpanId)).toEqual([generated.spanId, generated.spanId]);
  });

  it.each<[string, (generator: AsyncGenerator<number>) => Promise<unknown>]>([
    ['return()', (generator) => generator.return('early' as never)],
    ['throw()', (generator) => generator.throw(new RangeError('stop')).catch((error) => error)],
  ])(
    '%s before the first next() runs nothing, makes no span, as unobserved',
    async (_label, act) => {
      // Prepare
      const { sightline, transport } = tracer();
      let bodyRuns = 0;
      async function* source() {
        bodyRuns += 1;
        yield 1;
      }
      const plain = source();
      const observed = sightline.observe('generate', source)();

      // Act
      const plainOutcome = await act(plain);
      const observedOutcome = await act(observed);
      const after = await observed.next();

      // Assess
      expect(observedOutcome).toEqual(plainOutcome);
      expect(after).toEqual(await plain.next());
      expect(after).toEqual({ value: undefined, done: true });
      expect(bodyRuns).toBe(0);
      expect(transport.items()).toEqual([]);
    },
  );
});

/** An async iterator that is not a generator, with members of its own (a paged listing). */
class PageIterator implements AsyncIterableIterator<number> {
  #next = 0;
  constructor(
    readonly total: number,
    readonly pageSize = 10,
  ) {}
  async next(): Promise<IteratorResult<number>> {
    if (this.#next >= this.total) return { value: undefined, done: true };
    this.#next += 1;
    return { value: this.#next - 1, done: false };
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
  describe(): string {
    return `${this.total} pages of ${this.pageSize}`;
  }
}

describe('observe on a function returning an async iterable', () => {
  it('keeps a returned async iterator’s class and members, and follows its iteration', async () => {
    // Prepare
    const { sightline, transport } = tracer();
    const listPages = sightline.observe('list-pages', () => new PageIterator(3), {
      captureResult: true,
    });

    // Act
    const pages = listPages();
    const described = pages.describe();
    const seen: number[] = [];
    for await (const page of pages) seen.push(page);

    // Assess
    expect(pages).toBeInstanceOf(PageIterator);
    expect(pages.total).toBe(3);
    expect(described).toBe('3 pages of 10');
    expect(seen).toEqual([0, 1, 2]);
    const [span] = transport.spans();
    expect(span).toMatchObject({ name: 'list-pages', status: { code: 'ok' } });
    expect(span!.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(span!.metadata).toEqual({ output: '[0,1,2]' });
  });

  it('returns a Node stream as it is, ending the span at the return', () => {
    // Prepare
    const { sightline, transport } = tracer();
    const readable = Readable.from(['a', 'b']);

    // Act
    const returned = sightline.observe('open-file', () => readable)();

    // Assess
    expect(returned).toBe(readable);
    expect(transport.spans()).toMatchObject([{ name: 'open-file', status: { code: 'ok' } }]);
  });
});

/** A query builder: a thenable whose `then` runs the query, with chainable methods. */
class QueryBuilder implements PromiseLike<string[]> {
  runs = 0;
  #limit = Infinity;
  limit(count: number): this {
    this.#limit = count;
    return this;
  }
  then<A = string[], B = never>(
    onFulfilled?: ((rows: string[]) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.runs += 1;
    return Promise.resolve(['a', 'b', 'c'].slice(0, this.#limit)).then(onFulfilled, onRejected);
  }
}

describe('observe, span and trace return what the function returned', () => {
  it('keeps a returned thenable’s class and methods, runs it once, and ends the span when awaited', async () => {
    // Prepare
    const { sightline, transport } = tracer();
    const query = new QueryBuilder();
    const findRows = sightline.observe('find-rows', () => query, { captureResult: true });

    // Act
    const returned = findRows();
    const rows = await returned.limit(2);
    await tick();

    // Assess
    expect(returned).toBeInstanceOf(QueryBuilder);
    expect(rows).toEqual(['a', 'b']);
    expect(query.runs).toBe(1);
    expect(transport.spans()[0]).toMatchObject({
      name: 'find-rows',
      status: { code: 'ok' },
      metadata: { output: '["a","b"]' },
    });
  });

  it('records a rejected thenable and rejects the caller with the same error', async () => {
    // Prepare
    const { sightline, transport } = tracer();
    const failure = new RangeError('no rows');
    const failing = { then: (_: unknown, reject: (reason: unknown) => void) => reject(failure) };

    // Act
    const outcome = sightline.span('load', () => failing);

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(transport.spans()[0]).toMatchObject({ status: { code: 'error', message: 'no rows' } });
  });

  it.each([
    [
      'a throwing then getter',
      () =>
        new Proxy(
          {},
          {
            get(_target, property) {
              if (property === 'then' || property === 'next') throw new Error('no then');
              return undefined;
            },
          },
        ),
    ],
    [
      'a revoked proxy',
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      },
    ],
  ])('returns %s untouched and records the span', (_label, hostileValue) => {
    // Prepare
    const { sightline, transport } = tracer();
    const value = hostileValue();

    // Act
    const returned = [
      sightline.observe('observed', () => value)(),
      sightline.span('span', () => value),
      sightline.trace('trace', () => value),
    ];

    // Assess
    for (const each of returned) expect(each).toBe(value);
    expect(transport.spans().map((span) => span.status?.code)).toEqual(['ok', 'ok', 'ok']);
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

describe('a sample rate that is not a number', () => {
  it('keeps every trace and reports the setting', () => {
    // Prepare
    const { sightline, errors } = tracer({ sampleRate: NaN });

    // Act
    const sampled = Array.from({ length: 50 }, () => sightline.startSpan('s').sampled);

    // Assess
    expect(sampled.every(Boolean)).toBe(true);
    expect(String(errors[0])).toMatch(/sampleRate must be a number/);
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

  it('withholds an error message when captureContent is false, keeping its status and type', () => {
    const { sightline, transport } = tracer({ captureContent: false });
    class ContentPolicyError extends Error {
      override name = 'ContentPolicyError';
    }

    expect(() =>
      sightline.trace('llm', { kind: 'llm', ...conversation }, () => {
        throw new ContentPolicyError("Your message 'my email is a@b.co' was flagged");
      }),
    ).toThrow(ContentPolicyError);

    const [span] = transport.spans();
    expect(JSON.stringify(span)).not.toContain('a@b.co');
    expect(span!.status).toEqual({ code: 'error', message: WITHHELD_MESSAGE });
    expect(span!.errorType).toBe('ContentPolicyError');
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

  it('masks keys named like structural fields when they are the host’s data, not the contract’s', () => {
    // Prepare
    const seenPaths: string[] = [];
    const { sightline, transport } = tracer({
      mask: (value, { path }) => {
        seenPaths.push(path);
        return value.replace(card, '[CARD]');
      },
    });

    // Act
    sightline.trace(
      'llm',
      {
        kind: 'llm',
        metadata: { type: 'refund 4111111111111111', role: 'card 4111111111111111' },
        outputMessages: [
          {
            role: 'assistant',
            finishReason: 'tool_calls',
            parts: [
              {
                type: 'tool_call',
                name: 'refund',
                arguments: { kind: '4111111111111111', type: 'card 4111111111111111' },
              },
            ],
          },
        ],
      },
      () => undefined,
    );

    // Assess
    const [span] = transport.spans();
    expect(span!.metadata).toEqual({ type: 'refund [CARD]', role: 'card [CARD]' });
    expect(span!.outputMessages![0]!.parts[0]).toMatchObject({
      type: 'tool_call',
      arguments: { kind: '[CARD]', type: 'card [CARD]' },
    });
    for (const structural of [
      'type',
      'kind',
      'outputMessages.0.role',
      'outputMessages.0.finishReason',
      'outputMessages.0.parts.0.type',
    ])
      expect(seenPaths).not.toContain(structural);
  });

  it('masks a score’s comment and string value', () => {
    // Prepare
    const { sightline, transport } = tracer({ mask: (value) => value.replace(card, '[CARD]') });
    const span = sightline.startSpan('x');

    // Act
    sightline.score(
      span,
      'feedback',
      'card 4111111111111111',
      'my card 4111111111111111 was charged',
    );
    sightline.score({
      traceId: span.traceId,
      name: 'rating',
      value: 4,
      comment: '4111111111111111',
    });

    // Assess
    const scores = transport.items().filter((item) => item.type === 'score');
    expect(scores).toMatchObject([
      { name: 'feedback', value: 'card [CARD]', comment: 'my card [CARD] was charged' },
      { name: 'rating', value: 4, comment: '[CARD]' },
    ]);
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

  it('merges deferred metadata with the metadata given before, leaving the caller’s object as it was', () => {
    // Prepare
    const { sightline, transport } = tracer();
    const given = { route: '/chat' };

    // Act
    const span = sightline.startSpan('llm', { metadata: given });
    span.update(() => ({ metadata: { cache: 'hit' }, responseModel: 'm1' }));
    span.update(() => ({ metadata: { attempt: 2 } }));
    span.end();

    // Assess
    expect(transport.spans()[0]).toMatchObject({
      name: 'llm',
      responseModel: 'm1',
      metadata: { route: '/chat', cache: 'hit', attempt: 2 },
    });
    expect(given).toEqual({ route: '/chat' });
  });

  it('gives children started after the parent ended its user as it was at the end, whenever they start', () => {
    // Prepare: a user known at the call, another only in a deferred attribute.
    const { sightline, transport } = tracer();
    const parent = sightline.startSpan('parent', { userId: 'at-call' });
    parent.update(() => ({ sessionId: 'deferred' }));
    parent.end();
    // Act: one child before the parent is built, one after.
    sightline.startSpan('before', {}, { parent }).end();
    transport.items();
    sightline.startSpan('after', {}, { parent }).end();
    // Assess
    const byName = new Map(transport.spans().map((span) => [span.name, span]));
    expect(byName.get('parent')).toMatchObject({ userId: 'at-call', sessionId: 'deferred' });
    for (const name of ['before', 'after']) {
      expect(byName.get(name)!.userId).toBe('at-call');
      expect(byName.get(name)!.sessionId).toBeUndefined();
    }
  });
});

describe('values the wire contract refuses', () => {
  it.each(hostileSpanValues())(
    'normalises %s so the span meets the contract',
    (_label, attributes) => {
      // Prepare
      const { sightline, transport } = tracer();

      // Act
      expect(() =>
        sightline.startSpan('hostile', attributes as SpanAttributes).end(),
      ).not.toThrow();

      // Assess
      const items = transport.items();
      expect(items).toHaveLength(1);
      const parsed = ItemSchema.safeParse(items[0]);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(sightline.stats().dropped).toBe(0);
    },
  );

  it('drops a null metadata entry and sends a number that is not finite as text', () => {
    // Prepare
    const { sightline, transport } = tracer();
    const metadata = { orgId: null, plan: 'pro', ratio: NaN } as unknown as Record<string, string>;

    // Act
    sightline.trace('t', { metadata }, () => 1);

    // Assess
    expect(transport.spans()[0]!.metadata).toEqual({ plan: 'pro', ratio: 'NaN' });
    expect(metadata).toEqual({ orgId: null, plan: 'pro', ratio: NaN });
  });

  it.each(HOSTILE_SPAN_NAMES.filter((name) => typeof name !== 'string' || name.length < 256))(
    'sends a span named %j under its text, or the placeholder when it has none',
    (name) => {
      // Prepare
      const { sightline, transport } = tracer();

      // Act
      sightline.startSpan(name as string).end();

      // Assess
      const expected = typeof name === 'number' ? String(name) : PLACEHOLDER_NAME;
      expect(transport.spans()[0]!.name).toBe(expected);
    },
  );

  it.each([0, 1_700_000_000, 5e12, NaN, -Infinity])(
    'starts a span given a start time of %d, which is not epoch milliseconds, now',
    (startTime) => {
      // Prepare
      const { sightline, transport } = tracer();
      const before = nowMs();

      // Act
      sightline.startSpan('x', {}, { startTime }).end(undefined, startTime);

      // Assess
      const [span] = transport.spans();
      expect(span!.startTime).toBeGreaterThanOrEqual(before);
      expect(span!.endTime).toBeGreaterThanOrEqual(span!.startTime);
    },
  );

  it('starts a new trace, and reports it, when the parent’s ids are not ones the contract takes', () => {
    // Prepare
    const { sightline, transport, errors } = tracer();
    const parent = { traceId: 'not-a-trace', spanId: '0'.repeat(16), sampled: true };

    // Act
    sightline.startSpan('x', {}, { parent: parent as unknown as SpanHandle }).end();

    // Assess
    const [span] = transport.spans();
    expect(span!.traceId).not.toBe(parent.traceId);
    expect(span!.parentSpanId).toBeUndefined();
    expect(String(errors[0])).toMatch(/parent/);
  });

  it.each(REFUSED_SCORE_VALUES)(
    'refuses a score of %s at the call, reports it and counts it as dropped',
    (value) => {
      // Prepare
      const { sightline, transport, errors } = tracer();
      const span = sightline.startSpan('answer');

      // Act
      expect(() => sightline.score(span, 'rating', value as number)).not.toThrow();

      // Assess
      expect(transport.items()).toEqual([]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(ItemsDroppedError);
      expect((errors[0] as ItemsDroppedError).count).toBe(1);
      expect(sightline.stats()).toMatchObject({ dropped: 1, sent: 0 });
    },
  );

  it.each<[string, Record<string, unknown>]>([
    ['a trace id that is not 32 hex characters', { traceId: 'abc', name: 'n', value: 1 }],
    [
      'an all-zero span id',
      { traceId: 'a'.repeat(32), spanId: '0'.repeat(16), name: 'n', value: 1 },
    ],
  ])('refuses a score with %s, reported and counted as dropped', (_label, input) => {
    // Prepare
    const { sightline, transport, errors } = tracer();

    // Act
    sightline.score(input as never);

    // Assess
    expect(transport.items()).toEqual([]);
    expect(errors[0]).toBeInstanceOf(ItemsDroppedError);
    expect(sightline.stats().dropped).toBe(1);
  });

  it('normalises a score’s name, comment and user, and keeps its own id and time', () => {
    // Prepare
    const { sightline, transport, errors } = tracer();
    const span = sightline.startSpan('answer');
    const before = Date.now();

    // Act
    sightline.score({
      traceId: span.traceId,
      name: '',
      value: 0.5,
      comment: 42,
      userId: '',
      scoreId: '',
      timestamp: 'yesterday',
    } as never);

    // Assess
    const [score] = transport.items();
    const parsed = ItemSchema.safeParse(score);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(score).toMatchObject({ name: PLACEHOLDER_NAME, value: 0.5, comment: '42' });
    expect(score).not.toHaveProperty('userId');
    expect(score?.type === 'score' && score.timestamp).toBeGreaterThanOrEqual(before);
    expect(errors).toEqual([]);
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

  it('sends a score only for a trace head sampling kept, as its spans are', () => {
    const { sightline, transport } = tracer({ sampleRate: 0.5 });
    const traces = Array.from({ length: 40 }, () => sightline.startSpan('answer'));
    for (const span of traces) span.end();

    for (const span of traces) sightline.score(span.traceId, 'thumbs', true);

    const sentSpans = new Set(transport.spans().map((span) => span.traceId));
    const scored = transport
      .items()
      .filter((item) => item.type === 'score')
      .map((item) => item.traceId);
    expect(sentSpans.size).toBeGreaterThan(0);
    expect(sentSpans.size).toBeLessThan(traces.length);
    expect(new Set(scored)).toEqual(sentSpans);
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

  /** Attributes whose `metadata` getter throws, beside a readable `userId`. */
  const throwingGetter = () =>
    ({
      userId: 'user-1',
      get metadata(): never {
        throw new Error('getter boom');
      },
    }) as SpanAttributes;
  const revokedProxy = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy as SpanAttributes;
  };

  it.each([
    ['startSpan(name, attributes)', (s: Sightline, a: SpanAttributes) => s.startSpan('x', a).end()],
    [
      'span.update(attributes)',
      (s: Sightline, a: SpanAttributes) => s.startSpan('x').update(a).end(),
    ],
    ['span.end(attributes)', (s: Sightline, a: SpanAttributes) => s.startSpan('x').end(a)],
    ['trace(name, attributes, fn)', (s: Sightline, a: SpanAttributes) => s.trace('x', a, () => 1)],
    [
      'observe(name, fn, { attributes })',
      (s: Sightline, a: SpanAttributes) => s.observe('x', () => 1, { attributes: a })(),
    ],
  ])('%s with unreadable attributes records the span and reports the failure', (_label, call) => {
    for (const [hostile, expected] of [
      [throwingGetter(), { userId: 'user-1' }],
      [revokedProxy(), {}],
    ] as const) {
      // Prepare
      const { sightline, transport, errors } = tracer();

      // Act
      expect(() => call(sightline, hostile)).not.toThrow();

      // Assess
      const spans = transport.spans();
      expect(spans).toHaveLength(1);
      expect(spans[0]).toMatchObject({ name: 'x', status: { code: 'ok' }, ...expected });
      expect(spans[0]?.metadata).toBeUndefined();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(Error);
    }
  });

  it('starts a new trace when the parent cannot be read, reporting it', () => {
    // Prepare
    const { sightline, transport, errors } = tracer();
    const parent = {
      get traceId(): never {
        throw new Error('parent boom');
      },
    } as unknown as SpanHandle;

    // Act
    expect(() => sightline.startSpan('x', {}, { parent }).end()).not.toThrow();

    // Assess
    const [span] = transport.spans();
    expect(span?.parentSpanId).toBeUndefined();
    expect(span?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(errors).toEqual([new Error('parent boom')]);
  });

  it.each([NaN, Infinity])('ends a span given endTime %s at the current time', (endTime) => {
    // Prepare
    const { sightline, transport } = tracer();
    const span = sightline.startSpan('x');
    const before = performance.timeOrigin + performance.now();

    // Act
    span.end(undefined, endTime);

    // Assess
    expect(transport.spans()[0]?.endTime).toBeGreaterThanOrEqual(before);
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

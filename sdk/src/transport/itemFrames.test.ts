/**
 * The hand-off format between the recording thread and the exporting one: the JSON the exporter
 * writes from a frame is exactly `JSON.stringify` of the item, the objects it reads back are
 * what `JSON.parse` of that JSON gives, and the writer's bookkeeping (drops, batches) is exact.
 */
import { describe, expect, it } from 'vitest';
import {
  buildScore,
  buildSpan,
  hostileSpanValues,
  oversizeSpanValues,
} from '../../../test/helpers/factories.ts';
import { SpanItemSchema, type ItemInput } from '../contract/index.ts';
import { conformItem } from '../truncateItem.ts';
import {
  FRAME_MAY_NEED_FITTING,
  FRAME_TRUNCATED,
  forEachFrame,
  frameToItem,
  frameToJson,
  FrameKeys,
  ItemFrameWriter,
  JsonBytes,
  type FrameBatch,
} from './itemFrames.ts';

class Money {
  constructor(readonly cents: number) {}
}

function spanWith(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'span',
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    name: 'chat',
    startTime: 1_764_180_000_000.125,
    endTime: 1_764_180_000_001,
    status: { code: 'ok' },
    ...extra,
  };
}

function framesOf(items: object[]): FrameBatch {
  const writer = new ItemFrameWriter();
  for (const item of items) writer.write(item);
  return writer.takeBatch();
}

function decode(
  batch: FrameBatch,
): Array<{ json: string; item: unknown; mayNeedFitting: boolean }> {
  const frames = Buffer.from(batch.frames.buffer, batch.frames.byteOffset, batch.frames.length);
  const keys = new FrameKeys().update(batch.keys);
  const decoded: Array<{ json: string; item: unknown; mayNeedFitting: boolean }> = [];
  forEachFrame(frames, (start, _end, mayNeedFitting) => {
    const out = new JsonBytes(16);
    frameToJson(frames, start, out, keys);
    decoded.push({
      json: out.buffer.toString('utf8', 0, out.length),
      item: frameToItem(frames, start, keys),
      mayNeedFitting,
    });
  });
  return decoded;
}

const nullPrototype = Object.assign(Object.create(null) as object, { kept: 'yes' });

describe('item frames', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a plain span', spanWith({ usage: { inputTokens: 10, outputTokens: 2 } })],
    [
      'messages with text that JSON escapes',
      spanWith({
        inputMessages: [
          {
            role: 'user',
            parts: [{ type: 'text', content: `line one\nline "two"\t\\ ${'long '.repeat(40)}` }],
          },
        ],
      }),
    ],
    [
      'unicode, long and short',
      spanWith({ name: 'résumé ✓', metadata: { text: `日本語 🎉 ${'ü'.repeat(300)}`, e: 'é"' } }),
    ],
    [
      'numbers of every kind',
      spanWith({
        metadata: { big: 2 ** 40, negative: -7, fraction: 0.1, tiny: 5e-324, zero: -0 },
        tags: [Number.NaN, Number.POSITIVE_INFINITY, -(2 ** 31), 2 ** 31],
      }),
    ],
    [
      'what JSON leaves out or replaces',
      spanWith({
        gone: undefined,
        fn: () => 1,
        symbol: Symbol('s'),
        list: [undefined, () => 1, Symbol('t'), null, true, false],
      }),
    ],
    [
      'values with their own JSON form',
      spanWith({
        metadata: { at: new Date(0), money: new Money(5), custom: { toJSON: () => 'custom' } },
        omitted: { toJSON: () => undefined },
        nullPrototype,
      }),
    ],
    ['an empty object and array', spanWith({ metadata: {}, tags: [] })],
    ['keys that JSON escapes', spanWith({ metadata: { 'a "quoted"\nkey': 1, ünïcode: 2 } })],
    ['a score', { type: 'score', scoreId: 's1', traceId: 'a'.repeat(32), name: 'n', value: 1 }],
  ])('writes %s as JSON.stringify would, and reads it back as JSON.parse would', (_name, item) => {
    // Prepare
    const expected = JSON.stringify(item);
    // Act
    const [decoded] = decode(framesOf([item]));
    // Assess
    expect(decoded?.json).toBe(expected);
    expect(decoded?.item).toEqual(JSON.parse(expected));
  });

  it('writes long text holding every character JSON escapes as JSON.stringify does', () => {
    // Prepare: each ASCII character at the start, middle and end of text longer than a short
    // string, with other scripts, an emoji and a lone surrogate (UTF-8 has it as U+FFFD).
    const ascii = Array.from({ length: 0x80 }, (_, code) => String.fromCharCode(code));
    const padding = 'ä'.repeat(40);
    const texts = [
      ...ascii.flatMap((char) => [
        `${char}${padding}`,
        `${padding}${char}${padding}`,
        `${padding}${char}`,
      ]),
      ascii.join('').repeat(3),
      `line one\nline "two"\t\\ 日本語 🎉 \ud800 ${'\u0000\u001f'.repeat(50)}`,
    ];
    const spanOf = (content: string) =>
      spanWith({ inputMessages: [{ role: 'user', parts: [{ type: 'text', content }] }] });
    // Act
    const decoded = decode(framesOf(texts.map(spanOf)));
    // Assess: the JSON of each text as UTF-8 has it.
    const asUtf8 = (text: string) => Buffer.from(text, 'utf8').toString('utf8');
    expect(decoded.map(({ json }) => json)).toEqual(
      texts.map((text) => JSON.stringify(spanOf(asUtf8(text)))),
    );
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ['short values', spanWith({ metadata: { plan: 'pro' } }), false],
    [
      'long message content',
      spanWith({
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(5_000) }] }],
      }),
      false,
    ],
    ['a long metadata value', spanWith({ metadata: { note: 'x'.repeat(65) } }), true],
    ['content outside messages', spanWith({ metadata: { content: 'x'.repeat(65) } }), true],
    ['a long name', spanWith({ name: 'n'.repeat(300) }), true],
    ['many tags', spanWith({ tags: Array.from({ length: 65 }, (_, index) => `t${index}`) }), true],
    ['a long key', spanWith({ metadata: { ['k'.repeat(65)]: 1 } }), true],
    // Written as the short string its toJSON gives, which fits as it is.
    ['a value with its own JSON form', spanWith({ metadata: { at: new Date(0) } }), false],
    ['an object as a metadata value', spanWith({ metadata: { plan: { seats: 3 } } }), true],
  ])('flags %s as may-need-fitting: %s', (_name, item, flagged) => {
    const [decoded] = decode(framesOf([item]));

    expect(decoded?.mayNeedFitting).toBe(flagged);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a BigInt', spanWith({ metadata: { big: 10n } }), { metadata: { big: '[bigint 10]' } }],
    [
      'a cycle',
      (() => {
        const cyclic: Record<string, unknown> = { a: 1 };
        cyclic.self = cyclic;
        return spanWith({ tool: { name: 't', arguments: cyclic } });
      })(),
      { tool: { name: 't', arguments: { a: 1, self: '[circular]' } } },
    ],
    [
      'a throwing getter',
      spanWith({
        metadata: {
          get boom(): string {
            throw new TypeError('getter');
          },
          kept: 1,
        },
      }),
      { metadata: { boom: '[unreadable: TypeError]', kept: 1 } },
    ],
    [
      'a throwing toJSON',
      spanWith({
        metadata: {
          bad: {
            toJSON(): never {
              throw new RangeError('toJSON');
            },
          },
        },
      }),
      { metadata: { bad: '[unreadable: RangeError]' } },
    ],
    [
      'a revoked proxy',
      (() => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return spanWith({ metadata: { gone: proxy } });
      })(),
      { metadata: { gone: '[unreadable: TypeError]' } },
    ],
    [
      'binary data',
      spanWith({ metadata: { buffer: Buffer.alloc(2_048), floats: new Float32Array(3) } }),
      { metadata: { buffer: '[binary 2048 bytes]', floats: '[binary 12 bytes]' } },
    ],
  ])('writes %s as a marker in its place, keeping the item', (_name, item, expected) => {
    // Prepare
    const writer = new ItemFrameWriter();
    writer.write(spanWith({ name: 'before' }));
    // Act
    writer.write(item);
    // Assess
    expect(writer.count).toBe(2);
    const [before, written] = decode(writer.takeBatch()).map(({ item: decoded }) => decoded);
    expect(before).toEqual(JSON.parse(JSON.stringify(spanWith({ name: 'before' }))));
    expect(written).toMatchObject(expected);
  });

  it('cuts a string longer than any field keeps as it writes it, and flags the frame', () => {
    // Prepare
    const writer = new ItemFrameWriter();
    // Act
    writer.write(spanWith({ metadata: { blob: 'x'.repeat(5_000_000) } }));
    // Assess
    const batch = writer.takeBatch();
    expect(batch.frames.length).toBeLessThan(300_000);
    const flags: number[] = [];
    forEachFrame(batch.frames, (_start, _end, _mayNeedFitting, frameFlags) =>
      flags.push(frameFlags),
    );
    expect(flags).toEqual([FRAME_MAY_NEED_FITTING | FRAME_TRUNCATED]);
    const [decoded] = decode(batch);
    const blob = (decoded?.item as { metadata: { blob: string } }).metadata.blob;
    expect(blob.length).toBe(200_000);
    expect(blob).toMatch(
      new RegExp(`^x+…\\[sightline: truncated ${5_000_000 - blob.indexOf('…')} characters\\]$`),
    );
  });

  it('drops the oldest and the newest frames and hands the rest over in order', () => {
    // Prepare
    const writer = new ItemFrameWriter();
    const sizes = ['a', 'b', 'c', 'd'].map((name) => writer.write(spanWith({ name })));
    // Act
    const oldest = writer.dropOldest();
    const newest = writer.dropNewest();
    const bytesLeft = writer.bytes;
    const batch = writer.takeBatch();
    // Assess
    expect([oldest, newest]).toEqual([sizes[0], sizes[3]]);
    expect(bytesLeft).toBe(sizes[1]! + sizes[2]!);
    expect(batch.count).toBe(2);
    expect(decode(batch).map(({ item }) => (item as { name: string }).name)).toEqual(['b', 'c']);
    expect([writer.count, writer.bytes]).toEqual([0, 0]);
  });

  it('refers later batches to keys the first one defined', () => {
    // Prepare
    const writer = new ItemFrameWriter();
    writer.write(spanWith({ metadata: { plan: 'pro' } }));
    writer.takeBatch();
    // Act
    writer.write(spanWith({ metadata: { plan: 'team', seats: 3 } }));
    const later = writer.takeBatch();
    // Assess
    expect(later.keys).toContain('plan');
    expect(decode(later).map(({ item }) => (item as { metadata: unknown }).metadata)).toEqual([
      { plan: 'team', seats: 3 },
    ]);
  });

  it('learns a key table sent in parts, and refuses a part that leaves a gap', () => {
    // Prepare
    const keys = new FrameKeys().update(['type', 'name']);
    // Act
    keys.update(['name', 'plan'], 1).update([], 3);
    // Assess
    expect(keys.names).toEqual(['type', 'name', 'plan']);
    expect(keys.json.map((json) => json.toString())).toEqual(['"type"', '"name"', '"plan"']);
    expect(() => keys.update(['seats'], 4)).toThrow(/skips from 3 to 4/);
    expect(keys.names).toHaveLength(3);
  });

  it('keeps writing into reused memory after a batch is released', () => {
    // Prepare
    const writer = new ItemFrameWriter();
    writer.write(spanWith({ name: 'first' }));
    const first = writer.takeBatch();
    writer.release(first);
    // Act
    writer.write(spanWith({ name: 'second' }));
    writer.write(spanWith({ name: 'big', tags: ['x'.repeat(150_000), 'y'.repeat(150_000)] }));
    const second = writer.takeBatch();
    // Assess
    expect(first.frames.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(
      decode(second).map(({ item }) =>
        (item as { tags?: string[] }).tags?.map((tag) => tag.length),
      ),
    ).toEqual([undefined, [150_000, 150_000]]);
  });
});

describe('ItemFrameWriter.writeSpan', () => {
  const long = (length: number, text = 'x') => text.repeat(length);
  /** Spans the SDK builds to the contract: the one-pass path must take every one. */
  const conformingSpans: Array<[label: string, span: Record<string, unknown>]> = [
    ['a span of the factory', buildSpan() as unknown as Record<string, unknown>],
    ['the least a span has', spanWith({})],
    [
      'every field the one-pass path knows',
      spanWith({
        parentSpanId: 'c'.repeat(16),
        kind: 'llm',
        status: { code: 'error', message: 'rate limited' },
        errorType: 'RateLimitError',
        operationName: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        responseId: 'chatcmpl-1',
        serverAddress: 'api.openai.com',
        environment: 'prod',
        release: 'v1.2.3',
        userId: 'u1',
        sessionId: 's1',
        request: {
          temperature: 0.2,
          topP: 1,
          topK: 40,
          maxTokens: 256,
          frequencyPenalty: 0,
          presencePenalty: -0.5,
          stopSequences: ['END', 'STOP'],
          seed: 7,
          choiceCount: 2,
          outputType: 'json',
          stream: true,
        },
        usage: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 3 },
        finishReasons: ['stop', 'length'],
        timeToFirstTokenMs: 12.5,
        systemInstructions: [
          { type: 'text', content: 'Be brief.' },
          { type: 'reasoning', content: 'think' },
        ],
        inputMessages: [
          { role: 'system', parts: [{ type: 'text', content: 'rules' }] },
          { role: 'user', name: 'ann', parts: [{ content: 'hi', type: 'text' }] },
        ],
        outputMessages: [
          { parts: [{ type: 'text', content: 'hello' }], role: 'assistant', finishReason: 'stop' },
        ],
        tags: ['beta', 'eu'],
        metadata: { plan: 'pro', seats: 3, ratio: 0.5, trial: false },
        truncated: false,
      }),
    ],
    [
      'text beyond the size the exporter checks, escapes and other scripts',
      spanWith({
        errorType: long(100),
        inputMessages: [
          {
            role: 'user',
            name: long(80),
            parts: [{ type: 'text', content: `line one\nline "two"\t\\ ${long(3_000, 'é')} 😀` }],
          },
        ],
        metadata: { note: long(100, 'ü'), [long(70)]: 'long key' },
      }),
    ],
    [
      'content longer than any field keeps',
      spanWith({ systemInstructions: [{ type: 'text', content: long(200_000) }] }),
    ],
    [
      'lists and records longer than the exporter lets through',
      spanWith({
        tags: Array.from({ length: 70 }, (_, index) => `t${index}`),
        metadata: Object.fromEntries(
          Array.from({ length: 70 }, (_, index) => [`k${index}`, index]),
        ),
        inputMessages: Array.from({ length: 70 }, () => ({
          role: 'user',
          parts: [{ type: 'text', content: 'x' }],
        })),
      }),
    ],
    [
      'fields left undefined',
      spanWith({
        kind: undefined,
        usage: { inputTokens: 5, outputTokens: undefined },
        finishReasons: ['stop', undefined],
        metadata: { plan: undefined, seats: 2 },
        inputMessages: [{ role: 'user', name: undefined, parts: [{ type: 'text', content: 'a' }] }],
      }),
    ],
    ['an end at its start', spanWith({ endTime: 1_764_180_000_000.125 })],
  ];

  /** Spans `conformItem` changes or refuses, or that the one-pass path leaves to the general one. */
  const otherSpans: Array<[label: string, span: Record<string, unknown>]> = [
    ...hostileSpanValues().map(([label, values]): [string, Record<string, unknown>] => [
      label,
      spanWith(values),
    ]),
    ...oversizeSpanValues().map(([label, values]): [string, Record<string, unknown>] => [
      label,
      spanWith(values),
    ]),
    ['a span without a name', spanWith({ name: undefined })],
    ['an empty name', spanWith({ name: '' })],
    ['a trace id in capitals', spanWith({ traceId: 'A'.repeat(32) })],
    ['times in seconds', spanWith({ startTime: 1_764_180_000, endTime: 1_764_180_001 })],
    ['an end before its start', spanWith({ endTime: 1_764_180_000_000 })],
    ['a score', { ...buildScore() }],
    ['a field of no rule', spanWith({ colour: 'blue' })],
    ['a status without a code', spanWith({ status: { message: 'x' } })],
    ['a status with another field', spanWith({ status: { code: 'ok', extra: 1 } })],
    ['usage with another field', spanWith({ usage: { inputTokens: 1, total: 2 } })],
    [
      'a message with content instead of parts',
      spanWith({ inputMessages: [{ role: 'user', content: 'hi' }] }),
    ],
    ['a message without parts', spanWith({ inputMessages: [{ role: 'user' }] })],
    ['a message without a role', spanWith({ inputMessages: [{ parts: [] }] })],
    [
      'a message with another field',
      spanWith({ inputMessages: [{ role: 'user', parts: [], toolCalls: [] }] }),
    ],
    [
      'a text part in OpenAI’s shape',
      spanWith({ inputMessages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }] }),
    ],
    [
      'a text part without content',
      spanWith({ inputMessages: [{ role: 'user', parts: [{ type: 'text' }] }] }),
    ],
    [
      'a tool call part',
      spanWith({
        outputMessages: [
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', name: 'search', id: 'c1', arguments: { q: 'x' } }],
          },
        ],
      }),
    ],
    ['a class instance as a message', spanWith({ inputMessages: [new Money(5)] })],
    ['a date in metadata', spanWith({ metadata: { at: new Date(0) } })],
    ['a symbol as a text field', spanWith({ provider: Symbol('p') })],
    ['a function as a kind', spanWith({ kind: () => 'llm' })],
    ['an array as usage', spanWith({ usage: [1, 2] })],
    [
      'an object with toJSON as the request',
      spanWith({ request: { temperature: 1, toJSON: () => ({}) } }),
    ],
    [
      'a getter that throws',
      Object.defineProperty(spanWith({}), 'provider', {
        enumerable: true,
        get: () => {
          throw new Error('no');
        },
      }) as Record<string, unknown>,
    ],
  ];

  function bothWays(span: Record<string, unknown>) {
    const onePass = new ItemFrameWriter();
    const size = onePass.writeSpan(span);
    const conformed = conformItem(span as ItemInput);
    const general = new ItemFrameWriter();
    if (conformed.item) general.write(conformed.item);
    return { size, onePass: onePass.takeBatch(), conformed, general: general.takeBatch() };
  }

  it.each(conformingSpans)(
    'writes %s in one pass, byte for byte as conforming then writing it',
    (_label, span) => {
      // Act
      const { size, onePass, conformed, general } = bothWays(span);
      // Assess
      expect(conformed.item).toBe(span);
      expect(size).toBe(onePass.frames.length);
      expect(Buffer.from(onePass.frames)).toEqual(Buffer.from(general.frames));
      expect(onePass.keys).toEqual(general.keys);
      expect(onePass.count).toBe(1);
    },
  );

  it.each(otherSpans)(
    'leaves %s to the general path unless conforming keeps it as it is',
    (_label, span) => {
      // Act
      const { size, onePass, conformed, general } = bothWays(span);
      // Assess: written in one pass only when conformItem takes the span as it is, and then
      // exactly as the general path writes it; otherwise nothing is written.
      if (size < 0) {
        expect(onePass.count).toBe(0);
        expect(onePass.frames.length).toBe(0);
      } else {
        expect(conformed.item).toBe(span);
        expect(Buffer.from(onePass.frames)).toEqual(Buffer.from(general.frames));
      }
    },
  );

  it('leaves every span the contract needs changed to the general path', () => {
    // Every hostile value above needs conforming: none of those spans is written in one pass.
    const written = hostileSpanValues().filter(
      ([, values]) => new ItemFrameWriter().writeSpan(spanWith(values)) >= 0,
    );
    expect(written.map(([label]) => label)).toEqual([]);
  });

  it('keeps no key of a span it left in the key table', () => {
    // Prepare
    const writer = new ItemFrameWriter();
    writer.writeSpan(spanWith({}));
    // Act
    const left = writer.writeSpan(
      spanWith({ callback: () => 1, metadata: { plan: 'pro', unusable: null } }),
    );
    // Assess
    expect(left).toBe(-1);
    expect(writer.takeBatch().keys).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(callback|metadata|plan|unusable)$/)]),
    );
  });

  it('leaves out a field that is not enumerable, as JSON does, and the span meets the contract', () => {
    // Prepare: a ruled field that `for…in` and JSON do not see, holding a value to conform.
    const span = Object.defineProperty(spanWith({ provider: 'openai' }), 'environment', {
      value: 5,
      enumerable: false,
    });
    const writer = new ItemFrameWriter();
    // Act
    const size = writer.writeSpan(span);
    // Assess
    expect(size).toBeGreaterThan(0);
    const item = decode(writer.takeBatch())[0]?.item;
    expect(item).toEqual(JSON.parse(JSON.stringify(span)));
    expect(SpanItemSchema.safeParse(item).success).toBe(true);
  });

  it('goes on after a span it left, from where that span began', () => {
    // Prepare
    const writer = new ItemFrameWriter();
    writer.writeSpan(spanWith({ name: 'first' }));
    // Act
    const left = writer.writeSpan(
      spanWith({
        kind: 'banana',
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'partly written' }] }],
      }),
    );
    writer.writeSpan(spanWith({ name: 'third' }));
    // Assess
    expect(left).toBe(-1);
    expect(decode(writer.takeBatch()).map(({ item }) => (item as { name: string }).name)).toEqual([
      'first',
      'third',
    ]);
  });
});

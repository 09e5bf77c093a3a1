/**
 * The hand-off format between the recording thread and the exporting one: the JSON the exporter
 * writes from a frame is exactly `JSON.stringify` of the item, the objects it reads back are
 * what `JSON.parse` of that JSON gives, and the writer's bookkeeping (drops, batches) is exact.
 */
import { describe, expect, it } from 'vitest';
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

/**
 * The span fast path must decide exactly as zod does: the same verdict, the same data when it
 * accepts, zod's own issues when it rejects. Thousands of mutated spans, parsed from JSON text
 * as the ingest function gets them, are fed to both.
 */
import { ItemSchema, SPAN_REFINEMENTS, SpanItemSchema, type Item } from '@sightline/sdk/contract';
import { describe, expect, it } from 'vitest';
import { variedSpan } from '../../test/bench/benchSpans.ts';
import { pick as pickFrom, seededRandom } from '../common/seededRandom.ts';
import { fastSpanJsonSchema, parseItem } from './parseItem.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every field and part type the contract has. */
function fullSpan(): { [key: string]: Json } {
  return {
    type: 'span',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: '00f067aa0ba902b7',
    name: 'agent turn',
    kind: 'agent',
    startTime: 1_795_755_120_578.25,
    endTime: 1_795_755_121_812.5,
    status: { code: 'error', message: 'tool failed' },
    errorType: 'ToolError',
    operationName: 'chat',
    provider: 'anthropic',
    requestModel: 'claude-x',
    responseModel: 'claude-x-1',
    responseId: 'msg_1',
    serverAddress: 'api.example.com',
    request: {
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxTokens: 800,
      frequencyPenalty: 0,
      presencePenalty: -0.5,
      stopSequences: ['\n\n'],
      seed: -7,
      choiceCount: 1,
      outputType: 'json',
      stream: true,
    },
    usage: { inputTokens: 10, outputTokens: 20, cachedInputTokens: 0, reasoningTokens: 5 },
    finishReasons: ['tool_calls'],
    timeToFirstTokenMs: 0,
    systemInstructions: [{ type: 'text', content: 'Be brief.' }],
    inputMessages: [
      { role: 'user', name: 'ana', parts: [{ type: 'text', content: 'Weather in Oslo?' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Call the tool.' },
          { type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Oslo' } },
        ],
      },
      {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: 'call_1', response: [1, { deg: -3 }] }],
      },
      { role: 'user', parts: [{ type: 'media', mimeType: 'image/png', uri: 'x:', bytes: 9 }] },
    ],
    outputMessages: [
      { role: 'assistant', finishReason: 'stop', parts: [{ type: 'text', content: 'Cold.' }] },
    ],
    tool: { name: 'weather', callId: 'call_1', type: 'function' },
    userId: 'user_1',
    sessionId: 'session_1',
    prompt: { name: 'weather', version: 'v2', variables: { city: 'Oslo' } },
    environment: 'prod',
    release: 'web@1.0.0',
    tags: ['a', 'b'],
    metadata: { route: '/chat', retries: 2, cached: false },
    truncated: false,
  };
}

function minimalSpan(): { [key: string]: Json } {
  return {
    type: 'span',
    traceId: 'f'.repeat(32),
    spanId: '1'.repeat(16),
    name: 'x',
    startTime: 946_684_800_000,
    endTime: 946_684_800_000,
  };
}

/** Text the JSON text gets in place of these strings: values JSON.stringify cannot make. */
const INFINITY_MARK = '\u0000infinity';
const NEGATIVE_ZERO_MARK = '\u0000negative zero';
const LENGTHS = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 199, 200, 201, 255];
const MORE_LENGTHS = [256, 257, 1_000, 1_001, 4_196, 4_197];
const NUMBERS = [
  -1,
  0,
  0.5,
  1,
  2,
  64,
  946_684_799_999,
  946_684_800_000,
  4_102_444_800_000,
  4_102_444_800_001,
  1e12,
  1e12 + 1,
  2 ** 53 - 1,
  2 ** 53,
  -(2 ** 53),
  1_795_755_121_000,
  1e300,
  5e-324,
];

function mutatedJson(seed: number): string {
  // Seeded, so a failure names a reproducible case.
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => pickFrom(values, random);
  const base = pick([fullSpan, minimalSpan, () => variedSpan(seed) as { [key: string]: Json }])();
  const root = JSON.parse(JSON.stringify(base)) as { [key: string]: Json };

  const containers: (Json[] | { [key: string]: Json })[] = [];
  const collect = (value: Json): void => {
    if (value === null || typeof value !== 'object') return;
    containers.push(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) collect(child);
  };
  collect(root);

  const stringOf = (length: number): string => {
    const style = pick(['ascii', 'hex', 'zeros', 'astral', 'upper', 'lone']);
    if (style === 'astral') return '😀'.repeat(length >> 1) + (length % 2 ? 'a' : '');
    // Halves of pairs on their own: one unit and one code point each, as both count them.
    if (style === 'lone') return '\ud83d\ude00\ud800'.repeat(length).slice(0, length);
    const unit = { ascii: 'ab c', hex: '0123456789abcdef', zeros: '0', upper: 'ABCDEF' }[style]!;
    return unit.repeat(Math.ceil(length / unit.length) + 1).slice(0, length);
  };
  const replacement = (current: Json): Json => {
    const choice = random();
    if (choice < 0.35) return stringOf(pick(random() < 0.9 ? LENGTHS : MORE_LENGTHS));
    if (choice < 0.6) return pick(NUMBERS);
    if (choice < 0.63) return INFINITY_MARK;
    if (choice < 0.65) return NEGATIVE_ZERO_MARK;
    if (choice < 0.7) return pick([true, false, null]);
    if (choice < 0.75) return [];
    if (choice < 0.8) return {};
    if (typeof current === 'string') return pick(['span', 'llm', 'text', 'ok', 'unset', 'user']);
    if (Array.isArray(current)) return [...current, ...current];
    return current;
  };

  const mutations = 1 + Math.floor(random() * 3);
  for (let round = 0; round < mutations; round += 1) {
    const container = pick(containers);
    const operation = random();
    if (Array.isArray(container)) {
      if (container.length === 0 || operation < 0.2) {
        container.push(container.length > 0 ? structuredClone(container[0]!) : replacement(null));
      } else if (operation < 0.35) {
        container.splice(Math.floor(random() * container.length), 1);
      } else if (operation < 0.45) {
        const target = pick([63, 64, 65, 128, 129, 256, 257]);
        while (container.length < target) container.push(structuredClone(container[0]!));
      } else {
        const index = Math.floor(random() * container.length);
        container[index] = replacement(container[index]!);
      }
      continue;
    }
    const keys = Object.keys(container);
    if (keys.length === 0 || operation < 0.12) {
      container[pick(['extra', 'Type', 'role', 'content', 'code'])] = replacement(null);
    } else if (operation < 0.2) {
      Object.defineProperty(container, '__proto__', {
        value: pick(['x', 1, {}]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (operation < 0.3) {
      const key = pick(keys);
      delete container[key];
    } else if (operation < 0.35) {
      for (let entry = keys.length; entry < pick([128, 129]); entry += 1) {
        container[`k${entry}`] = entry;
      }
    } else {
      const key = pick(keys);
      container[key] = replacement(container[key]!);
    }
  }
  return JSON.stringify(root)
    .replaceAll(JSON.stringify(INFINITY_MARK), '1e999')
    .replaceAll(JSON.stringify(NEGATIVE_ZERO_MARK), '-0');
}

describe('parseItem', () => {
  it('decides as zod does on thousands of mutated spans', () => {
    let fast = 0;
    let accepted = 0;
    let rejected = 0;
    for (let seed = 1; seed <= 4_000; seed += 1) {
      const text = mutatedJson(seed);
      const raw = JSON.parse(text) as unknown;
      const ours = parseItem(raw);
      const zods = ItemSchema.safeParse(JSON.parse(text));
      expect({ seed, success: ours.success }).toEqual({ seed, success: zods.success });
      if (ours.success && zods.success) {
        accepted += 1;
        if (ours.data === raw) fast += 1;
        expect(ours.data, `seed ${seed}`).toStrictEqual(zods.data);
      } else if (!ours.success && !zods.success) {
        rejected += 1;
        expect(ours.error.issues, `seed ${seed}`).toStrictEqual(zods.error.issues);
      }
    }
    // The cases exercise both verdicts, and most accepted spans take the fast path.
    expect(accepted).toBeGreaterThan(600);
    expect(rejected).toBeGreaterThan(1_500);
    expect(fast).toBeGreaterThan(accepted / 2);
  });

  it('accepts a full span as it stands and fills the defaults of a minimal one in place', () => {
    const full = JSON.parse(JSON.stringify(fullSpan())) as unknown;
    expect(parseItem(full)).toEqual({ success: true, data: full });

    const minimal = JSON.parse(JSON.stringify(minimalSpan())) as { [key: string]: unknown };
    const result = parseItem(minimal);
    expect(result.success && result.data).toBe(minimal);
    expect(minimal).toMatchObject({ kind: 'span', status: { code: 'unset' } });
    expect(minimal).toStrictEqual(SpanItemSchema.parse(minimalSpan()));
  });

  it('leaves spans with keys zod strips to zod', () => {
    const raw: { [key: string]: Json } = { ...fullSpan(), vendorField: 1 };
    (raw.inputMessages as { [key: string]: Json }[])[0]!.extra = 'x';
    const result = parseItem(raw);
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data).not.toBe(raw);
    expect(result.data).not.toHaveProperty('vendorField');
    expect(result.data).toStrictEqual(ItemSchema.parse(fullSpan()));
  });

  it('rejects with zod’s issues what the refinements and JSON’s extremes rule out', () => {
    const cases: [string, string][] = [
      [JSON.stringify({ ...minimalSpan(), traceId: '0'.repeat(32) }), 'must not be all zeros'],
      [JSON.stringify({ ...minimalSpan(), parentSpanId: '0'.repeat(16) }), 'must not be all zeros'],
      [
        JSON.stringify({ ...minimalSpan(), endTime: 946_684_799_999 + 1e6, startTime: 2e12 }),
        'endTime must not be before startTime',
      ],
      [
        JSON.stringify({
          ...minimalSpan(),
          metadata: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, i])),
        }),
        'at most 128 metadata entries',
      ],
      [
        JSON.stringify({ ...minimalSpan(), endTime: 1 }).replace('"endTime":1', '"endTime":1e999'),
        '',
      ],
      // zod counts code points: 257 of them are over the 256 limit.
      [JSON.stringify({ ...minimalSpan(), name: '😀'.repeat(257) }), ''],
    ];
    for (const [text, message] of cases) {
      const result = parseItem(JSON.parse(text));
      const expected = ItemSchema.safeParse(JSON.parse(text));
      expect({ text, ours: result.success, zod: expected.success }).toEqual({
        text,
        ours: false,
        zod: false,
      });
      if (result.success || expected.success) continue;
      expect(result.error.issues).toStrictEqual(expected.error.issues);
      expect(result.error.issues.map((issue) => issue.message).join(' ')).toContain(message);
    }
    // 129 code points are 258 UTF-16 units: over the limit as the fast path counts, so zod
    // decides, and accepts.
    const astral = { ...minimalSpan(), name: '😀'.repeat(129) };
    expect(parseItem(astral)).toEqual({ success: true, data: SpanItemSchema.parse(astral) });
  });

  it('covers every refinement the span schema has', () => {
    type Def = {
      type: string;
      checks?: { _zod: { def: { check: string } } }[];
      shape?: Record<string, { _zod: { def: Def } }>;
      innerType?: { _zod: { def: Def } };
      element?: { _zod: { def: Def } };
      options?: { _zod: { def: Def } }[];
      keyType?: { _zod: { def: Def } };
      valueType?: { _zod: { def: Def } };
    };
    const refined = new Set<string>();
    const walk = (def: Def, path: string): void => {
      if (def.checks?.some((check) => check._zod.def.check === 'custom')) refined.add(path);
      const at = (key: string) => (path === '' ? key : `${path}.${key}`);
      for (const [key, child] of Object.entries(def.shape ?? {})) walk(child._zod.def, at(key));
      if (def.innerType) walk(def.innerType._zod.def, path);
      if (def.element) walk(def.element._zod.def, at('[]'));
      for (const option of def.options ?? []) walk(option._zod.def, path);
      if (def.keyType) walk(def.keyType._zod.def, at('{key}'));
      if (def.valueType) walk(def.valueType._zod.def, at('{value}'));
    };
    walk(SpanItemSchema._zod.def as unknown as Def, '');
    expect([...refined].sort()).toEqual(SPAN_REFINEMENTS.map((rule) => rule.path).sort());
  });

  it('meets no kind of schema or check it was not checked against', () => {
    // A new kind (a transform, a trim, a pipe, a new string format) may change zod's output or
    // verdict in a way JSON Schema does not state: review parseItem.ts before adding it here.
    const types = new Set<string>();
    const checks = new Set<string>();
    const walk = (def: Record<string, unknown>): void => {
      types.add(String(def.type));
      for (const check of (def.checks ?? []) as { _zod: { def: Record<string, unknown> } }[]) {
        const { check: kind, format } = check._zod.def;
        checks.add(format === undefined ? String(kind) : `${String(kind)}:${String(format)}`);
      }
      const children = [
        ...Object.values((def.shape ?? {}) as Record<string, unknown>),
        ...((def.options ?? []) as unknown[]),
        def.innerType,
        def.element,
        def.keyType,
        def.valueType,
        def.in,
        def.out,
      ];
      for (const child of children) {
        if (child !== undefined)
          walk((child as { _zod: { def: Record<string, unknown> } })._zod.def);
      }
    };
    walk(SpanItemSchema._zod.def as unknown as Record<string, unknown>);
    expect([...types].sort()).toEqual(
      ['array', 'boolean', 'default', 'enum', 'literal', 'number', 'object', 'optional']
        .concat(['record', 'string', 'union', 'unknown'])
        .sort(),
    );
    expect([...checks].sort()).toEqual(
      ['custom', 'greater_than', 'less_than', 'max_length', 'min_length']
        .concat(['number_format:safeint', 'string_format:regex'])
        .sort(),
    );
  });

  it('compiles a closed schema that never admits a __proto__ record key', () => {
    const schema = JSON.stringify(fastSpanJsonSchema());
    expect(schema).toContain('"additionalProperties":false');
    expect(schema.match(/"not":\{"const":"__proto__"\}/g)).toHaveLength(2);
    const raw = JSON.parse('{"type":"span"}') as Item;
    expect(parseItem(raw).success).toBe(false);
  });

  it('counts lengths in units only where that agrees with zod: every minimum is at most 1', () => {
    const minimums = [...JSON.stringify(fastSpanJsonSchema()).matchAll(/"minLength":(\d+)/g)];
    expect(minimums.length).toBeGreaterThan(0);
    expect(minimums.every((match) => Number(match[1]) <= 1)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  EnvelopeHeaderSchema,
  ItemSchema,
  isValidSignature,
  signItems,
  splitRecord,
  wireContractJsonSchema,
} from './index.ts';
import { buildRecordData, buildScore, buildSpan } from '../../../test/helpers/factories.ts';

const key = { projectId: 'acme', keyId: 'ik_test1', secret: 'a'.repeat(43) };

describe('wire contract v1', () => {
  it('round-trips a signed record: frame → split → header → verify → items', () => {
    // Prepare
    const items = [buildSpan(), buildScore()];
    // Act
    const parts = splitRecord(buildRecordData(items, key));
    const header = EnvelopeHeaderSchema.parse(JSON.parse(parts!.headerText));
    const parsed = (JSON.parse(parts!.itemsBytes.toString('utf8')) as unknown[]).map((item) =>
      ItemSchema.parse(item),
    );
    // Assess
    expect(header).toMatchObject({ v: 1, projectId: 'acme', keyId: 'ik_test1' });
    expect(isValidSignature(key.secret, header, parts!.itemsBytes)).toBe(true);
    expect(parsed).toEqual(items.map((item) => ItemSchema.parse(item)));
    expect(parsed[0]).toMatchObject({
      type: 'span',
      usage: { inputTokens: 120, outputTokens: 48 },
    });
  });

  it('applies defaults a producer may omit', () => {
    const { kind: _kind, status: _status, ...minimal } = buildSpan();
    const parsed = ItemSchema.parse(minimal);
    expect(parsed).toMatchObject({ kind: 'span', status: { code: 'unset' } });
  });

  it('binds the signature to project, key and exact bytes', () => {
    const bytes = Buffer.from('[{"type":"score"}]');
    const sig = signItems(key.secret, key.projectId, key.keyId, bytes);
    expect(isValidSignature(key.secret, { ...key, sig }, bytes)).toBe(true);
    expect(isValidSignature(key.secret, { ...key, projectId: 'other', sig }, bytes)).toBe(false);
    expect(isValidSignature(key.secret, { ...key, keyId: 'ik_other', sig }, bytes)).toBe(false);
    expect(isValidSignature('b'.repeat(43), { ...key, sig }, bytes)).toBe(false);
    expect(isValidSignature(key.secret, { ...key, sig }, Buffer.from('[{"type":"score" }]'))).toBe(
      false,
    );
  });

  describe.each([
    ['a trace id that is not 32 hex chars', { traceId: 'xyz' }, 'traceId'],
    ['an all-zero trace id', { traceId: '0'.repeat(32) }, 'traceId'],
    ['a span id of the wrong length', { spanId: 'abc' }, 'spanId'],
    [
      'an end before the start',
      { startTime: 1_700_000_000_000, endTime: 1_600_000_000_000 },
      'endTime',
    ],
    [
      'seconds instead of milliseconds',
      { startTime: 1_700_000_000, endTime: 1_700_000_001 },
      'startTime',
    ],
    ['negative token counts', { usage: { inputTokens: -1 } }, 'usage.inputTokens'],
    ['an unknown kind', { kind: 'banana' }, 'kind'],
    [
      'an unknown message role',
      { inputMessages: [{ role: 'god', parts: [] }] },
      'inputMessages.0.role',
    ],
    ['an empty name', { name: '' }, 'name'],
    ['too many tags', { tags: Array.from({ length: 100 }, (_, i) => `t${i}`) }, 'tags'],
  ])('rejects a span with %s', (_label, overrides, path) => {
    it('and names the field', () => {
      const result = ItemSchema.safeParse({ ...buildSpan(), ...overrides });
      expect(result.success).toBe(false);
      expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(path);
    });
  });

  it.each([
    ['an unknown item type', { type: 'log', message: 'hi' }],
    ['a score without a name', { ...buildScore(), name: undefined }],
    ['a score with an object value', { ...buildScore(), value: { a: 1 } }],
  ])('rejects %s', (_label, item) => {
    expect(ItemSchema.safeParse(item).success).toBe(false);
  });

  it.each([
    ['a wrong version', { v: 2 }],
    ['an invalid project id', { projectId: 'Acme Corp!' }],
    ['a short signature', { sig: 'abc' }],
    ['a missing sdk', { sdk: undefined }],
  ])('rejects an envelope header with %s', (_label, overrides) => {
    const header = {
      v: 1,
      sdk: { name: 's', version: '1' },
      projectId: 'acme',
      keyId: 'ik_test1',
      sig: 'a'.repeat(64),
    };
    expect(EnvelopeHeaderSchema.safeParse(header).success).toBe(true);
    expect(EnvelopeHeaderSchema.safeParse({ ...header, ...overrides }).success).toBe(false);
  });

  it('splitRecord refuses a body without a header line', () => {
    expect(splitRecord(Buffer.from('[1,2,3]'))).toBeUndefined();
    expect(splitRecord(Buffer.from('\n[1]'))).toBeUndefined();
  });

  it('ships a JSON Schema that matches the zod definition', () => {
    const committed = JSON.parse(
      readFileSync(
        fileURLToPath(new URL('../../schema/wire-contract-v1.schema.json', import.meta.url)),
        'utf8',
      ),
    );
    expect(committed).toEqual(wireContractJsonSchema());
    expect(
      committed.properties.items.items.anyOf ?? committed.properties.items.items.oneOf,
    ).toHaveLength(2);
  });
});

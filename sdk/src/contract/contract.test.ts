import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  EnvelopeHeaderSchema,
  ItemSchema,
  WIRE_CONTRACT_VERSION,
  isGzip,
  isValidSignature,
  signItems,
  splitRecord,
  wireContractJsonSchema,
} from './index.ts';
import { buildRecordData, buildScore, buildSpan } from '../../../test/helpers/factories.ts';

const key = { projectId: 'acme', keyId: 'ik_test1', secret: 'a'.repeat(43) };

describe('wire contract', () => {
  it.each([
    ['plain', false],
    ['with compressed items', true],
  ])('round-trips a signed record (%s): frame → split → header → verify → items', (_l, gzip) => {
    // Prepare
    const items = [buildSpan(), buildScore()];
    // Act
    const parts = splitRecord(buildRecordData(items, key, { gzip }));
    const header = EnvelopeHeaderSchema.parse(JSON.parse(parts!.headerText));
    const signed = parts!.itemsBytes;
    const itemsBytes = isGzip(signed) ? gunzipSync(signed) : signed;
    const parsed = (JSON.parse(itemsBytes.toString('utf8')) as unknown[]).map((item) =>
      ItemSchema.parse(item),
    );
    // Assess
    expect(WIRE_CONTRACT_VERSION).toBe(2);
    expect(header).toMatchObject({ v: 2, projectId: 'acme', keyId: 'ik_test1' });
    // The header line is never compressed; the signature covers the items as sent.
    expect(isGzip(signed)).toBe(gzip);
    expect(isValidSignature(key.secret, header, signed)).toBe(true);
    if (gzip) expect(isValidSignature(key.secret, header, itemsBytes)).toBe(false);
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

  it('binds the signature to version, project, key and exact bytes', () => {
    const bytes = Buffer.from('[{"type":"score"}]');
    const sig = signItems(key.secret, key.projectId, key.keyId, bytes);
    const signed = { ...key, v: 2 as const, sig };
    expect(isValidSignature(key.secret, signed, bytes)).toBe(true);
    expect(isValidSignature(key.secret, { ...signed, v: 1 }, bytes)).toBe(false);
    expect(isValidSignature(key.secret, { ...signed, projectId: 'other' }, bytes)).toBe(false);
    expect(isValidSignature(key.secret, { ...signed, keyId: 'ik_other' }, bytes)).toBe(false);
    expect(isValidSignature('b'.repeat(43), signed, bytes)).toBe(false);
    expect(isValidSignature(key.secret, signed, Buffer.from('[{"type":"score" }]'))).toBe(false);
    // A record of contract v1 is signed with its own version in the signed prefix.
    const v1 = signItems(key.secret, key.projectId, key.keyId, bytes, 1);
    expect(v1).not.toBe(sig);
    expect(isValidSignature(key.secret, { ...key, v: 1, sig: v1 }, bytes)).toBe(true);
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
    ['an unknown version', { v: 3 }],
    ['an invalid project id', { projectId: 'Acme Corp!' }],
    ['a short signature', { sig: 'abc' }],
    ['a missing sdk', { sdk: undefined }],
  ])('rejects an envelope header with %s', (_label, overrides) => {
    const header = {
      v: 2,
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
        fileURLToPath(new URL('../../schema/wire-contract-v2.schema.json', import.meta.url)),
        'utf8',
      ),
    );
    expect(committed).toEqual(wireContractJsonSchema());
    expect(
      committed.properties.items.items.anyOf ?? committed.properties.items.items.oneOf,
    ).toHaveLength(2);
  });
});

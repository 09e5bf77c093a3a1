/**
 * The record envelope and its framing. A Kinesis record's data is:
 *
 *   <header JSON>\n<items bytes>
 *
 * where the items bytes are the items' JSON array, optionally gzip-compressed (v2; in v1 the
 * whole record was compressed instead). The header names the contract version, the producing
 * SDK, the project, the ingest key and the HMAC-SHA256 signature of the items bytes exactly as
 * they are sent. Signing the exact bytes (not a re-serialised object) lets any producer
 * language sign without a canonical JSON encoding, and lets the verifier check the signature
 * before it decompresses or parses anything.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ItemSchema } from './items.ts';
import { WIRE_CONTRACT_VERSION, WIRE_LIMITS, type ContractVersion } from './limits.ts';

export const ProjectIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, 'must be 2-63 characters of a-z, 0-9, "-" or "_"');
export const KeyIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{4,64}$/, 'must be 4-64 characters of A-Z, a-z, 0-9, "-" or "_"');

export const EnvelopeHeaderSchema = z.object({
  /** 2, what producers write; 1 is still accepted (see `SUPPORTED_CONTRACT_VERSIONS`). */
  v: z.union([z.literal(WIRE_CONTRACT_VERSION), z.literal(1)]),
  sdk: z.object({
    name: z.string().min(1).max(64),
    version: z.string().min(1).max(64),
  }),
  projectId: ProjectIdSchema,
  keyId: KeyIdSchema,
  /** Hex HMAC-SHA256 over {@link signingInput}. */
  sig: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex HMAC-SHA256'),
  /** Producer clock when the record was built, epoch milliseconds. */
  sentAt: z.number().finite().optional(),
});

/** The logical envelope: the header plus its items (what the JSON Schema documents). */
export const EnvelopeSchema = EnvelopeHeaderSchema.extend({
  items: z.array(ItemSchema).min(1).max(WIRE_LIMITS.maxItemsPerRecord),
});

export const ItemsArraySchema = z.array(z.unknown()).min(1).max(WIRE_LIMITS.maxItemsPerRecord);

export type EnvelopeHeader = z.infer<typeof EnvelopeHeaderSchema>;
export type Envelope = z.infer<typeof EnvelopeSchema>;

const NEWLINE = 0x0a;

/** The bytes the signature covers: version, project and key bound to the exact items bytes. */
export function signingPrefix(
  projectId: string,
  keyId: string,
  version: ContractVersion = WIRE_CONTRACT_VERSION,
): string {
  return `sightline.v${version}\n${projectId}\n${keyId}\n`;
}

/**
 * The signature of a record's items bytes: as sent (compressed, when they are) in v2, the
 * uncompressed items in v1.
 */
export function signItems(
  secret: string,
  projectId: string,
  keyId: string,
  itemsBytes: Uint8Array,
  version: ContractVersion = WIRE_CONTRACT_VERSION,
): string {
  return createHmac('sha256', secret)
    .update(signingPrefix(projectId, keyId, version))
    .update(itemsBytes)
    .digest('hex');
}

export function isValidSignature(
  secret: string,
  header: Pick<EnvelopeHeader, 'v' | 'projectId' | 'keyId' | 'sig'>,
  itemsBytes: Uint8Array,
): boolean {
  const expected = Buffer.from(
    signItems(secret, header.projectId, header.keyId, itemsBytes, header.v),
    'hex',
  );
  const given = Buffer.from(header.sig, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Joins a header and the items bytes (compressed or not) into a record's data. */
export function frameRecord(header: EnvelopeHeader, itemsBytes: Uint8Array): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header));
  return Buffer.concat([headerBytes, Buffer.of(NEWLINE), itemsBytes]);
}

/**
 * Splits a record's data (a v1 record's after decompression) into its header text and items
 * bytes. Compact JSON escapes newlines inside strings, so the first raw newline always ends the
 * header.
 */
export function splitRecord(body: Buffer): { headerText: string; itemsBytes: Buffer } | undefined {
  const newline = body.indexOf(NEWLINE);
  if (newline <= 0) return undefined;
  return {
    headerText: body.subarray(0, newline).toString('utf8'),
    itemsBytes: body.subarray(newline + 1),
  };
}

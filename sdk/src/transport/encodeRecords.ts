/**
 * Packs serialised items into signed, optionally gzip-compressed wire-contract records, each
 * within the record size limit.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback, gzipSync } from 'node:zlib';
import {
  WIRE_CONTRACT_VERSION,
  WIRE_LIMITS,
  frameRecord,
  signItems,
  type EnvelopeHeader,
} from '../contract/index.ts';

const gzip = promisify(gzipCallback);

export interface RecordSigner {
  projectId: string;
  keyId: string;
  secret: string;
  sdk: { name: string; version: string };
}

export interface EncodedRecord {
  data: Buffer;
  itemCount: number;
}

/** Room left for the header line in a record. */
export const HEADER_ALLOWANCE = 1_024;
const NEWLINE = 0x0a;
export const MAX_ITEMS_BYTES = WIRE_LIMITS.maxRecordBytes - HEADER_ALLOWANCE;

/** Groups item JSON strings so each group's array stays within the record limit uncompressed. */
export function groupItems(itemJsons: readonly string[], maxBytes = MAX_ITEMS_BYTES): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let currentBytes = 2;
  for (const json of itemJsons) {
    const bytes = Buffer.byteLength(json) + 1;
    if (
      current.length > 0 &&
      (currentBytes + bytes > maxBytes || current.length >= WIRE_LIMITS.maxItemsPerRecord)
    ) {
      groups.push(current);
      current = [];
      currentBytes = 2;
    }
    current.push(json);
    currentBytes += bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** gzip level 1: about 4× faster than the default level for ~10% larger records. */
export const DEFAULT_GZIP_LEVEL = 1;

export async function encodeRecord(
  itemJsons: readonly string[],
  signer: RecordSigner,
  options: { gzip: boolean; gzipLevel?: number; now?: number },
): Promise<EncodedRecord> {
  return encodeRecordBytes(
    Buffer.from(`[${itemJsons.join(',')}]`),
    itemJsons.length,
    signer,
    options,
  );
}

/**
 * Signs and frames a record from its items array bytes (`[item,item,…]`) and compresses it,
 * on libuv's pool (`async`, the default, for the host's thread) or on the calling thread.
 */
export async function encodeRecordBytes(
  itemsBytes: Buffer,
  itemCount: number,
  signer: RecordSigner,
  options: {
    gzip: boolean;
    gzipLevel?: number;
    now?: number;
    compression?: 'sync' | 'async';
    /**
     * Bytes right before `itemsBytes` in its memory that the header may be written into, which
     * saves copying the items into a new record body.
     */
    roomBefore?: number;
  },
): Promise<EncodedRecord> {
  const header: EnvelopeHeader = {
    v: WIRE_CONTRACT_VERSION,
    sdk: signer.sdk,
    projectId: signer.projectId,
    keyId: signer.keyId,
    sig: signItems(signer.secret, signer.projectId, signer.keyId, itemsBytes),
    sentAt: options.now ?? Date.now(),
  };
  const headerText = JSON.stringify(header);
  const headerBytes = Buffer.byteLength(headerText);
  let body: Buffer;
  if ((options.roomBefore ?? 0) > headerBytes) {
    const start = itemsBytes.byteOffset - headerBytes - 1;
    body = Buffer.from(itemsBytes.buffer, start, headerBytes + 1 + itemsBytes.length);
    body.write(headerText, 0, 'utf8');
    body[headerBytes] = NEWLINE;
  } else body = frameRecord(header, itemsBytes);
  const level = options.gzipLevel ?? DEFAULT_GZIP_LEVEL;
  let data = body;
  if (options.gzip)
    data = options.compression === 'sync' ? gzipSync(body, { level }) : await gzip(body, { level });
  return { data, itemCount };
}

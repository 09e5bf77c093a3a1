/**
 * Reads a Kinesis record's envelope header, or the reason the record can never be stored; and,
 * once its project and key are known, checks its signature and opens its items. Pure: no I/O,
 * no clock.
 *
 * Nothing a record holds is decompressed before its header was read and checked, and a v2
 * record's items only after their signature was: an unsigned record cannot make ingest inflate
 * its items. A v1 record (compressed as a whole, its uncompressed items signed) cannot be
 * checked before it is decompressed; its header is read from a bounded prefix first, so it names
 * an existing project and an active key before the rest is inflated.
 */
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import {
  EnvelopeHeaderSchema,
  ProjectIdSchema,
  SUPPORTED_CONTRACT_VERSIONS,
  WIRE_CONTRACT_VERSION,
  WIRE_LIMITS,
  isGzip,
  isValidSignature,
  splitRecord,
  type EnvelopeHeader,
} from '@sightline/sdk/contract';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from './constants.ts';
import { describeIssues } from './describeIssues.ts';

/**
 * What follows a record's header: the items bytes the signature covers (the items JSON, or in
 * v2 its gzip), or a v1 record compressed as a whole, whose signature covers the items inside.
 */
export type RecordPayload =
  { kind: 'signed'; signedBytes: Buffer } | { kind: 'compressedRecord'; data: Buffer };

export type DecodedRecord =
  | { ok: true; header: EnvelopeHeader; payload: RecordPayload }
  | { ok: false; reason: DeadLetterReason; detail: string; claimedProjectId: string };

type Failure = Extract<DecodedRecord, { ok: false }>;

/** Bounded so a small gzip bomb cannot exhaust the function's memory. */
const MAX_DECOMPRESSED_BYTES = 64 * WIRE_LIMITS.maxRecordBytes;
/**
 * Compressed bytes a v1 record's header line is read from: the first 1 KiB, then 4 KiB if that
 * did not hold it (the longest header is ~600 characters); at most ~1 MiB and ~4 MiB once
 * inflated (deflate inflates ~1,032× at most).
 */
const HEADER_PREFIXES = [1_024, 4_096] as const;

function gunzipBounded(data: Buffer): Buffer | Error {
  try {
    return gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      return new Error(`it inflates past the ${MAX_DECOMPRESSED_BYTES / 1_048_576} MiB cap`);
    return error as Error;
  }
}

/** What a compressed record's first bytes inflate to: enough to hold its header line. */
function inflatePrefix(data: Buffer): Buffer | Error {
  let inflated: Buffer = Buffer.alloc(0);
  for (const bytes of HEADER_PREFIXES) {
    try {
      inflated = gunzipSync(data.subarray(0, bytes), {
        finishFlush: zlibConstants.Z_SYNC_FLUSH,
        maxOutputLength: 2 * bytes * 1_032,
      });
    } catch (error) {
      return error as Error;
    }
    if (inflated.includes(0x0a) || bytes >= data.length) break;
  }
  return inflated;
}

/**
 * The project an unverifiable header names, for triage. Only an id of the contract's shape is
 * claimed: anything else is free text the producer sent (an e-mail address, say), and the
 * claim is stored with the dead letter and logged.
 */
function claimedProjectOf(header: unknown): string {
  const projectId = (header as { projectId?: unknown } | null)?.projectId;
  return ProjectIdSchema.safeParse(projectId).success ? (projectId as string) : '';
}

/** An unsupported version as a detail shows it: a small whole number, else only its kind. */
function describeVersion(version: unknown): string {
  if (typeof version === 'number' && Number.isInteger(version) && version >= 0 && version < 1_000)
    return String(version);
  if (version === undefined || version === null) return '(missing)';
  return `(a ${Array.isArray(version) ? 'list' : typeof version})`;
}

export interface DecodeOptions {
  /** Accept wire contract v1 records (`SIGHTLINE_ACCEPT_CONTRACT_V1`). */
  acceptContractV1: boolean;
}

/**
 * Reads a record's header: from the record itself (v2, and v1 sent uncompressed), or from the
 * first bytes of a v1 record compressed as a whole, which is left compressed. Refusing v1, a
 * record compressed as a whole (only v1 is) is refused without being decompressed at all.
 */
export function decodeRecord(data: Buffer, options: DecodeOptions): DecodedRecord {
  const fail = (reason: DeadLetterReason, detail: string, claimedProjectId = '') =>
    ({ ok: false, reason, detail, claimedProjectId }) as const;

  if (data.length > WIRE_LIMITS.maxRecordBytes) {
    return fail(
      DEAD_LETTER_REASONS.recordTooLarge,
      `record is ${data.length} bytes; the limit is ${WIRE_LIMITS.maxRecordBytes}`,
    );
  }
  const compressedRecord = isGzip(data);
  if (compressedRecord && !options.acceptContractV1) {
    return fail(
      DEAD_LETTER_REASONS.unsupportedVersion,
      'a record compressed as a whole is contract v1, which this ingest no longer accepts (expected 2, its items compressed after the header line)',
    );
  }
  let head = data;
  if (compressedRecord) {
    const prefix = inflatePrefix(data);
    if (prefix instanceof Error)
      return fail(DEAD_LETTER_REASONS.badEncoding, `gzip decoding failed: ${prefix.message}`);
    head = prefix;
  }
  const parts = splitRecord(head);
  if (!parts) {
    return fail(
      DEAD_LETTER_REASONS.badEnvelope,
      compressedRecord
        ? 'expected "<header JSON>\\n…" at the start of the compressed record; no header line found'
        : 'expected "<header JSON>\\n<items bytes>"; no header line found',
    );
  }
  let rawHeader: unknown;
  try {
    rawHeader = JSON.parse(parts.headerText);
  } catch {
    return fail(DEAD_LETTER_REASONS.badJson, 'the envelope header is not valid JSON');
  }
  const claimedProjectId = claimedProjectOf(rawHeader);
  const version = (rawHeader as { v?: unknown } | null)?.v;
  const accepted: readonly unknown[] = options.acceptContractV1
    ? SUPPORTED_CONTRACT_VERSIONS
    : [WIRE_CONTRACT_VERSION];
  if (!accepted.includes(version)) {
    return fail(
      DEAD_LETTER_REASONS.unsupportedVersion,
      `contract version ${describeVersion(version)} is not supported (expected ${accepted.join(' or ')})`,
      claimedProjectId,
    );
  }
  if (compressedRecord && version !== 1) {
    return fail(
      DEAD_LETTER_REASONS.badEncoding,
      `a contract v${version} record compresses only its items, after the header line, never the whole record`,
      claimedProjectId,
    );
  }
  const header = EnvelopeHeaderSchema.safeParse(rawHeader);
  if (!header.success) {
    return fail(
      DEAD_LETTER_REASONS.badEnvelope,
      `invalid envelope header: ${describeIssues(header.error.issues)}`,
      claimedProjectId,
    );
  }
  return {
    ok: true,
    header: header.data,
    payload: compressedRecord
      ? { kind: 'compressedRecord', data }
      : { kind: 'signed', signedBytes: parts.itemsBytes },
  };
}

/**
 * The items JSON of a record whose project and key were checked: its signature is checked with
 * the key's secret before a v2 record's items are decompressed, and after a v1 record
 * compressed as a whole is (its signature covers the items inside). Called for one record at a
 * time, so a batch holds one record's inflated items at most.
 */
export function openItems(
  header: EnvelopeHeader,
  payload: RecordPayload,
  secret: string,
): { ok: true; itemsBytes: Buffer } | Failure {
  const fail = (reason: DeadLetterReason, detail: string): Failure => ({
    ok: false,
    reason,
    detail,
    claimedProjectId: header.projectId,
  });
  const badSignature = () =>
    fail(DEAD_LETTER_REASONS.badSignature, 'the HMAC-SHA256 signature does not match the items');
  if (payload.kind === 'compressedRecord') {
    const body = gunzipBounded(payload.data);
    if (body instanceof Error)
      return fail(DEAD_LETTER_REASONS.badEncoding, `gzip decoding failed: ${body.message}`);
    // The same stream as the prefix the header was read from: its first line is that header.
    const parts = splitRecord(body);
    if (!parts || !isValidSignature(secret, header, parts.itemsBytes)) return badSignature();
    return { ok: true, itemsBytes: parts.itemsBytes };
  }
  const { signedBytes } = payload;
  if (!isValidSignature(secret, header, signedBytes)) return badSignature();
  if (header.v === 1 || !isGzip(signedBytes)) return { ok: true, itemsBytes: signedBytes };
  const itemsBytes = gunzipBounded(signedBytes);
  if (itemsBytes instanceof Error) {
    return fail(
      DEAD_LETTER_REASONS.badEncoding,
      `gzip decoding of the items failed: ${itemsBytes.message}`,
    );
  }
  return { ok: true, itemsBytes };
}
